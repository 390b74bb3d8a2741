package checks_test

import (
	"testing"

	"sunshine/checks"
	"sunshine/checks/checkstest"
	"sunshine/models"
)

var countMissingCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "consistent final", filing: final()},
	{name: "final: reception without batches", filing: final(tp(func(t *models.ThreePublic) { t.ReceptionBatches = none })),
		want: []string{"warning three_public//reception_batches"}},
	{name: "final: trips with 0 groups and persons", filing: final(tp(func(t *models.ThreePublic) {
		t.OutboundTrips, t.Total = w("3.20"), w("18.20")
	})), want: []string{"warning three_public//trip_groups", "warning three_public//trip_persons"}},
	{name: "final: purchase without vehicles purchased", filing: final(tp(func(t *models.ThreePublic) {
		t.VehiclePurchase, t.VehiclesPurchased = w("25.00"), none
	})), want: []string{"warning three_public//vehicles_purchased"}},
	{name: "final: operation with no vehicles held", filing: final(tp(func(t *models.ThreePublic) { t.VehiclesHeld = count(0) })),
		want: []string{"warning three_public//vehicles_held"}},
	{name: "budget: a count not disclosed is fine", filing: budget(tp(func(t *models.ThreePublic) { t.ReceptionBatches = none }))},
	{name: "budget: a count given as 0 beside money", filing: budget(tp(func(t *models.ThreePublic) { t.ReceptionBatches = count(0) })),
		want: []string{"warning three_public//reception_batches"}},
	{name: "a count above 0 with zero money", filing: budget(tp(func(t *models.ThreePublic) { t.VehiclesPurchased = count(2) })),
		want: []string{"warning three_public//vehicles_purchased"}},
	{name: "a count above 0 with the money not disclosed", filing: budget(tp(func(t *models.ThreePublic) {
		t.VehiclePurchase, t.VehiclesPurchased = nd, count(2)
	}))},
}

var countOrderCases = []ruleCase{
	{name: "consistent final", filing: final()},
	{name: "fewer trip persons than groups", filing: final(tp(func(t *models.ThreePublic) { t.TripGroups, t.TripPersons = count(3), count(2) })),
		want: []string{"warning three_public//trip_persons"}},
	{name: "fewer reception persons than batches", filing: final(tp(func(t *models.ThreePublic) { t.ReceptionPersons = count(40) })),
		want: []string{"warning three_public//reception_persons"}},
	{name: "more foreign batches than batches", filing: final(tp(func(t *models.ThreePublic) {
		t.ForeignReceptionBatches, t.ForeignReceptionPersons = count(45), count(300)
	})), want: []string{"warning three_public//foreign_reception_batches"}},
	{name: "more foreign persons than persons", filing: final(tp(func(t *models.ThreePublic) {
		t.ForeignReceptionBatches, t.ForeignReceptionPersons = count(2), count(400)
	})), want: []string{"warning three_public//foreign_reception_persons"}},
	{name: "equal is fine", filing: final(tp(func(t *models.ThreePublic) { t.ReceptionPersons = count(44) }))},
	{name: "a count not disclosed is not compared", filing: final(tp(func(t *models.ThreePublic) { t.ReceptionBatches = none }))},
}

// regionPeers are n other departments' published 2024 finals: reception 3.52 万元
// for 352 persons, 100 元 a person.
func regionPeers(n int) func() checks.Env {
	var fs []func() *checks.Filing
	for i := 0; i < n; i++ {
		fs = append(fs, final(as(int64(300+i), "q"+string(rune('a'+i)), checkstest.Year, models.PhaseFinal)))
	}
	return published(fs...)
}

var countOutlierCases = []ruleCase{
	{name: "like the region", filing: final(), env: regionPeers(5)},
	{name: "reception per person 4 times the median is not yet far out", filing: final(tp(func(t *models.ThreePublic) {
		t.ReceptionPersons = count(88)
	})), env: regionPeers(5)},
	{name: "reception per person above 4 times the median", filing: final(tp(func(t *models.ThreePublic) {
		t.ReceptionPersons = count(87)
	})), env: regionPeers(5), want: []string{"warning three_public//reception"}},
	{name: "operation per vehicle below a quarter of the median", filing: final(tp(func(t *models.ThreePublic) {
		t.VehiclesHeld = count(13)
	})), env: regionPeers(5), want: []string{"warning three_public//vehicle_operation"}},
	{name: "too few peers", filing: final(tp(func(t *models.ThreePublic) { t.ReceptionPersons = count(10) })), env: regionPeers(4)},
	{name: "no published filings", filing: final(tp(func(t *models.ThreePublic) { t.ReceptionPersons = count(10) }))},
}

func TestCountMissing(t *testing.T) { testRule(t, "count.missing") }
func TestCountOrder(t *testing.T)   { testRule(t, "count.order") }
func TestCountOutlier(t *testing.T) { testRule(t, "count.outlier") }
