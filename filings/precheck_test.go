package filings_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"sunshine/checks"
	"sunshine/demo"
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// precheckFiles writes the demo's 2024 budgets of eight departments as one
// line-item file with mistakes in three of them (a 合计 off by 1,000 元, a 10×
// typo in one 项 with its parents kept, a line's 基本支出 doubled), and the
// same file with the first rows of the third department moved to the end, so
// that the file names that draft again after moving on. The 2023 budgets go
// in a third file, published first: last year for the cross-year rules.
func precheckFiles(t *testing.T) (lastYear, together, split string) {
	t.Helper()
	scale := demo.Scale{Regions: 1, Depts: 8, Years: 2, FirstYear: 2023, Phases: []models.Phase{models.PhaseBudget}}
	var last, this []demo.Filing
	for _, f := range scale.All() {
		if f.Key.FiscalYear == 2023 {
			last = append(last, f)
		} else {
			this = append(this, f)
		}
	}
	write := func(name string, fs []demo.Filing, edit func(lines []string) []string) string {
		var b bytes.Buffer
		if err := demo.WriteLineItemsCSV(&b, fs); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if edit != nil {
			lines = edit(lines)
		}
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mistakes := func(lines []string) []string {
		out := slices.Clone(lines)
		changed := map[string]bool{}
		for i, l := range out {
			c := strings.Split(l, ",")
			if len(c) != 12 || i == 0 {
				continue
			}
			dept, code, col := c[2], c[8], c[10]
			switch {
			case dept == "002" && code == "total" && col == "total" && !changed[dept]:
				c[11] = addYuan(t, c[11], 1000)
			case dept == "005" && len(code) == 7 && col == "total" && !changed[dept]:
				c[11] = timesTen(t, c[11])
			case dept == "007" && len(code) == 5 && col == "basic" && !changed[dept]:
				c[11] = addYuan(t, c[11], amountYuan(t, c[11]))
			default:
				continue
			}
			changed[dept] = true
			out[i] = strings.Join(c, ",")
		}
		if len(changed) != 3 {
			t.Fatalf("the mistakes went into %v, want three departments", changed)
		}
		return out
	}
	together = write("together.csv", this, mistakes)
	split = write("split.csv", this, func(lines []string) []string {
		lines = mistakes(lines)
		var moved, kept []string
		for i, l := range lines {
			if i > 0 && strings.Split(l, ",")[2] == "003" && len(moved) < 20 {
				moved = append(moved, l)
				continue
			}
			kept = append(kept, l)
		}
		return append(kept, moved...)
	})
	return write("2023.csv", last, nil), together, split
}

func amountYuan(t *testing.T, s string) int64 {
	t.Helper()
	m, err := models.ParseMoney(s, models.Yuan)
	if err != nil {
		t.Fatal(err)
	}
	return int64(m) / 100
}

func addYuan(t *testing.T, s string, yuan int64) string {
	return fmt.Sprintf("%d.00", amountYuan(t, s)+yuan)
}

func timesTen(t *testing.T, s string) string {
	return fmt.Sprintf("%d.00", amountYuan(t, s)*10)
}

// TestPrecheck_SameFindingsAsCheckingAfterwards uploads the same files to a
// service that checks drafts while it writes them and to one whose checker
// cannot (it checks after the last row, as before), and wants the same
// findings, draft by draft, from each — including the draft the file names
// twice, which must be checked whole at the end.
func TestPrecheck_SameFindingsAsCheckingAfterwards(t *testing.T) {
	lastYear, together, split := precheckFiles(t)
	for _, tc := range []struct {
		name, file string
		wantEarly  int64
	}{
		{"each department in one run", together, 7}, // the last is checked at the end
		// 003's first rows come last: it was checked early without them, and
		// again at the end; the early findings (partial content, hierarchy
		// errors) must not be the stored ones.
		{"a department named twice", split, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var early atomic.Int64
			rules := &filings.Rules{}
			got := precheckFindings(t, filings.CountingRules(rules, &early), lastYear, tc.file)
			if early.Load() != tc.wantEarly {
				t.Errorf("%d drafts were checked while the upload wrote, want %d", early.Load(), tc.wantEarly)
			}
			// A checker that is no session: checked after the last row, several
			// drafts at once, each call reading the transaction (Rules.Check takes them one at a time).
			after := filings.CheckerFunc(func(ctx context.Context, tx *store.Tx, d *checks.Filing) ([]models.Finding, error) {
				return rules.Check(ctx, tx, d)
			})
			want := precheckFindings(t, after, lastYear, tc.file)
			if !slices.Equal(got, want) {
				t.Errorf("findings differ:\nwhile writing: %q\nafterwards:    %q", got, want)
			}
			errs := 0
			for _, f := range want {
				if strings.Contains(f, " error ") {
					errs++
				}
			}
			if errs < 3 {
				t.Errorf("%d errors for three mistakes: %q", errs, want)
			}
			for _, dept := range []string{"002", "005", "007"} {
				if !slices.ContainsFunc(want, func(f string) bool { return strings.HasPrefix(f, dept+" ") && strings.Contains(f, " error ") }) {
					t.Errorf("no error for department %s's mistake: %q", dept, want)
				}
			}
		})
	}
}

// precheckFindings publishes lastYear (checked by the plain rules), uploads file checked by chk, and returns every
// stored finding of the upload's drafts as "dept rule severity message".
func precheckFindings(t *testing.T, chk filings.Checker, lastYear, file string) []string {
	t.Helper()
	s := storetest.SQLite(t)
	svc := &filings.Service{Store: s, Checker: &filings.Rules{}, Options: ingest.DefaultOptions()}
	admin := filings.Actor{Name: "test"}
	res, err := svc.Upload(ctx, filings.File{Path: lastYear, Name: "2023.csv"}, admin, nil)
	if err != nil || res.Rejected {
		t.Fatalf("2023: %v %+v", err, res.Report.Stats)
	}
	_, ids, err := s.UploadBySHA256(ctx, res.Upload.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PublishSet(ctx, ids, admin, "2023"); err != nil {
		t.Fatal(err)
	}
	svc.Checker = chk
	res, err = svc.Upload(ctx, filings.File{Path: file, Name: filepath.Base(file)}, admin, nil)
	if err != nil || res.Rejected {
		t.Fatalf("2024: %v %+v", err, res.Report.Stats)
	}
	var out []string
	_, ids, err = s.UploadBySHA256(ctx, res.Upload.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		f, err := s.Filing(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := s.Findings(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range fs {
			out = append(out, fmt.Sprintf("%s %s %s %s %v", f.DeptCode, x.Rule, x.Severity, x.Message, x.Cells))
		}
	}
	slices.Sort(out)
	return out
}
