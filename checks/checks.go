// Package checks holds the consistency rules of DOMAIN.md §5: small pure
// functions over one filing (all its tables) and a read-only view of other
// published filings. No SQL, no I/O: the store loads what a rule needs and
// hands it over; the rules only compute findings.
//
// One file per family of rules:
//
//	threepublic.go  1–2  three_public.total, three_public.vehicles, three_public.vehicles_not_split
//	sums.go         3–4  row.sum, hierarchy.sum
//	summary.go      5    summary.balance, table.missing
//	amounts.go      6    amount.negative, row.duplicate
//	codes.go        7, 8a code.unknown, code.name_mismatch, detail.level
//	procurement.go  8    procurement.total
//	cross.go        9–13 cross.*
//	filings.go      14–17 final.budget_mismatch, final.over_budget, change.reason_missing, unit.suspect
//	counts.go       18–20 count.missing, count.order, count.outlier
//
// Every comparison of amounts goes through compare.go, which applies the
// rounding tolerance of DOMAIN.md §5 in exact fen.
package checks

//go:generate go test -run TestRulesDoc_IsUpToDate -update .

import (
	"fmt"
	"sort"
	"strings"

	"sunshine/codes"
	"sunshine/models"
)

// Filing is everything a rule may look at in one filing: its record, its 三公
// record (nil when none was uploaded) and its line items, all tables together.
type Filing struct {
	models.Filing
	ThreePublic *models.ThreePublic
	Items       []models.LineItem
	// Notes are the notes printed under its tables (本部门无…，此表为空表).
	Notes []models.TableNote
}

// Published is a read-only view of the OTHER filings that are published
// (never drafts), for the rules that compare across filings.
type Published interface {
	// Latest returns the latest published version of a department × year × phase.
	Latest(key models.FilingKey) (*Filing, bool)
	// Peers returns the latest published filing of each department of a region
	// for a year and phase.
	Peers(region string, year int, phase models.Phase) []Filing
}

// Env is what the rules need besides the filing. The zero Env is usable: the
// starter code lists, no cross-filing rules, the default severities.
type Env struct {
	// Codes are the classification lists per year; nil means the starter lists.
	Codes *codes.Set
	// Published answers the cross-filing rules (14–17, 20); nil skips them.
	Published Published
	// Severity overrides a rule's default severity in this deployment, by rule
	// key ("change.reason_missing") or by rule key and phase
	// ("change.reason_missing@final"); the latter wins. Rounding notes stay info.
	Severity map[string]models.Severity
}

// Scopes of a rule: what it reads.
const (
	ScopeTable       = "table"        // one table (or the 三公 record) of the filing
	ScopeCrossTable  = "cross_table"  // two tables of the filing
	ScopeCrossFiling = "cross_filing" // other published filings too: recheck when they change
)

// RuleInfo is a rule's entry in the catalogue (GET /api/v1/rules, docs/rules.md).
type RuleInfo struct {
	Key      string          `json:"key"`
	Number   string          `json:"number"`   // the rule's number in DOMAIN.md §5: "1", "5a", …
	Severity models.Severity `json:"severity"` // the default; a deployment may override it
	Scope    string          `json:"scope"`
	Chinese  string          `json:"zh"`
	English  string          `json:"en"`
	Basis    string          `json:"basis,omitempty"` // the legal basis, where there is one
	// Since is the first fiscal year the rule applies to, and SinceBasis the
	// document that introduced the requirement (checks/since.go); a filing of
	// an earlier year is not checked against the rule.
	Since      int    `json:"since,omitempty"`
	SinceBasis string `json:"since_basis,omitempty"`
}

// rule is a catalogue entry and the pure function that checks a filing against it.
type rule struct {
	RuleInfo
	check func(in *input, out *output)
}

// rules lists every rule in the order of DOMAIN.md §5, which is the order of
// the catalogue and of Run's findings.
var rules = []rule{
	ruleThreePublicTotal, ruleThreePublicVehicles, ruleVehiclesNotSplit,
	ruleRowSum, ruleHierarchySum,
	ruleSummaryBalance, ruleTableMissing, ruleNoteEmptyTable,
	ruleAmountNegative, ruleRowDuplicate,
	ruleCodeUnknown, ruleCodeNameMismatch,
	ruleProcurementTotal, ruleDetailLevel,
	ruleCrossSummaryIncome, ruleCrossFiscal, ruleCrossBasic, ruleCrossThreePublicEconomic, ruleCrossOperatingCost,
	ruleFinalBudgetMismatch, ruleFinalOverBudget, ruleChangeReasonMissing, ruleUnitSuspect,
	ruleChangeOutlier, rulePeerOutlier, ruleReasonContradicts,
	ruleCountMissing, ruleCountOrder, ruleCountOutlier,
}

// Catalogue lists every rule with its key, default severity, descriptions and
// legal basis, in the order of DOMAIN.md §5.
var Catalogue = func() []RuleInfo {
	out := make([]RuleInfo, len(rules))
	for i, r := range rules {
		out[i] = r.RuleInfo
		if s, ok := ruleSince[r.Key]; ok {
			out[i].Since, out[i].SinceBasis = s.Year, s.Basis
		}
	}
	return out
}()

// Lookup finds a rule of the catalogue by key.
func Lookup(key string) (RuleInfo, bool) {
	for _, r := range Catalogue {
		if r.Key == key {
			return r, true
		}
	}
	return RuleInfo{}, false
}

