package checks_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"sunshine/checks"
	"sunshine/checks/checkstest"
	"sunshine/models"
)

const (
	yuan = models.Yuan
	wan  = models.WanYuan
	yi   = models.YiYuan
)

// ruleCase is one row of a rule's table test: a filing, the environment, and
// the findings of that rule expected, each as "severity table/code/column"
// in Run's order. No want means the case passes.
type ruleCase struct {
	name   string
	filing func() *checks.Filing
	env    func() checks.Env
	want   []string
}

// allCases holds every rule's table test, by rule key; TestCatalogue_EveryRuleCanFire walks it.
var allCases = map[string][]ruleCase{
	"three_public.total":              threePublicTotalCases,
	"three_public.vehicles":           threePublicVehiclesCases,
	"three_public.vehicles_not_split": vehiclesNotSplitCases,
	"row.sum":                         rowSumCases,
	"hierarchy.sum":                   hierarchySumCases,
	"summary.balance":                 summaryBalanceCases,
	"table.missing":                   tableMissingCases,
	"note.empty_table":                noteEmptyTableCases,
	"change.outlier":                  changeOutlierCases,
	"peer.outlier":                    peerOutlierCases,
	"change.reason_contradicts":       reasonContradictsCases,
	"amount.negative":                 amountNegativeCases,
	"row.duplicate":                   rowDuplicateCases,
	"code.unknown":                    codeUnknownCases,
	"code.name_mismatch":              codeNameMismatchCases,
	"procurement.total":               procurementTotalCases,
	"detail.level":                    detailLevelCases,
	"cross.summary_income":            crossSummaryIncomeCases,
	"cross.fiscal":                    crossFiscalCases,
	"cross.basic":                     crossBasicCases,
	"cross.three_public_economic":     crossThreePublicEconomicCases,
	"cross.operating_cost":            crossOperatingCostCases,
	"final.budget_mismatch":           finalBudgetMismatchCases,
	"final.over_budget":               finalOverBudgetCases,
	"change.reason_missing":           changeReasonMissingCases,
	"unit.suspect":                    unitSuspectCases,
	"count.missing":                   countMissingCases,
	"count.order":                     countOrderCases,
	"count.outlier":                   countOutlierCases,
}

// testRule runs a rule's cases and compares the findings of that rule only.
func testRule(t *testing.T, key string) {
	t.Helper()
	cases, ok := allCases[key]
	if !ok || len(cases) == 0 {
		t.Fatalf("no cases for %s", key)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := locations(ofRule(run(c), key))
			if !slices.Equal(got, c.want) {
				t.Errorf("%s findings:\n got  %q\n want %q\n%s", key, got, c.want, messages(ofRule(run(c), key)))
			}
		})
	}
}

func run(c ruleCase) []models.Finding {
	env := checks.Env{}
	if c.env != nil {
		env = c.env()
	}
	return checks.Run(c.filing(), env)
}

func ofRule(fs []models.Finding, key string) []models.Finding {
	var out []models.Finding
	for _, f := range fs {
		if f.Rule == key {
			out = append(out, f)
		}
	}
	return out
}

func locations(fs []models.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s/%s/%s", f.Severity, f.Table, f.Code, f.Column))
	}
	return out
}

func messages(fs []models.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "   %s %s: %s\n", f.Rule, f.Severity, f.Message)
	}
	return b.String()
}

// mutation changes one thing in a filing.
type mutation func(f *checks.Filing)

func with(base func() *checks.Filing, muts ...mutation) func() *checks.Filing {
	return func() *checks.Filing {
		f := base()
		for _, m := range muts {
			m(f)
		}
		return f
	}
}

func budget(muts ...mutation) func() *checks.Filing { return with(checkstest.Budget, muts...) }
func final(muts ...mutation) func() *checks.Filing  { return with(checkstest.Final, muts...) }

// bare is a filing of the phase with only the given line items and no 三公 record.
func bare(phase models.Phase, items ...models.LineItem) func() *checks.Filing {
	return func() *checks.Filing {
		return &checks.Filing{
			Filing: models.Filing{ID: 7, FilingKey: models.FilingKey{RegionCode: checkstest.RegionCode,
				DeptCode: "099", FiscalYear: checkstest.Year, Phase: phase}},
			Items: slices.Clone(items),
		}
	}
}

var item = checkstest.Item

// cell sets a cell's amount ("" = not disclosed) and unit, adding the line when absent.
func cell(table models.Table, code, column, amount string, u models.Unit) mutation {
	return func(f *checks.Filing) {
		for i := range f.Items {
			it := &f.Items[i]
			if it.Table == table && it.Code == code && it.Column == column {
				it.Amount, it.Unit = checkstest.Amount(amount, u), u
				return
			}
		}
		f.Items = append(f.Items, item(table, code, column, amount, u))
	}
}

// drop removes lines: a cell, a whole row (column ""), or a whole table (code "").
func drop(table models.Table, code, column string) mutation {
	return func(f *checks.Filing) {
		f.Items = slices.DeleteFunc(f.Items, func(it models.LineItem) bool {
			return it.Table == table && (code == "" || it.Code == code) && (column == "" || it.Column == column)
		})
	}
}

// rename sets the printed name of every line of a row.
func rename(table models.Table, code, name string) mutation {
	return func(f *checks.Filing) {
		for i := range f.Items {
			if f.Items[i].Table == table && f.Items[i].Code == code {
				f.Items[i].Name = name
			}
		}
	}
}

// tp changes the 三公 record, creating an empty one in 万元 when there is none.
func tp(fn func(t *models.ThreePublic)) mutation {
	return func(f *checks.Filing) {
		if f.ThreePublic == nil {
			f.ThreePublic = &models.ThreePublic{Unit: wan, SourceRow: 2}
		}
		fn(f.ThreePublic)
	}
}

func noThreePublic(f *checks.Filing) { f.ThreePublic = nil }

func w(s string) models.NullMoney { return checkstest.Amount(s, wan) }

var (
	nd    = models.NotDisclosed
	count = checkstest.Count
	none  = models.NullCount{}
)

// published is an Env whose other published filings are the given ones.
func published(filings ...func() *checks.Filing) func() checks.Env {
	return func() checks.Env {
		var fs []*checks.Filing
		for _, f := range filings {
			fs = append(fs, f())
		}
		return checks.Env{Published: checkstest.Published(fs...)}
	}
}

// as changes a filing's identity: its ID, department, year and phase.
func as(id int64, dept string, year int, phase models.Phase) mutation {
	return func(f *checks.Filing) {
		f.ID, f.DeptCode, f.FiscalYear, f.Phase = id, dept, year, phase
	}
}
