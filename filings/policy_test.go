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
