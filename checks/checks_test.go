package checks_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sunshine/checks"
	"sunshine/checks/checkstest"
	"sunshine/codes"
	"sunshine/models"
)

// The rule keys of DOMAIN.md §5, in its order, with their default severities.
var domainRules = []struct {
	key      string
	severity models.Severity
}{
	{"three_public.total", "error"}, {"three_public.vehicles", "error"}, {"three_public.vehicles_not_split", "warning"},
	{"row.sum", "error"}, {"hierarchy.sum", "error"}, {"summary.balance", "error"}, {"table.missing", "warning"},
	{"note.empty_table", "error"},
	{"amount.negative", "error"}, {"row.duplicate", "error"}, {"code.unknown", "warning"}, {"code.name_mismatch", "warning"},
	{"procurement.total", "error"}, {"detail.level", "warning"},
	{"cross.summary_income", "error"}, {"cross.fiscal", "error"}, {"cross.basic", "error"},
	{"cross.three_public_economic", "error"}, {"cross.operating_cost", "warning"},
	{"final.budget_mismatch", "error"}, {"final.over_budget", "warning"}, {"change.reason_missing", "warning"},
	{"unit.suspect", "warning"}, {"change.outlier", "warning"}, {"peer.outlier", "warning"}, {"change.reason_contradicts", "warning"}, {"count.missing", "warning"}, {"count.order", "warning"}, {"count.outlier", "warning"},
}

func TestCatalogue_HasEveryRuleOfDomainWithItsDefaultSeverity(t *testing.T) {
	if len(checks.Catalogue) != len(domainRules) {
		t.Errorf("Catalogue has %d rules; DOMAIN.md §5 has %d", len(checks.Catalogue), len(domainRules))
	}
	for i, want := range domainRules {
		r, ok := checks.Lookup(want.key)
		if !ok {
			t.Errorf("Catalogue lacks %s", want.key)
			continue
		}
		if r.Severity != want.severity {
			t.Errorf("%s severity = %s; DOMAIN.md §5 says %s", want.key, r.Severity, want.severity)
		}
		if r.Chinese == "" || r.English == "" || r.Number == "" {
			t.Errorf("%s lacks a description or its number: %+v", want.key, r)
		}
		switch r.Scope {
		case checks.ScopeTable, checks.ScopeCrossTable, checks.ScopeCrossFiling:
		default:
			t.Errorf("%s scope = %q", want.key, r.Scope)
		}
		if i < len(checks.Catalogue) && checks.Catalogue[i].Key != want.key {
			t.Errorf("Catalogue[%d] = %s; want %s (DOMAIN.md order)", i, checks.Catalogue[i].Key, want.key)
		}
	}
	b, err := json.Marshal(checks.Catalogue[0])
	if err != nil || string(b)[:40] != `{"key":"three_public.total","number":"1"` {
		t.Errorf("catalogue JSON = %s, %v", b, err)
	}
}

func TestCatalogue_EveryRuleCanFire(t *testing.T) {
	for _, r := range checks.Catalogue {
		fired := false
		for _, c := range allCases[r.Key] {
			for _, f := range ofRule(run(c), r.Key) {
				fired = fired || f.Severity == r.Severity
			}
		}
		if !fired {
			t.Errorf("no case makes %s fire at its severity %s", r.Key, r.Severity)
		}
	}
}

func TestRun_CompleteDepartmentHasNoFindings(t *testing.T) {
	cases := []struct {
		name   string
		filing *checks.Filing
		env    checks.Env
	}{
		{"budget alone", checkstest.Budget(), checks.Env{}},
		{"final alone", checkstest.Final(), checks.Env{}},
		{"final against its published budget", checkstest.Final(), checks.Env{Published: checkstest.Published(checkstest.Budget())}},
		{"budget among published peers and last year", checkstest.Budget(), published(append(peers(5), budget2023)...)()},
	}
	for _, c := range cases {
		if got := checks.Run(c.filing, c.env); len(got) != 0 {
			t.Errorf("%s: %d findings, want none:\n%s", c.name, len(got), messages(got))
		}
	}
}