// Run checks a filing against every rule and returns the findings in a
// deterministic order: rules in catalogue order; within a rule, tables in the
// order of models.Tables, rows in print order (合计, named rows, then codes),
// columns in table order. Run does not change f.
func Run(f *Filing, env Env) []models.Finding {
	if f == nil {
		return nil
	}
	in := newInput(f, env)
	var findings []models.Finding
	for i := range rules {
		r := &rules[i]
		if s, ok := ruleSince[r.Key]; ok && f.FiscalYear > 0 && f.FiscalYear < s.Year {
			continue // the requirement did not exist yet in that fiscal year
		}
		out := output{rule: r, severity: env.severity(r.Key, f.Phase), filingID: f.ID}
		r.check(in, &out)
		findings = append(findings, out.findings...)
	}
	return findings
}

// severity is a rule's severity in this deployment and phase.
func (e Env) severity(key string, p models.Phase) models.Severity {
	return EffectiveSeverity(e.Severity, key, p)
}

// EffectiveSeverity is the one answer to "how severe is this rule here": the
// deployment's override for the rule in phase p ("key@final"), else its
// override for the rule, else the catalogue's default. p "" asks for the rule
// in every phase (the overrides without "@"). The checks, the rules API and
// the desk all read severities through it.
func EffectiveSeverity(overrides map[string]models.Severity, key string, p models.Phase) models.Severity {
	if len(overrides) == 0 {
		r, _ := Lookup(key)
		return r.Severity
	}
	if p != "" {
		if s, ok := overrides[key+"@"+string(p)]; ok {
			return s
		}
	}
	if s, ok := overrides[key]; ok {
		return s
	}
	r, _ := Lookup(key)
	return r.Severity
}

// overridden reports whether the deployment set a rule's severity itself.
func (e Env) overridden(key string, p models.Phase) bool {
	_, all := e.Severity[key]
	_, phase := e.Severity[key+"@"+string(p)]
	return all || phase
}

// ValidateSeverities checks a deployment's severity overrides: every key a
// rule key (optionally with "@budget", "@adjusted" or "@final"), every value
// error, warning or info. Returns an EINVALID error naming the first bad entry.
func ValidateSeverities(m map[string]models.Severity) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		key, phase, hasPhase := strings.Cut(k, "@")
		if _, ok := Lookup(key); !ok {
			return models.Errorf(models.EINVALID, "规则“%s”不存在", key)
		}
		if hasPhase && !models.Phase(phase).Valid() {
			return models.Errorf(models.EINVALID, "规则“%s”的阶段“%s”无效，应为 budget、adjusted 或 final", key, phase)
		}
		switch m[k] {
		case models.SeverityError, models.SeverityWarning, models.SeverityInfo:
		default:
			return models.Errorf(models.EINVALID, "规则“%s”的级别“%s”无效，应为 error、warning 或 info", k, m[k])
		}
	}
	return nil
}

// output collects the findings of one rule.
type output struct {
	rule     *rule
	severity models.Severity // the rule's severity after deployment overrides
	filingID int64
	findings []models.Finding
}

// report adds a finding at the rule's severity.
func (o *output) report(at where, message, expected, actual string) {
	o.add(at, o.severity, message, expected, actual)
}

func (o *output) add(at where, sev models.Severity, message, expected, actual string) {
	o.findings = append(o.findings, models.Finding{
		Rule:          o.rule.Key,
		Severity:      sev,
		Message:       message,
		FilingID:      o.filingID,
		Table:         string(at.Table),
		Code:          at.Code,
		Column:        at.Column,
		Row:           at.Row,
		Value:         at.Value,
		Expected:      expected,
		Actual:        actual,
		OtherFilingID: at.OtherFilingID,
		OtherTable:    string(at.OtherTable),
		OtherCode:     at.OtherCode,
		OtherColumn:   at.OtherColumn,
	})
}

// reportf adds a finding whose message is at's text, "：" and the formatted rest.
func (o *output) reportf(at where, expected, actual, format string, args ...any) {
	o.report(at, at.prefix()+fmt.Sprintf(format, args...), expected, actual)
}

// where is the location of a finding: the cell, and for cross-table and
// cross-filing rules the cell it was compared with.
type where struct {
	// Text names the cell in Chinese for the message: 部门支出总表“201 一般公共服务支出”行“合计”栏.
	// A cell of a line-item table leaves it empty and sets printedIn instead, so
	// that the text is built only when a finding is reported.
	Text      string
	printedIn *table
	wholeRow  bool // the location is a row, not one of its cells

	Table  models.Table
	Code   string
	Column string
	Row    int    // the source row of the uploaded file, 0 when unknown
	Value  string // the figure as printed, for single-cell findings

	OtherFilingID int64
	OtherTable    models.Table
	OtherCode     string
	OtherColumn   string
}

// text names the location in Chinese, "" when the message names it otherwise.
func (w where) text() string {
	if w.Text != "" || w.printedIn == nil {
		return w.Text
	}
	t := w.printedIn
	text := t.name() + "“" + t.rowLabel(w.Code) + "”行"
	if !w.wholeRow && !t.singleColumn() {
		text += "“" + t.columnLabel(w.Column) + "”栏"
	}
	return text
}

func (w where) prefix() string {
	if t := w.text(); t != "" {
		return t + "："
	}
	return ""
}

// against returns w with the other side of a cross-table comparison set to o.
func (w where) against(o where) where {
	w.OtherTable, w.OtherCode, w.OtherColumn = o.Table, o.Code, o.Column
	return w
}

// Legal bases cited by the catalogue.
const (
	basis143   = "财预〔2016〕143号《地方预决算公开操作规程》"
	basis13    = "中办发〔2016〕13号"
	basisLaw14 = "《中华人民共和国预算法》第十四条"
)
