package filings_test

import (
	"fmt"
	"testing"
	"time"

	"sunshine/filings"
	"sunshine/models"
)

// The permission policy over every role × scope × state: who sees a filing,
// who may publish it (with and without uploaders publishing) and who may
// withdraw it, and what the desk offers from that.
func TestPolicy_RolesScopesStates(t *testing.T) {
	revoked := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tokens := []struct {
		name string
		tok  *models.Token
	}{
		{"public", nil},
		{"admin", &models.Token{Role: models.RoleAdmin}},
		{"revoked admin", &models.Token{Role: models.RoleAdmin, RevokedAt: &revoked}},
		{"uploader of the region", &models.Token{Role: models.RoleUploader, RegionCode: "431081"}},
		{"uploader of the department", &models.Token{Role: models.RoleUploader, RegionCode: "431081", Depts: []string{"001", "007"}}},
		{"uploader of another department", &models.Token{Role: models.RoleUploader, RegionCode: "431081", Depts: []string{"002"}}},
		{"uploader of another region", &models.Token{Role: models.RoleUploader, RegionCode: "110101"}},
		{"revoked uploader of the region", &models.Token{Role: models.RoleUploader, RegionCode: "431081", RevokedAt: &revoked}},
	}
	// want per token: sees the draft, may publish with uploaders allowed / not, may withdraw.
	want := map[string]struct{ seeDraft, publishIfAllowed, publish, withdraw bool }{
		"public":                         {false, false, false, false},
		"admin":                          {true, true, true, true},
		"revoked admin":                  {false, false, false, false},
		"uploader of the region":         {true, true, false, false},
		"uploader of the department":     {true, true, false, false},
		"uploader of another department": {false, false, false, false},
		"uploader of another region":     {false, false, false, false},
		"revoked uploader of the region": {false, false, false, false},
	}
	states := []models.Status{models.StatusDraft, models.StatusPublished, models.StatusSuperseded, models.StatusWithdrawn}
	for _, tk := range tokens {
		w := want[tk.name]
		for _, st := range states {
			f := models.Filing{ID: 1, Status: st, FilingKey: models.FilingKey{RegionCode: "431081", DeptCode: "001", FiscalYear: 2024, Phase: models.PhaseBudget}}
			t.Run(fmt.Sprintf("%s/%s", tk.name, st), func(t *testing.T) {
				draft := st == models.StatusDraft
				if got, exp := filings.MaySee(tk.tok, f), !draft || w.seeDraft; got != exp {
					t.Errorf("MaySee = %v, want %v", got, exp)
				}
				if got := filings.MayPublish(tk.tok, f, true); got != w.publishIfAllowed {
					t.Errorf("MayPublish (uploaders may publish) = %v, want %v", got, w.publishIfAllowed)
				}
				if got := filings.MayPublish(tk.tok, f, false); got != w.publish {
					t.Errorf("MayPublish = %v, want %v", got, w.publish)
				}
				if got := filings.MayWithdraw(tk.tok); got != w.withdraw {
					t.Errorf("MayWithdraw = %v, want %v", got, w.withdraw)
				}
				if got, exp := filings.CanPublish(tk.tok, f, true), draft && w.publishIfAllowed; got != exp {
					t.Errorf("CanPublish = %v, want %v", got, exp)
				}
				if got, exp := filings.CanWithdraw(tk.tok, f), st == models.StatusPublished && w.withdraw; got != exp {
					t.Errorf("CanWithdraw = %v, want %v", got, exp)
				}
			})
		}
	}
}

// The release-membership rule: a publication replaces the version it
// supersedes, a withdrawal removes the filing, a filing without rows of the
// dataset's kind leaves it (or never enters).
func TestNextMembers(t *testing.T) {
	v1 := models.Filing{ID: 11}
	v2 := models.Filing{ID: 12}
	cases := []struct {
		name    string
		members []int64
		f, prev models.Filing
		action  string
		hasData bool
		want    []int64
	}{
		{"first publication", []int64{3, 7}, v1, models.Filing{}, models.ActionPublish, true, []int64{3, 7, 11}},
		{"correction replaces the old version", []int64{3, 11, 7}, v2, v1, models.ActionCorrection, true, []int64{3, 7, 12}},
		{"correction without rows of this kind leaves", []int64{3, 11}, v2, v1, models.ActionCorrection, false, []int64{3}},
		{"withdrawal removes the filing", []int64{3, 12}, v2, models.Filing{}, models.ActionWithdrawal, true, []int64{3}},
		{"into an empty dataset", nil, v1, models.Filing{}, models.ActionPublish, true, []int64{11}},
	}
	for _, tc := range cases {
		got := filings.NextMembers(tc.members, tc.f, tc.prev, tc.action, tc.hasData)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