// TestRun_OneMutatedCellFiresTheExpectedRuleAtItsLocation mutates one cell of
// the consistent final at a time and checks that the expected rule reports an
// error there.
func TestRun_OneMutatedCellFiresTheExpectedRuleAtItsLocation(t *testing.T) {
	cases := []struct {
		mutation mutation
		rule     string
		at       string
	}{
		{cell(tExp, "2010601", "basic", "527.00", wan), "row.sum", "error expenditure/2010601/total"},
		{cell(tExp, "2010601", "basic", "527.00", wan), "hierarchy.sum", "error expenditure/20106/basic"},
		{cell(tGeneral, "2080505", "total", "48.40", wan), "hierarchy.sum", "error general_expenditure/20805/total"},
		{cell(tSummary, "carryover_out", "amount", "9.00", wan), "summary.balance", "error summary/expenditure_total/amount"},
		{cell(tIncome, "total", "fiscal", "792.00", wan), "row.sum", "error income/total/total"},
		{cell(tGeneral, "210", "total", "26.33", wan), "cross.fiscal", "error general_expenditure/210/total"},
		{cell(tBasic, "total", "total", "681.00", wan), "cross.basic", "error basic_expenditure/total/total"},
		{cell(tBasic, "30231", "total", "12.00", wan), "cross.three_public_economic", "error basic_expenditure/30231/total"},
		{cell(tProc, "goods", "amount", "28.70", wan), "procurement.total", "error procurement/total/amount"},
		{tp(func(t *models.ThreePublic) { t.Reception = w("3.62") }), "three_public.total", "error three_public//total"},
		{tp(func(t *models.ThreePublic) { t.VehicleOperation = w("11.58") }), "three_public.vehicles", "error three_public//vehicles"},
	}
	for _, c := range cases {
		got := locations(ofRule(checks.Run(final(c.mutation)(), checks.Env{}), c.rule))
		if !slices.Contains(got, c.at) {
			t.Errorf("%s: findings %q; want %q among them", c.rule, got, c.at)
		}
	}
}

func TestRun_NotDisclosedIsNeverTakenAsZero(t *testing.T) {
	// Each figure below, taken as 0, would break an identity.
	cases := []struct {
		name string
		f    func() *checks.Filing
	}{
		// (A blank 三公 item beside a printed total reads 0, as printed tables use
		// blanks for zero: see TestThreePublicTotal. Its total is still never invented.)
		{"三公 budget total", final(tp(func(t *models.ThreePublic) { t.BudgetTotal = nd }))},
		{"a 项 of the expenditure table", budget(cell(tExp, "2010601", "basic", "", yuan), cell(tExp, "2010601", "total", "", yuan))},
		{"a summary row", budget(cell(tSummary, "201", "amount", "", yuan))},
		{"procurement goods", budget(cell(tProc, "goods", "amount", "", yuan))},
	}
	for _, c := range cases {
		for _, f := range checks.Run(c.f(), checks.Env{}) {
			// A 三公 item with economic spending behind it must be disclosed (rule 12).
			mustDisclose := f.Rule == "cross.three_public_economic" && strings.Contains(f.Message, "未公开")
			if f.Severity == models.SeverityError && !mustDisclose {
				t.Errorf("%s not disclosed: %s %s", c.name, f.Rule, f.Message)
			}
		}
	}
}

func TestRun_AnAbsentLineCountsZero(t *testing.T) {
	got := ofRule(checks.Run(budget(drop(tExp, "2010602", "project"))(), checks.Env{}), "row.sum")
	if len(locations(got)) != 1 || got[0].Code != "2010602" {
		t.Fatalf("dropping a part: row.sum findings %q; want one at 2010602", locations(got))
	}
	if got[0].Expected != "0.00 元" {
		t.Errorf("expected %q; want the absent part counted as 0.00 元", got[0].Expected)
	}
}

func TestRun_RulesWhoseTablesAreAbsentDoNotRun(t *testing.T) {
	// An expenditure table alone, badly inconsistent with tables that are not there.
	var lines []models.LineItem
	for _, code := range []string{"total", "201", "20106", "2010601"} {
		lines = append(lines, item(tExp, code, "total", "100.00", yuan), item(tExp, code, "basic", "100.00", yuan))
	}
	f := bare(models.PhaseAdjusted, lines...)()
	for _, fd := range checks.Run(f, checks.Env{}) {
		t.Errorf("unexpected %s: %s", fd.Rule, fd.Message)
	}
	// The 三公 record alone: no cross-table rule, and no count rule but those of the record.
	g := with(bare(models.PhaseBudget), tp(func(t *models.ThreePublic) {
		t.Total, t.OutboundTrips, t.Vehicles, t.VehiclePurchase, t.VehicleOperation, t.Reception =
			w("1"), w("0"), w("1"), w("0"), w("1"), w("0")
	}))()
	for _, fd := range checks.Run(g, checks.Env{}) {
		if fd.Rule != "table.missing" {
			t.Errorf("unexpected %s: %s", fd.Rule, fd.Message)
		}
	}
}

