package checks_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"sunshine/checks"
	"sunshine/ingest"
	"sunshine/models"
)

// Fixtures of documents as printed: testdata/layouts holds the official
// layouts filled consistently; testdata/real holds documents governments
// published, transcribed as printed (testdata/README.md gives their addresses).

// loadFixture reads every CSV of a folder through the upload reader and
// gathers the records into one filing, as `sunshine check` does.
func loadFixture(t *testing.T, dir string) *checks.Filing {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	sort.Strings(paths)
	if len(paths) == 0 {
		t.Fatalf("%s: no CSV files", dir)
	}
	f := &checks.Filing{Filing: models.Filing{ID: 1, Version: 1, Status: models.StatusDraft}}
	for _, p := range paths {
		rd, err := ingest.OpenFile(p, ingest.Options{})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if f.FiscalYear == 0 {
				f.FilingKey = rec.Key
			} else if rec.Key != f.FilingKey {
				t.Fatalf("%s row %d: a second filing %+v in one fixture", p, rec.Row, rec.Key)
			}
			if rec.Note != nil {
				n := *rec.Note
				n.FilingID, n.SourceRow = f.ID, rec.Row
				f.Notes = append(f.Notes, n)
			}
			if rec.ThreePublic != nil {
				tp := *rec.ThreePublic
				tp.FilingID, tp.SourceRow = f.ID, rec.Row
				f.ThreePublic = &tp
			}
			if rec.LineItem != nil {
				li := *rec.LineItem
				li.FilingID, li.SourceRow = f.ID, rec.Row
				f.Items = append(f.Items, li)
			}
		}
		if fs := rd.Findings(); len(fs) > 0 {
			t.Fatalf("%s: refused at parse: %s", p, fs[0].Message)
		}
		rd.Close()
	}
	return f
}

func fixtureDirs(t *testing.T, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, filepath.Join(root, e.Name()))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no fixtures under %s", root)
	}
	return out
}

func countBySeverity(fs []models.Finding) (errs, warns, infos int) {
	for _, f := range fs {
		switch f.Severity {
		case models.SeverityError:
			errs++
		case models.SeverityWarning:
			warns++
		default:
			infos++
		}
	}
	return
}

// TestLayouts_ConsistentFilingsAreClean: a bureau that uploads exactly the
// cells its official table prints — no 本年收入合计 it does not print, a 财政拨款
// 收支总表 with one income column, a final's 基本支出决算表 with 人员/公用经费合计,
// blank 三公 cells, whole-元 and 万元 rounding gaps, empty tables with notes — gets
// no error and no warning.
func TestLayouts_ConsistentFilingsAreClean(t *testing.T) {
	for _, dir := range fixtureDirs(t, "../testdata/layouts") {
		f := loadFixture(t, dir)
		fs := checks.Run(f, checks.Env{})
		errs, warns, infos := countBySeverity(fs)
		t.Logf("%s: %d errors, %d warnings, %d infos", filepath.Base(dir), errs, warns, infos)
		for _, x := range fs {
			if x.Severity != models.SeverityInfo {
				t.Errorf("%s: %s %s %s", filepath.Base(dir), x.Severity, x.Rule, x.Message)
			}
		}
	}
}

// TestLayouts_EverySingleFigureChangedBeyondToleranceIsAnError changes each
// printed figure of each layout fixture, one at a time, by 1,000 half-units of
// its last printed digit (past any tolerance: no identity there has 999 parts),
// and expects an error. 机关运行经费 (bounded by a warning) and 授予中小企业合同金额
// (only bounded above by the total) are changed upwards, where their bound bites.
func TestLayouts_EverySingleFigureChangedBeyondToleranceIsAnError(t *testing.T) {
	for _, dir := range fixtureDirs(t, "../testdata/layouts") {
		base := loadFixture(t, dir)
		name := filepath.Base(dir)
		trials := 0
		for i, li := range base.Items {
			if !li.Amount.Valid || li.Table == models.TableOperatingCost {
				continue
			}
			for _, sign := range []models.Money{1, -1} {
				if li.Table == models.TableProcurement && li.Code == "sme" && sign < 0 {
					continue
				}
				f := *base
				f.Items = append([]models.LineItem(nil), base.Items...)
				f.Items[i].Amount.Money += sign * delta(li.Decimals, li.Unit)
				trials++
				if errs, _, _ := countBySeverity(keepErrors(checks.Run(&f, checks.Env{}))); errs == 0 {
					t.Errorf("%s: %s/%s/%s (row %d) changed by %s: no error", name, li.Table, li.Code, li.Column, li.SourceRow,
						(sign * delta(li.Decimals, li.Unit)).Format(models.Yuan))
				}
			}
		}
		if tp := base.ThreePublic; tp != nil {
			for k, a := range models.ThreePublicAmounts {
				if !a.Get(tp).Valid {
					continue
				}
				f := *base
				changed := *tp
				a.Get(&changed).Money += delta(tp.Decimals, tp.Unit)
				f.ThreePublic = &changed
				trials++
				if errs, _, _ := countBySeverity(keepErrors(checks.Run(&f, checks.Env{}))); errs == 0 {
					t.Errorf("%s: 三公 %s changed: no error", name, models.ThreePublicAmounts[k].Key)
				}
			}
		}
		t.Logf("%s: %d single-figure changes, each an error", name, trials)
		if trials < 50 {
			t.Errorf("%s: only %d figures changed", name, trials)
		}
	}
}

