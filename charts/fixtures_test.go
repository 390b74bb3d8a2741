package charts

import (
	"fmt"
	"testing"

	"sunshine/models"
)

const regionCode, regionName = "990101", "阳光市（演示数据）"

var deptNames = map[string]string{
	"101": "阳光市财政局",
	"102": "阳光市教育局",
	"103": "阳光市人民代表大会常务委员会办公室",
	"104": "阳光市机关事务服务中心",
	"105": "阳光市统计局",
	"106": "阳光市商务局",
}

// wan reads a figure printed in 万元; "" is not disclosed.
func wan(t testing.TB, s string) models.NullMoney {
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

// yuan reads a figure in 元, for expectations.
func yuan(t testing.TB, s string) models.NullMoney {
	t.Helper()
	m, err := models.ParseMoney(s, models.Yuan)
	if err != nil {
		t.Fatal(err)
	}
	return models.Disclosed(m)
}

// tp is a 三公 record in 万元: total, trips, vehicles, purchase, operation, reception.
func tp(t testing.TB, v ...string) models.ThreePublic {
	t.Helper()
	if len(v) != 6 {
		t.Fatalf("tp wants 6 figures, got %d", len(v))
	}
	return models.ThreePublic{Unit: models.WanYuan,
		Total: wan(t, v[0]), OutboundTrips: wan(t, v[1]), Vehicles: wan(t, v[2]),
		VehiclePurchase: wan(t, v[3]), VehicleOperation: wan(t, v[4]), Reception: wan(t, v[5])}
}

// withBudget adds the 预算数 columns a final account prints, in the same order as tp.
func withBudget(t testing.TB, x models.ThreePublic, v ...string) models.ThreePublic {
	b := tp(t, v...)
	x.BudgetTotal, x.BudgetOutboundTrips, x.BudgetVehicles = b.Total, b.OutboundTrips, b.Vehicles
	x.BudgetVehiclePurchase, x.BudgetVehicleOperation, x.BudgetReception = b.VehiclePurchase, b.VehicleOperation, b.Reception
	return x
}

// rec makes a published record of release 1 of its dataset.
func rec(dept string, year int, phase models.Phase, x models.ThreePublic) Record {
	id := int64(year%100*1000) + int64(len(phase))*100 + int64(dept[2]-'0')
	return Record{RegionCode: regionCode, RegionName: regionName, DeptCode: dept, DeptName: deptNames[dept],
		FiscalYear: year, Phase: phase, FilingID: id, Version: 1, ThreePublic: x,
		Release: ReleaseRef{DatasetID: fmt.Sprintf("%s-%d-%s-three_public", regionCode, year, phase), Number: 1}}
}

// cityRecords is a small city over 2021–2024: budgets every year, finals up to 2023,
// one department that leaves some figures blank and one that overspends.
func cityRecords(t testing.TB) []Record {
	b, f := models.PhaseBudget, models.PhaseFinal
	rs := []Record{
		rec("101", 2021, b, tp(t, "12.35", "3.20", "6.80", "0", "6.80", "2.35")),
		rec("101", 2021, f, withBudget(t, tp(t, "11.92", "2.98", "6.75", "0", "6.75", "2.19"), "12.35", "3.20", "6.80", "0", "6.80", "2.35")),
		rec("101", 2022, b, tp(t, "11.80", "3.00", "6.60", "0", "6.60", "2.20")),
		rec("101", 2022, f, withBudget(t, tp(t, "10.64", "1.85", "6.59", "0", "6.59", "2.20"), "11.80", "3.00", "6.60", "0", "6.60", "2.20")),
		rec("101", 2023, b, tp(t, "11.20", "2.50", "6.60", "0", "6.60", "2.10")),
		rec("101", 2023, f, withBudget(t, tp(t, "10.02", "1.60", "6.52", "0", "6.52", "1.90"), "11.20", "2.50", "6.60", "0", "6.60", "2.10")),
		rec("101", 2024, b, tp(t, "10.50", "2.00", "6.50", "0", "6.50", "2.00")),

		rec("102", 2023, b, tp(t, "28.60", "4.00", "18.60", "12.00", "6.60", "6.00")),
		rec("102", 2023, f, withBudget(t, tp(t, "31.47", "3.85", "21.42", "14.80", "6.62", "6.20"), "28.60", "4.00", "18.60", "12.00", "6.60", "6.00")),
		rec("103", 2023, b, tp(t, "5.40", "0", "3.20", "0", "3.20", "2.20")),
		rec("103", 2023, f, withBudget(t, tp(t, "4.98", "0", "3.08", "0", "3.08", "1.90"), "5.40", "0", "3.20", "0", "3.20", "2.20")),
		// 机关事务服务中心 disclosed its vehicles but neither trips nor the vehicle split.
		rec("104", 2023, b, tp(t, "", "", "24.00", "", "", "3.50")),
		rec("104", 2023, f, tp(t, "", "", "23.10", "", "", "3.35")),
		// 统计局 spends exactly what 人大办 spends on reception: a tie.
		rec("105", 2023, b, tp(t, "3.10", "0", "1.20", "0", "1.20", "1.90")),
		rec("105", 2023, f, withBudget(t, tp(t, "3.10", "0", "1.20", "0", "1.20", "1.90"), "3.10", "0", "1.20", "0", "1.20", "1.90")),
	}
	return rs
}
