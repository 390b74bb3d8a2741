package checks_test

import (
	"testing"

	"sunshine/models"
)

// threeParts is a budget 三公 record of four printed parts (the vehicles
// subtotal not given), so a total compared with them involves five 万元
// figures: 5 × 50 元 = 250 元 of rounding (DOMAIN.md §5).
func threeParts(total string) mutation {
	return tp(func(t *models.ThreePublic) {
		t.Total, t.OutboundTrips, t.Vehicles = w(total), w("0.00"), nd
		t.VehiclePurchase, t.VehicleOperation, t.Reception = w("0.00"), w("12.00"), w("4.00")
	})
}

var threePublicTotalCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "consistent final, both columns", filing: final()},
	{name: "total vs 4 parts in 万元 off by exactly 250 元 is rounding", filing: budget(threeParts("16.025")),
		want: []string{"info three_public//total"}},
	{name: "total vs 4 parts in 万元 off by 200 元 is rounding", filing: budget(threeParts("16.02")),
		want: []string{"info three_public//total"}},
	{name: "total vs 4 parts in 万元 off by 251 元 is an error", filing: budget(threeParts("16.0251")),
		want: []string{"error three_public//total"}},
	{name: "total vs 4 parts in 万元 off by 300 元 is an error", filing: budget(threeParts("16.03")),
		want: []string{"error three_public//total"}},
	{name: "in 元 a difference of one fen is an error", filing: budget(tp(func(t *models.ThreePublic) {
		t.Unit = models.Yuan
		t.Total, t.OutboundTrips, t.Vehicles = models.Disclosed(16_000_001), models.Disclosed(0), models.Disclosed(12_000_000)
		t.VehiclePurchase, t.VehicleOperation, t.Reception = models.Disclosed(0), models.Disclosed(12_000_000), models.Disclosed(4_000_000)
	})), want: []string{"error three_public//total"}},
	{name: "in 亿元 each figure may be 500,000 元 off", filing: budget(tp(func(t *models.ThreePublic) {
		t.Unit = yi // 4 figures: 2,000,000 元 of rounding
		t.Total, t.OutboundTrips, t.Vehicles, t.Reception = checkAmount("1.02", yi), checkAmount("0.00", yi), checkAmount("1.00", yi), checkAmount("0.00", yi)
	})), want: []string{"info three_public//total"}},
	{name: "a final's 预算数 column is checked too", filing: final(tp(func(t *models.ThreePublic) { t.BudgetTotal = w("17.00") })),
		want: []string{"error three_public//budget_total"}},
	{name: "a whole-万元 statement with a 1-万元 gap is rounding", filing: budget(tp(func(t *models.ThreePublic) {
		t.Decimals = models.PrintedDecimals(0) // 4 figures printed to whole 万元: 2 万元 of tolerance
		t.Total, t.OutboundTrips, t.Vehicles, t.VehiclePurchase, t.VehicleOperation, t.Reception = w("17"), w("0"), w("12"), w("0"), w("12"), w("4")
	})), want: []string{"info three_public//total"}},
	{name: "a whole-万元 statement with a 3-万元 gap is an error", filing: budget(tp(func(t *models.ThreePublic) {
		t.Decimals = models.PrintedDecimals(0)
		t.Total, t.OutboundTrips, t.Vehicles, t.VehiclePurchase, t.VehicleOperation, t.Reception = w("19"), w("0"), w("12"), w("0"), w("12"), w("4")
	})), want: []string{"error three_public//total"}},
	{name: "total not disclosed: not checked", filing: budget(tp(func(t *models.ThreePublic) { t.Total = nd }))},
	// A printed 三公 table leaves a zero item blank: with the total printed, a blank part reads 0.
	{name: "a blank part reads 0 and the total no longer closes", filing: budget(tp(func(t *models.ThreePublic) { t.Reception = nd })),
		want: []string{"error three_public//total"}},
	{name: "a blank part that is zero closes the total", filing: budget(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total = nd, w("12.00")
	}))},
	{name: "no part printed at all: nothing to compare", filing: budget(tp(func(t *models.ThreePublic) {
		t.OutboundTrips, t.Vehicles, t.VehiclePurchase, t.VehicleOperation, t.Reception = nd, nd, nd, nd, nd
	}))},
	{name: "vehicles subtotal not given: purchase + operation stand in", filing: budget(threeParts("16.00"))},
	{name: "vehicles and its split not disclosed: not checked", filing: budget(tp(func(t *models.ThreePublic) {
		t.Vehicles, t.VehiclePurchase = nd, nd
	}))},
	{name: "zero total with zero parts", filing: budget(tp(func(t *models.ThreePublic) {
		t.Total, t.Vehicles, t.VehicleOperation, t.Reception = w("0"), w("0"), w("0"), w("0")
	}))},
	{name: "zero total means every part is zero, without tolerance", filing: budget(tp(func(t *models.ThreePublic) {
		t.Total, t.Vehicles, t.VehicleOperation, t.Reception = w("0"), w("0"), w("0"), w("0.01")
	})), want: []string{"error three_public//reception"}},
	{name: "zero total with a part not disclosed and another non-zero", filing: budget(tp(func(t *models.ThreePublic) {
		t.Total, t.OutboundTrips, t.Reception = w("0"), nd, w("0")
	})), want: []string{"error three_public//vehicles", "error three_public//vehicle_operation"}},
	{name: "no 三公 record: the rule does not run", filing: budget(noThreePublic)},
}