func delta(d models.Decimals, u models.Unit) models.Money {
	return max(1000*d.HalfUnit(u), 100_000) // at least 1,000 元: figures printed to the fen too
}

func keepErrors(fs []models.Finding) []models.Finding {
	var out []models.Finding
	for _, f := range fs {
		if f.Severity == models.SeverityError {
			out = append(out, f)
		}
	}
	return out
}

// realExpected pins what each real document gets (errors, warnings) and why,
// so that a change in the engine that alters it is seen and explained.
var realExpected = map[string]struct {
	errors, warnings int
	why              string
}{
	"2015-budget-guilin-justice-bureau-three-public":                {2, 0, "the document prints 公务用车费 0 beside a running cost of 32.65 万元; the 合计 34.35 closes only without the car line"},
	"2016-budget-nantong-sasac-three-public":                        {0, 0, "closes with the blank 因公出国 cell read as 0"},
	"2016-final-quzhou-qujiang-district-three-public":               {0, 4, "a final without trip and reception counts (required from 2013): count.missing"},
	"2018-final-longquan-city-three-public":                         {0, 6, "a final that states no counts at all: count.missing ×6"},
	"2020-final-wuzhou-agri-product-testing-center-three-public":    {0, 3, "vehicles held and reception counts not stated: count.missing"},
	"2021-budget-chongqing-jiangbei-district-three-public":          {0, 0, ""},
	"2024-budget-baise-city-three-public":                           {0, 0, ""},
	"2024-budget-chongqing-municipal-three-public":                  {0, 0, "亿元 to 0.01"},
	"2024-final-shanghai-putuo-finance-bureau":                      {0, 0, "nine tables in 万元: 11 rounding notes (0.01 gaps)"},
	"2025-budget-chongqing-rongchang-justice-bureau-summary-income": {0, 8, "only the summary's income side was transcribable: the other tables are missing"},
	"2025-budget-mianzhu-city-three-public":                         {0, 1, "the vehicles subtotal is published without its split"},
	"2025-budget-shanghai-municipal-finance-bureau":                 {0, 4, "two fund tables printed blank without a note; one summary of 6 codes the starter list lacks; 32.20 万元 running cost with 0 vehicles held"},
	"2025-budget-shanghai-putuo-finance-bureau":                     {0, 0, "nine tables in 元 to the fen, empty tables with their notes"},
	"2025-budget-shanghai-putuo-wanli-subdistrict":                  {0, 1, "43 codes the starter list lacks (code.unknown); 10 infos: 1 元 roundings of 212 and 21201"},
	"2023-budget-shanghai-putuo-wanli-subdistrict":                  {0, 1, "44 codes the starter list lacks (code.unknown); every sum exact, no info"},
	"2024-budget-shanghai-putuo-wanli-subdistrict":                  {0, 1, "43 codes the starter list lacks (code.unknown); every sum exact, no info (the 基本支出 table prints 30102 and 30107 as 301 │ 2 and 301 │ 7, transcribed as the codes they stand for)"},
	"2024-budget-shanghai-putuo-social-welfare-home":                {1, 17, "the 基本支出 table numbers its 302 款 01–13 in order, not by the official list: 30212 (officially 因公出国(境)费用) 机关事业单位退休人员活动费 7,020 元 over a 因公出国 of 0 (cross.three_public_economic), 12 name mismatches there and in 30108/303/30301, the old name 医疗卫生与计划生育支出 for 210 in the two 总表, 3 codes the starter list lacks"},
}

// TestRealDocuments_AsPublished runs every rule over the real documents and
// checks what each gets against realExpected.
func TestRealDocuments_AsPublished(t *testing.T) {
	for _, dir := range fixtureDirs(t, "../testdata/real") {
		name := filepath.Base(dir)
		f := loadFixture(t, dir)
		fs := checks.Run(f, checks.Env{})
		errs, warns, infos := countBySeverity(fs)
		t.Logf("%s: %d errors, %d warnings, %d infos", name, errs, warns, infos)
		for _, x := range fs {
			if x.Severity != models.SeverityInfo {
				t.Logf("    %s %s %s", x.Severity, x.Rule, x.Message)
			}
		}
		want, ok := realExpected[name]
		if !ok {
			t.Errorf("%s: no expectation in realExpected", name)
			continue
		}
		if errs != want.errors || warns != want.warnings {
			t.Errorf("%s: %d errors and %d warnings, want %d and %d (%s)", name, errs, warns, want.errors, want.warnings, want.why)
		}
	}
}

func TestCatalogue_EveryRuleKnowsItsFirstYear(t *testing.T) {
	for _, r := range checks.Catalogue {
		if r.Since < 2000 || r.SinceBasis == "" {
			t.Errorf("%s: first year %d, basis %q", r.Key, r.Since, r.SinceBasis)
		}
	}
}
