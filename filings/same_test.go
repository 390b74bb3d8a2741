package filings_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sunshine/filings"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// The same bytes again are answered by the earlier upload (Duplicate, its
// id, its filings and findings as they stand) and store nothing — for a
// small file, found before the reading is far along, and for a file of
// thousands of rows, whose write is stopped. A new file is never answered
// as a duplicate of itself, however quickly it commits.
func TestUpload_SameBytesAnsweredByTheEarlierUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := service(s)
		small := file(t, "431081,001,财政局,2025,budget,万元,9.00,0,0,5.00,3.00\n") // 合计 ≠ 分项: one finding
		var b strings.Builder
		b.WriteString(header)
		for i := range 3000 {
			fmt.Fprintf(&b, "431081,%03d,部门,%d,budget,万元,8.00,0,0,5.00,3.00\n", 100+i%900, 2021+i/900)
		}
		big := filepath.Join(t.TempDir(), "三公-多.csv")
		if err := os.WriteFile(big, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		bigFile := filings.File{Path: big, Name: "三公-多.csv"}
		for _, f := range []filings.File{small, bigFile} {
			first, err := svc.Upload(ctx, f, cli, nil)
			if err != nil || first.Duplicate || first.Rejected || first.Upload.ID == 0 {
				t.Fatalf("%s first: duplicate %v rejected %v id %d %v", f.Name, first.Duplicate, first.Rejected, first.Upload.ID, err)
			}
			before, err := s.Filings(ctx, store.FilingFilter{})
			if err != nil {
				t.Fatal(err)
			}
			again, err := svc.Upload(ctx, f, cli, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !again.Duplicate || again.Upload.ID != first.Upload.ID || again.FilingsTotal != first.FilingsTotal ||
				len(again.Report.Findings) != len(first.Report.Findings) {
				t.Fatalf("%s again: duplicate %v upload %d (first %d) filings %d (first %d) findings %d (first %d)", f.Name,
					again.Duplicate, again.Upload.ID, first.Upload.ID, again.FilingsTotal, first.FilingsTotal,
					len(again.Report.Findings), len(first.Report.Findings))
			}
			after, err := s.Filings(ctx, store.FilingFilter{})
			if err != nil || len(after) != len(before) {
				t.Fatalf("%s again stored filings: %d before, %d after (%v)", f.Name, len(before), len(after), err)
			}
		}
		log, err := s.AuditLog(ctx, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		uploads := 0
		for _, e := range log {
			if e.Action == "upload" {
				uploads++
			}
		}
		if uploads != 2 {
			t.Fatalf("audit log has %d uploads, want 2", uploads)
		}
		// Another actor whose token may not write the earlier upload's filings
		// is not told about it: the file is read as new and refused by rows.
		narrow := filings.Actor{Name: "资兴002", Token: &models.Token{Name: "资兴002", Role: models.RoleUploader, RegionCode: "431081", Depts: []string{"002"}}}
		if _, err := svc.Upload(ctx, small, narrow, nil); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("the same bytes from a token that may not write them: %v", err)
		}
	})
}