var threePublicVehiclesCases = []ruleCase{
	{name: "consistent", filing: budget()},
	{name: "3 万元 figures: 100 元 off is rounding", filing: budget(tp(func(t *models.ThreePublic) { t.Vehicles = w("12.01") })),
		want: []string{"info three_public//vehicles"}},
	{name: "3 万元 figures: 150 元 off is rounding", filing: budget(tp(func(t *models.ThreePublic) { t.Vehicles = w("12.015") })),
		want: []string{"info three_public//vehicles"}},
	{name: "3 万元 figures: 200 元 off is an error", filing: budget(tp(func(t *models.ThreePublic) { t.Vehicles = w("12.02") })),
		want: []string{"error three_public//vehicles"}},
	{name: "final 预算数", filing: final(tp(func(t *models.ThreePublic) { t.BudgetVehicleOperation = w("11.00") })),
		want: []string{"error three_public//budget_vehicles"}},
	{name: "subtotal not disclosed: not checked", filing: budget(tp(func(t *models.ThreePublic) { t.Vehicles = nd }))},
	{name: "operation blank reads 0 and the subtotal no longer closes", filing: budget(tp(func(t *models.ThreePublic) { t.VehicleOperation = nd })),
		want: []string{"error three_public//vehicles"}},
	{name: "purchase blank reads 0 and the subtotal closes", filing: budget(tp(func(t *models.ThreePublic) { t.VehiclePurchase = nd }))},
	{name: "neither part printed: not compared", filing: budget(tp(func(t *models.ThreePublic) { t.VehiclePurchase, t.VehicleOperation = nd, nd })),
		want: nil},
}

var vehiclesNotSplitCases = []ruleCase{
	{name: "split given", filing: budget()},
	{name: "subtotal only", filing: budget(tp(func(t *models.ThreePublic) { t.VehiclePurchase, t.VehicleOperation = nd, nd })),
		want: []string{"warning three_public//vehicles"}},
	{name: "one part blank is a printed zero, not an unsplit subtotal", filing: budget(tp(func(t *models.ThreePublic) { t.VehiclePurchase = nd }))},
	{name: "zero subtotal needs no split", filing: budget(tp(func(t *models.ThreePublic) {
		t.Vehicles, t.VehiclePurchase, t.VehicleOperation = w("0"), nd, nd
	}))},
	{name: "final 预算数 without split", filing: final(tp(func(t *models.ThreePublic) { t.BudgetVehiclePurchase, t.BudgetVehicleOperation = nd, nd })),
		want: []string{"warning three_public//budget_vehicles"}},
}

func checkAmount(s string, u models.Unit) models.NullMoney {
	m, err := models.ParseMoney(s, u)
	if err != nil {
		panic(err)
	}
	return models.Disclosed(m)
}

func TestThreePublicTotal(t *testing.T)    { testRule(t, "three_public.total") }
func TestThreePublicVehicles(t *testing.T) { testRule(t, "three_public.vehicles") }
func TestVehiclesNotSplit(t *testing.T)    { testRule(t, "three_public.vehicles_not_split") }
