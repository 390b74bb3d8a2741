package web

import (
	"io"
	"testing"

	"github.com/gocarina/gocsv"

	"sunshine/charts"
	"sunshine/models"
)

func money(t *testing.T, s string) models.NullMoney {
	t.Helper()
	if s == "" {
		return models.NotDisclosed
	}
	m, err := models.ParseMoney(s, models.WanYuan)
	if err != nil {
		t.Fatal(err)
	}
	return models.Disclosed(m)
}

// The chart CSVs are written by gocsv from one struct per chart: the header
// comes from the tags, and reading the rows back gives the chart's figures.
func TestChartCSV_RowsAreTheChartsFigures(t *testing.T) {
	recs := []charts.Record{
		{RegionCode: "431081", DeptCode: "001", DeptName: "=财政局", FiscalYear: 2024, Phase: models.PhaseFinal,
			ThreePublic: models.ThreePublic{Total: money(t, "90.00"), OutboundTrips: money(t, "20.00"), Vehicles: money(t, "50.00"),
				VehiclePurchase: money(t, "10.00"), VehicleOperation: money(t, "40.00"), Reception: money(t, "20.00"),
				BudgetTotal: money(t, "120.00")}},
		{RegionCode: "431081", DeptCode: "002", DeptName: "教育局", FiscalYear: 2024, Phase: models.PhaseFinal,
			ThreePublic: models.ThreePublic{Total: money(t, "10.00")}},
	}
	comp, err := buildChart(chartRequest{kind: "composition", year: 2024, phase: models.PhaseFinal}, recs, "")
	if err != nil {
		t.Fatal(err)
	}
	var back []compositionCSV
	if err := gocsv.UnmarshalCSV(&sliceReader{rows: comp.rows}, &back); err != nil {
		t.Fatal(err)
	}
	d := comp.data.(charts.CompositionData)
	parts := append(append([]charts.Part{}, d.Items...), d.Vehicles...)
	if got := comp.rows[0]; len(got) != 5 || got[0] != "项目" || got[2] != "占比（%）" || got[4] != "未公开部门数" {
		t.Fatalf("header: %v", got)
	}
	if len(back) != len(parts) {
		t.Fatalf("%d rows for %d parts", len(back), len(parts))
	}
	for i, p := range parts {
		if b := back[i]; b.Item != p.Name || b.Amount != p.Amount.Money.Format(models.Yuan) || b.Share != string(p.Share) ||
			b.Counted != p.Counted || b.Excluded != p.Excluded {
			t.Errorf("row %d: %+v, part %+v", i, b, p)
		}
	}
	if back[0].Excluded != 1 || back[0].Share != "22.2" {
		t.Errorf("因公出国: %+v", back[0])
	}

	rank, err := buildChart(chartRequest{kind: "ranking", year: 2024, phase: models.PhaseFinal, item: charts.ItemReception}, recs, "")
	if err != nil {
		t.Fatal(err)
	}
	// The amount column names its item; a name that would start a formula is guarded; undisclosed is blank and unranked.
	want := [][]string{{"名次", "部门编码", "部门名称", "公务接待费（元）"}, {"1", "001", "'=财政局", "200000.00"}, {"", "002", "教育局", ""}}
	if len(rank.rows) != len(want) {
		t.Fatalf("ranking rows: %v", rank.rows)
	}
	for i := range want {
		for j := range want[i] {
			if rank.rows[i][j] != want[i][j] {
				t.Errorf("ranking row %d col %d: %q, want %q", i, j, rank.rows[i][j], want[i][j])
			}
		}
	}

	bvf, err := buildChart(chartRequest{kind: "budget-vs-final", year: 2024}, recs, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := bvf.rows[1]; got[2] != "1200000.00" || got[3] != "900000.00" || got[4] != "75.0" || got[5] != "" {
		t.Errorf("budget-vs-final row: %v", got)
	}
}

// sliceReader hands rows to gocsv as a CSVReader.
type sliceReader struct{ rows [][]string }

func (r *sliceReader) Read() ([]string, error) {
	if len(r.rows) == 0 {
		return nil, io.EOF
	}
	row := r.rows[0]
	r.rows = r.rows[1:]
	return row, nil
}

func (r *sliceReader) ReadAll() ([][]string, error) {
	rows := r.rows
	r.rows = nil
	return rows, nil
}