func TestRun_SeverityOverridesApplyByRuleAndPhaseButRoundingStaysInfo(t *testing.T) {
	env := checks.Env{Severity: map[string]models.Severity{
		"change.reason_missing@final": models.SeverityError,
		"three_public.total":          models.SeverityWarning,
	}}
	noReason := tp(func(t *models.ThreePublic) { t.ChangeReason = "" })
	got := ofRule(checks.Run(final(noReason)(), env), "change.reason_missing")
	if len(got) != 1 || got[0].Severity != models.SeverityError {
		t.Errorf("final without a reason: %q; want one error", locations(got))
	}
	got = ofRule(checks.Run(budget(noReason, tp(func(t *models.ThreePublic) { t.Total = w("17.00") }))(), env), "three_public.total")
	if len(got) != 1 || got[0].Severity != models.SeverityWarning {
		t.Errorf("budget 三公 total off: %q; want one warning (overridden)", locations(got))
	}
	got = ofRule(checks.Run(budget(threeParts("16.02"))(), env), "three_public.total")
	if len(got) != 1 || got[0].Severity != models.SeverityInfo {
		t.Errorf("rounding with an override: %q; want info", locations(got))
	}
}

func TestValidateSeverities(t *testing.T) {
	ok := map[string]models.Severity{"change.reason_missing@final": "error", "unit.suspect": "info"}
	if err := checks.ValidateSeverities(ok); err != nil {
		t.Errorf("ValidateSeverities(%v) = %v", ok, err)
	}
	for _, bad := range []map[string]models.Severity{
		{"no.such_rule": "error"},
		{"unit.suspect@final2": "error"},
		{"unit.suspect": "fatal"},
	} {
		if err := checks.ValidateSeverities(bad); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("ValidateSeverities(%v) = %v; want an invalid error", bad, err)
		}
	}
}

func TestRun_IsDeterministicAndLeavesTheFilingAlone(t *testing.T) {
	// A filing with findings from many rules.
	f := final(cell(tExp, "2010601", "basic", "527.00", wan), cell(tSummary, "288", "amount", "-1", wan),
		tp(func(t *models.ThreePublic) { t.ChangeReason, t.Reception = "", w("5.00") }))()
	before := *f
	before.Items = slices.Clone(f.Items)
	tpBefore := *f.ThreePublic
	env := published(publishedBudget)()
	first := checks.Run(f, env)
	if len(first) < 5 {
		t.Fatalf("want many findings, got:\n%s", messages(first))
	}
	for i := 0; i < 20; i++ {
		if again := checks.Run(f, env); !reflect.DeepEqual(first, again) {
			t.Fatalf("run %d differs", i)
		}
	}
	if !reflect.DeepEqual(before.Items, f.Items) || tpBefore != *f.ThreePublic {
		t.Errorf("Run changed its input")
	}
	for _, fd := range first {
		if fd.FilingID != f.ID || fd.Message == "" || fd.Rule == "" {
			t.Errorf("incomplete finding %+v", fd)
		}
	}
}

func TestRun_MessageShowsSourceUnitAndYuan(t *testing.T) {
	got := ofRule(checks.Run(final(tp(func(t *models.ThreePublic) { t.Total = w("15.05") }))(), checks.Env{}), "three_public.total")
	if len(got) != 1 {
		t.Fatalf("findings %q", locations(got))
	}
	want := "三公经费决算数“合计”：15.05 万元（150,500.00 元）≠ 因公出国(境)费 + 公务用车购置及运行(维护)费 + 公务接待费 15.00 万元（150,000.00 元），相差 500.00 元（超出四舍五入容差 200.00 元）"
	if got[0].Message != want {
		t.Errorf("message\n got  %s\n want %s", got[0].Message, want)
	}
	if got[0].Expected != "15.00 万元（150,000.00 元）" || got[0].Actual != "15.05 万元（150,500.00 元）" || got[0].Row != 2 {
		t.Errorf("expected %q actual %q row %d", got[0].Expected, got[0].Actual, got[0].Row)
	}
}

