package checks_test

import (
	"fmt"
	"testing"

	"sunshine/checks"
	"sunshine/checks/checkstest"
	"sunshine/models"
)

var changeOutlierCases = []ruleCase{
	{name: "as last year", filing: budget(), env: published(budget2023)},
	// A 10× typo in one item with the total kept consistent: every identity holds.
	{name: "reception ×10 with the total kept consistent", filing: budget(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total = w("40.00"), w("52.00")
	})), env: published(budget2023), want: []string{"warning three_public//reception"}},
	{name: "a reason that names the item", filing: budget(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total, t.ChangeReason = w("40.00"), w("52.00"), "承办全国性会议，公务接待费大幅增加。"
	})), env: published(budget2023)},
	{name: "reception to 1/5 of last year", filing: budget(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total = w("0.80"), w("12.80")
	})), env: published(budget2023), want: []string{"warning three_public//reception"}},
	{name: "×4 is not an outlier", filing: budget(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total = w("16.00"), w("28.00")
	})), env: published(budget2023)},
	{name: "a final against its own budget column", filing: final(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total, t.ChangeReason = w("35.20"), w("46.68"), "压减会议费。"
	})), want: []string{"warning three_public//reception"}},
	{name: "×10⁴ is unit.suspect's", filing: budget(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total = w("40000.00"), w("40012.00")
	})), env: published(budget2023)},
}

// variedPeers are n other departments' published 2024 finals whose reception
// spreads from 2.00 to about 6 万元.
func variedPeers(n int) func() checks.Env {
	var fs []func() *checks.Filing
	for i := 0; i < n; i++ {
		v := w(fmt.Sprintf("%d.%02d", 2+i*4/n, (i*37)%100))
		fs = append(fs, final(as(int64(300+i), "q"+string(rune('a'+i)), checkstest.Year, models.PhaseFinal),
			tp(func(t *models.ThreePublic) { t.Reception, t.Total = v, models.NotDisclosed })))
	}
	return published(fs...)
}

var peerOutlierCases = []ruleCase{
	{name: "like the region", filing: final(), env: variedPeers(8)},
	{name: "reception 100× the region's", filing: final(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total = w("352.00"), w("363.48")
	})), env: variedPeers(8), want: []string{"warning three_public//reception"}},
	{name: "too few peers to tell", filing: final(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total = w("352.00"), w("363.48")
	})), env: variedPeers(4)},
}

var reasonContradictsCases = []ruleCase{
	{name: "持平 and equal to last year", filing: budget(), env: published(budget2023)},
	{name: "the final's reason agrees with its budget", filing: final()},
	{name: "持平 beside a rise", filing: budget(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total = w("5.00"), w("17.00")
	})), env: published(budget2023), want: []string{"warning three_public//change_reason"}},
	{name: "增长 1.14% when the rise is 114%", filing: budget(tp(func(t *models.ThreePublic) {
		t.Vehicles, t.VehicleOperation, t.Total = w("30.24"), w("30.24"), w("34.24")
		t.ChangeReason = "三公经费预算比上年增加 18.24 万元，增长 1.14%。"
	})), env: published(budget2023), want: []string{"warning three_public//change_reason"}},
	{name: "增加 18.24 万元，增长 114% as the figures say", filing: budget(tp(func(t *models.ThreePublic) {
		t.Vehicles, t.VehicleOperation, t.Total = w("30.24"), w("30.24"), w("34.24")
		t.ChangeReason = "三公经费预算比上年增加 18.24 万元，增长 114%。"
	})), env: published(budget2023)},
	{name: "减少 beside a rise, on the item named", filing: budget(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total = w("5.00"), w("17.00")
		t.ChangeReason = "公务接待费比上年减少 1.00 万元。"
	})), env: published(budget2023), want: []string{"warning three_public//change_reason"}},
	{name: "a wrong amount", filing: budget(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total = w("5.00"), w("17.00")
		t.ChangeReason = "公务接待费比上年增加 2.00 万元。"
	})), env: published(budget2023), want: []string{"warning three_public//change_reason"}},
}

func TestChangeOutlier(t *testing.T)     { testRule(t, "change.outlier") }
func TestPeerOutlier(t *testing.T)       { testRule(t, "peer.outlier") }
func TestReasonContradicts(t *testing.T) { testRule(t, "change.reason_contradicts") }
