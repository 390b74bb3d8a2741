package exports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sunshine/models"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./exports -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./exports -update rewrites it)\n got: %q\nwant: %q", name, got, want)
	}
}

func yuan(fen int64) models.NullMoney { return models.Disclosed(models.Money(fen)) }

var nd = models.NotDisclosed

func origin(filing int64, version, release int, dept, deptName string, phase models.Phase) Origin {
	return Origin{FilingID: filing, Version: version, Release: release, RegionCode: "431081", RegionName: "资兴市",
		DeptCode: dept, DeptName: deptName, FiscalYear: 2024, Phase: phase}
}

const base = "https://sunshine.example.gov.cn/api/v1/filings/"

// threePublicRows covers what the formats must get right: not disclosed next
// to zero, a negative, a fen, a large amount, a leading-zero code, text that
// looks like a formula, quotes, commas and line breaks, Chinese text.
func threePublicRows() []ThreePublicRow {
	return []ThreePublicRow{
		{
			Origin: origin(10, 2, 3, "001", "资兴市教育局", models.PhaseFinal), Unit: models.WanYuan,
			Total: yuan(123456789), OutboundTrips: yuan(0), Vehicles: nd, VehiclePurchase: yuan(1),
			VehicleOperation: yuan(-1250), Reception: yuan(99999999999999),
			BudgetTotal: yuan(130000000), BudgetOutboundTrips: yuan(0), BudgetVehicles: nd,
			BudgetVehiclePurchase: yuan(8300), BudgetVehicleOperation: yuan(100), BudgetReception: yuan(50000000),
			TripGroups: models.CountOf(0), TripPersons: models.CountOf(0), VehiclesPurchased: models.CountOf(1),
			VehiclesHeld: models.CountOf(12), ReceptionBatches: models.CountOf(250), ReceptionPersons: models.CountOf(1800),
			ChangeReason: `=HYPERLINK("http://evil.example","点击")`,
			Permalink:    base + "10",
		},
		{
			Origin: origin(11, 1, 3, "A-02", "资兴市财政局", models.PhaseFinal), Unit: models.Yuan,
			Total: yuan(8300), OutboundTrips: nd, Vehicles: yuan(8300), VehiclePurchase: yuan(0),
			VehicleOperation: yuan(8300), Reception: yuan(0),
			BudgetTotal: yuan(1234567890123456789), // beyond Excel's 15 digits: text in XLSX
			TripGroups:  models.NullCount{}, VehiclesHeld: models.CountOf(3),
			ChangeReason: "-公务接待减少，\"只减不增\"\n较上年下降 5%",
			Permalink:    base + "11",
		},
		{
			Origin: Origin{FilingID: 12, Version: 1, RegionCode: "431081", DeptCode: "003", DeptName: "@资兴市卫健局",
				FiscalYear: 2024, Phase: models.PhaseFinal},
			Unit: models.YiYuan, Permalink: base + "12",
		},
	}
}

func lineItemRows() []LineItemRow {
	o := origin(10, 2, 3, "001", "资兴市教育局", models.PhaseFinal)
	p := base + "10"
	return []LineItemRow{
		{Origin: o, Table: models.TableExpenditure, Code: "2010601", Name: "行政运行", Column: "basic", Amount: yuan(123456789), Unit: models.Yuan, Permalink: p},
		{Origin: o, Table: models.TableExpenditure, Code: "total", Name: "合计", Column: "total", Amount: nd, Unit: models.Yuan, Permalink: p},
		{Origin: o, Table: models.TableBasicExpenditure, Code: "30201", Name: "办公费", Column: "public_use", Amount: yuan(0), Unit: models.Yuan, Permalink: p},
		{Origin: o, Table: models.TableOperatingCost, Code: "total", Name: "合计", Column: "amount", Amount: yuan(1), Unit: models.WanYuan, Permalink: p},
		{Origin: o, Table: models.TableSummary, Code: "carryover_out", Name: "=结转下年", Column: "amount", Amount: yuan(-10000), Unit: models.Yuan, Permalink: p},
	}
}

func filingRows() []FilingRow {
	at := time.Date(2025, 8, 20, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	return []FilingRow{
		{Origin: origin(10, 2, 3, "001", "资兴市教育局", models.PhaseFinal), Status: models.StatusPublished, PublishedAt: at,
			Note: "更正：公务接待费误填为元", Permalink: base + "10"},
		{Origin: origin(11, 1, 3, "A-02", "资兴市财政局", models.PhaseFinal), Status: models.StatusPublished, PublishedAt: at, Permalink: base + "11"},
		{Origin: Origin{FilingID: 12, Version: 1, Release: 3, RegionCode: "431081", DeptCode: "003", DeptName: "@资兴市卫健局",
			FiscalYear: 2024, Phase: models.PhaseFinal}, Status: models.StatusPublished, PublishedAt: at, Permalink: base + "12"},
	}
}

// encodeAll runs rows through an encoder and returns the error of the first failing call.
func encodeAll[T any](e Encoder[T], rows []T) error {
	for _, r := range rows {
		if err := e.Encode(r); err != nil {
			return err
		}
	}
	return e.Close()
}