func TestMemory_LatestIgnoresDraftsAndPeersTakeOnePerDepartment(t *testing.T) {
	v1, v2, draft := checkstest.Budget(), checkstest.Budget(), checkstest.Budget()
	v1.ID, v1.Version, v1.Status = 1, 1, models.StatusSuperseded
	v2.ID, v2.Version, v2.Status = 2, 2, models.StatusPublished
	draft.ID, draft.Version, draft.Status = 3, 3, models.StatusDraft
	other := checkstest.Budget()
	other.ID, other.DeptCode, other.Status = 4, "002", models.StatusPublished
	m := checks.Memory{*v1, *draft, *v2, *other}
	if got, ok := m.Latest(v2.FilingKey); !ok || got.ID != 2 {
		t.Errorf("Latest = %v, %v; want the published version 2", got, ok)
	}
	missing := v2.FilingKey
	missing.FiscalYear--
	if _, ok := m.Latest(missing); ok {
		t.Errorf("Latest of a key with nothing published should be false")
	}
	peers := m.Peers(checkstest.RegionCode, checkstest.Year, models.PhaseBudget)
	if len(peers) != 2 || peers[0].ID != 2 || peers[1].ID != 4 {
		t.Errorf("Peers = %d filings; want versions 2 of 001 and 002", len(peers))
	}
}

// BenchmarkRun_DepartmentFinalAmongARegion checks one complete final account
// (≈ 500 line items) with every cross-filing rule answered from a region of
// 100 published departments and last year's final.
func BenchmarkRun_DepartmentFinalAmongARegion(b *testing.B) {
	f := checkstest.Final()
	// Pad to a realistic size with more 项 rows, known to the year's list.
	var list strings.Builder
	list.WriteString("code,name,level\n")
	for _, c := range codes.Starter(codes.Functional).Codes() {
		fmt.Fprintf(&list, "%s,%s,%s\n", c.Code, c.Name, c.Level)
	}
	for n := 10; len(f.Items) < 500; n++ {
		code := []string{"20106", "20805"}[n/100] + strconv.Itoa(10+n%90)
		fmt.Fprintf(&list, "%s,项目%d,项\n", code, n)
		f.Items = append(f.Items, item(tIncome, code, "fiscal", "0", wan), item(tIncome, code, "total", "0", wan))
	}
	functional, err := codes.Load(strings.NewReader(list.String()), codes.Functional)
	if err != nil {
		b.Fatal(err)
	}
	set := codes.NewSet()
	set.Add(checkstest.Year, functional)
	var region checks.Memory
	for i := 0; i < 100; i++ {
		p := checkstest.Final()
		p.ID, p.DeptCode, p.Status = int64(1000+i), "d"+strconv.Itoa(i), models.StatusPublished
		region = append(region, *p)
	}
	last := checkstest.Final()
	last.ID, last.FiscalYear, last.Status = 999, checkstest.Year-1, models.StatusPublished
	region = append(region, *last)
	env := checks.Env{Published: region, Codes: set}
	if got := checks.Run(f, env); len(got) != 0 {
		b.Fatalf("the padded final should be consistent:\n%s", messages(got))
	}
	b.ReportAllocs()
	for b.Loop() {
		checks.Run(f, env)
	}
}

// BenchmarkRun_DepartmentFinal checks the consistent final alone (no cross-filing rules).
func BenchmarkRun_DepartmentFinal(b *testing.B) {
	f := checkstest.Final()
	b.ReportAllocs()
	for b.Loop() {
		checks.Run(f, checks.Env{})
	}
}

func TestCheckstest_FilingsPassTheModelsValidation(t *testing.T) {
	for _, f := range []*checks.Filing{checkstest.Budget(), checkstest.Final()} {
		if err := f.FilingKey.Validate(); err != nil {
			t.Errorf("%s key: %v", f.Phase, err)
		}
		if err := f.ThreePublic.Validate(f.Phase); err != nil {
			t.Errorf("%s 三公: %v", f.Phase, err)
		}
		rows := map[int]bool{}
		for _, it := range f.Items {
			if err := it.Validate(f.Phase); err != nil {
				t.Errorf("%s %s/%s/%s: %v", f.Phase, it.Table, it.Code, it.Column, err)
			}
			if rows[it.SourceRow] || it.SourceRow < 2 || it.FilingID != f.ID {
				t.Errorf("%s %s/%s/%s: source row %d, filing %d", f.Phase, it.Table, it.Code, it.Column, it.SourceRow, it.FilingID)
			}
			rows[it.SourceRow] = true
		}
	}
	if a, b := checkstest.Budget(), checkstest.Budget(); &a.Items[0] == &b.Items[0] || a.ThreePublic == b.ThreePublic {
		t.Errorf("each call should return a fresh copy")
	}
}
