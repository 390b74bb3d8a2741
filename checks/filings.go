package checks

import (
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"

	"sunshine/models"
)

// Rules 14–17: figures compared with other published filings (the budget a
// final refers to, last year's same phase, the region's other departments).
// They run only when Env.Published is set, and see published filings only.

var ruleFinalBudgetMismatch = rule{RuleInfo{
	Key: "final.budget_mismatch", Number: "14", Severity: models.SeverityError, Scope: ScopeCrossFiling,
	Chinese: "决算三公经费表中的预算数应与已公开的同一部门同年度预算（或调整预算）一致。",
	English: "The budget (预算数) columns of a final's 三公 table equal the published budget, or adjusted budget, of the same department and year.",
	Basis:   basis143,
}, checkFinalBudgetMismatch}

var ruleFinalOverBudget = rule{RuleInfo{
	Key: "final.over_budget", Number: "15", Severity: models.SeverityWarning, Scope: ScopeTable,
	Chinese: "三公经费各项决算数超过预算数的，需要说明原因。",
	English: "A 三公 item whose actual (决算数) exceeds its budget (预算数) in a final is flagged; a reason is required.",
	Basis:   basis143,
}, checkFinalOverBudget}

var ruleChangeReasonMissing = rule{RuleInfo{
	Key: "change.reason_missing", Number: "16", Severity: models.SeverityWarning, Scope: ScopeCrossFiling,
	Chinese: "三公经费比上年同阶段（决算还比其预算数）有增减变化（超出四舍五入）时，应说明增减变化原因。",
	English: "When a 三公 figure changed against last year's same phase (and, in a final, against its budget columns) beyond rounding, the 增减变化原因 is given.",
	Basis:   basis143,
}, checkChangeReasonMissing}

var ruleUnitSuspect = rule{RuleInfo{
	Key: "unit.suspect", Number: "17", Severity: models.SeverityWarning, Scope: ScopeCrossFiling,
	Chinese: "金额约为上年同一数字（无可比数字时为本地区其他部门中位数）的 1 万倍、1 亿倍或万分之一、亿分之一（相差 3 倍以内）时，疑似元、万元、亿元填错。",
	English: "A figure about 10⁴ or 10⁸ times (or 1/10⁴, 1/10⁸ of) last year's same figure, or when there is none the median of the region's other departments (within a factor of 3), suggests a 元/万元/亿元 mix-up.",
}, checkUnitSuspect}

// threePublicItemKeys are the 三公 amounts in table order.
var threePublicItemKeys = []string{"total", "outbound_trips", "vehicles", "vehicle_purchase", "vehicle_operation", "reception"}

// threePublicAmount returns a 三公 amount by column key ("reception", "budget_reception").
func threePublicAmount(t *models.ThreePublic, key string) models.NullMoney {
	for _, a := range models.ThreePublicAmounts {
		if a.Key == key {
			return *a.Get(t)
		}
	}
	return models.NotDisclosed
}

// publishedLabel names another published filing: 已公开的 2024 年调整预算.
func publishedLabel(f *Filing) string {
	return fmt.Sprintf("已公开的 %d 年%s", f.FiscalYear, f.Phase.Chinese())
}

// checkFinalBudgetMismatch compares the 预算数 of a final's 三公 record with the
// published adjusted budget and budget of the same year. The 预算数 may be
// either (年初 or 全年), so a candidate that agrees with every figure is taken;
// when neither does, the findings are against the adjusted budget if one is published.
func checkFinalBudgetMismatch(in *input, out *output) {
	tp, pub := in.ThreePublic, in.env.Published
	if in.Phase != models.PhaseFinal || tp == nil || pub == nil {
		return
	}
	var chosen []models.Finding
	found := false
	for _, phase := range []models.Phase{models.PhaseAdjusted, models.PhaseBudget} {
		key := in.FilingKey
		key.Phase = phase
		other, ok := pub.Latest(key)
		if !ok || other.ThreePublic == nil {
			continue
		}
		trial := output{rule: out.rule, severity: out.severity, filingID: out.filingID}
		differences := 0
		for _, item := range threePublicItemKeys {
			at := threePublicAt("预算数", "budget_"+item, tp.SourceRow)
			label := "本决算" + at.Text
			at.Text = ""
			at.OtherFilingID, at.OtherTable, at.OtherColumn = other.ID, models.TableThreePublic, item
			r := trial.compare(comparison{
				at:       at,
				actual:   one(label, disclosed(threePublicAmount(tp, "budget_"+item), unitOf(tp.Unit), tp.Decimals)),
				expected: one(publishedLabel(other)+"三公经费“"+threePublicNames[item]+"”", disclosed(threePublicAmount(other.ThreePublic, item), unitOf(other.ThreePublic.Unit), other.ThreePublic.Decimals)),
			})
			if r.verdict == differ || r.verdict == overflow {
				differences++
			}
		}
		if !found || differences == 0 {
			chosen, found = trial.findings, true
		}
		if differences == 0 {
			break
		}
	}
	out.findings = append(out.findings, chosen...)
}

func checkFinalOverBudget(in *input, out *output) {
	tp := in.ThreePublic
	if in.Phase != models.PhaseFinal || tp == nil {
		return
	}
	hint := "决算数超过预算数，须说明原因（未填写增减变化原因）"
	var severity models.Severity // the rule's
	if strings.TrimSpace(tp.ChangeReason) != "" {
		// With a reason given the excess is explained: a note, not a flag.
		hint, severity = "决算数超过预算数，已说明原因", models.SeverityInfo
	}
	unit := unitOf(tp.Unit)
	for _, item := range threePublicItemKeys {
		out.compare(comparison{
			at:       threePublicAt("决算数", item, tp.SourceRow),
			actual:   one("", disclosed(threePublicAmount(tp, item), unit, tp.Decimals)),
			expected: one("预算数", disclosed(threePublicAmount(tp, "budget_"+item), unit, tp.Decimals)),
			upTo:     true,
			hint:     hint,
			severity: severity,
		})
	}
}

// checkChangeReasonMissing reports a missing 增减变化原因 once per basis of
// comparison (last year; a final's own budget columns), naming the first
// 三公 figure that changed beyond rounding.
func checkChangeReasonMissing(in *input, out *output) {
	tp := in.ThreePublic
	if tp == nil || strings.TrimSpace(tp.ChangeReason) != "" {
		return
	}
	at := where{Text: "三公经费“增减变化原因”", Table: models.TableThreePublic, Column: "change_reason", Row: tp.SourceRow}
	this := func(key string) figure { return disclosed(threePublicAmount(tp, key), unitOf(tp.Unit), tp.Decimals) }
	if pub := in.env.Published; pub != nil {
		key := in.FilingKey
		key.FiscalYear--
		if last, ok := pub.Latest(key); ok && last.ThreePublic != nil {
			that := func(item string) figure {
				return disclosed(threePublicAmount(last.ThreePublic, item), unitOf(last.ThreePublic.Unit), last.ThreePublic.Decimals)
			}
			w := at
			w.OtherFilingID, w.OtherTable = last.ID, models.TableThreePublic
			reportChange(out, w, this, that, "", fmt.Sprintf("上年（%d 年%s）", key.FiscalYear, key.Phase.Chinese()), "")
		}
	}
	if in.Phase == models.PhaseFinal {
		w := at
		w.OtherTable = models.TableThreePublic
		budget := func(item string) figure { return this("budget_" + item) }
		reportChange(out, w, this, budget, "决算数", "预算数", "budget_")
	}
}

// reportChange finds the first 三公 item that differs beyond rounding between
// this and that, and reports the missing reason naming it.
func reportChange(out *output, at where, this, that func(item string) figure, thisLabel, thatLabel, otherPrefix string) {
	for _, item := range threePublicItemKeys {
		a, b := this(item), that(item)
		r := evaluate(one("", a), one("", b), false)
		if r.verdict != differ {
			continue
		}
		unit := side{Figures: []figure{a, b}}.unit()
		change := "增加"
		if r.actual < r.expected {
			change = "减少"
		}
		at.OtherColumn = otherPrefix + item
		actual, expected := money(r.actual, unitOf(a.Unit)), money(r.expected, unitOf(b.Unit))
		out.reportf(at, expected, actual, "未填写，但“%s”%s %s%s比%s %s%s%s %s；三公经费有增减变化的须说明原因",
			threePublicNames[item], thisLabel, actual, gap(actual), thatLabel, expected, gap(expected), change, money(r.excess, unit))
		return
	}
}

// headline names a figure unit.suspect compares: a 三公 amount (table
// three_public, column the amount's key) or a table's total cell.
type headline struct {
	table        models.Table
	code, column string
}

// headlines are the figures unit.suspect compares, in order: the 三公 amounts,
// then each table's total.
var headlines = func() []headline {
	var out []headline
	for _, item := range threePublicItemKeys {
		out = append(out, headline{models.TableThreePublic, "", item})
	}
	return append(out,
		headline{models.TableSummary, "income_total", "amount"},
		headline{models.TableIncome, models.RowTotal, "total"},
		headline{models.TableExpenditure, models.RowTotal, "total"},
		headline{models.TableFiscalSummary, "income_total", "total"},
		headline{models.TableGeneralExpenditure, models.RowTotal, "total"},
		headline{models.TableBasicExpenditure, models.RowTotal, "total"},
		headline{models.TableGovFundExpenditure, models.RowTotal, "total"},
		headline{models.TableStateCapitalExpenditure, models.RowTotal, "total"},
		headline{models.TableProcurement, models.RowTotal, "amount"},
		headline{models.TableOperatingCost, models.RowTotal, "amount"},
	)
}()

var isHeadline = func() map[headline]bool {
	m := map[headline]bool{}
	for _, h := range headlines {
		m[h] = true
	}
	return m
}()

// headlineFigures reads a filing's headline figures that are disclosed and
// above 0, in one pass over its lines (a region's peers are many).
func headlineFigures(f *Filing) map[headline]figure {
	out := map[headline]figure{}
	keep := func(h headline, fig figure) {
		if !fig.Missing && fig.Amount > 0 {
			out[h] = fig
		}
	}
	if t := f.ThreePublic; t != nil {
		for _, item := range threePublicItemKeys {
			keep(headline{models.TableThreePublic, "", item}, disclosed(threePublicAmount(t, item), unitOf(t.Unit), t.Decimals))
		}
	}
	seen := map[headline]bool{} // the first line of a cell counts, as everywhere
	for i := range f.Items {
		li := &f.Items[i]
		if !headlineCode(li.Code) {
			continue
		}
		h := headline{li.Table, li.Code, li.Column}
		if !seen[h] && isHeadline[h] {
			seen[h] = true
			keep(h, disclosed(li.Amount, li.Unit, li.Decimals))
		}
	}
	return out
}

// headlineFigures is the function of that name for the filing under check,
// read from its index rather than from every line.
func (in *input) headlineFigures() map[headline]figure {
	out := map[headline]figure{}
	keep := func(h headline, fig figure) {
		if !fig.Missing && fig.Amount > 0 {
			out[h] = fig
		}
	}
	for _, h := range headlines {
		if t := in.ThreePublic; t != nil && h.table == models.TableThreePublic {
			keep(h, disclosed(threePublicAmount(t, h.column), unitOf(t.Unit), t.Decimals))
		}
		// As there, a line of the cell counts after the 三公 record.
		if t := in.table(h.table); t != nil {
			if li := t.cell(h.code, h.column); li != nil {
				keep(h, disclosed(li.Amount, li.Unit, li.Decimals))
			}
		}
	}
	return out
}

// headlineCodes are the row codes of the headlines.
var headlineCodes = func() []string {
	var out []string
	for _, h := range headlines {
		if !slices.Contains(out, h.code) {
			out = append(out, h.code)
		}
	}
	return out
}()

// headlineCode reports whether a row code is one of a headline's.
func headlineCode(code string) bool { return slices.Contains(headlineCodes, code) }

// minScalePeers is how many other departments must have a figure before their median stands in for last year's.
const minScalePeers = 3

// checkUnitSuspect compares the 三公 amounts and each table's total with last
// year's same figure, or when last year has none with the median of the
// region's other departments. When the 三公 total is suspect its items are
// not reported as well.
func checkUnitSuspect(in *input, out *output) {
	pub := in.env.Published
	if pub == nil {
		return
	}
	this := in.headlineFigures()
	lastKey := in.FilingKey
	lastKey.FiscalYear--
	var last map[headline]figure
	lastFiling, hasLast := pub.Latest(lastKey)
	if hasLast {
		last = headlineFigures(lastFiling)
	}
	var peers []map[headline]figure // read when first needed
	peersRead := false
	peerFigures := func() []map[headline]figure {
		if !peersRead {
			peersRead = true
			for _, p := range pub.Peers(in.RegionCode, in.FiscalYear, in.Phase) {
				if p.DeptCode != in.DeptCode {
					peers = append(peers, headlineFigures(&p))
				}
			}
		}
		return peers
	}
	actualLabel := ""
	if in.Phase == models.PhaseFinal {
		actualLabel = "决算数"
	}

	suspectTotal := false
	for _, h := range headlines {
		fig, ok := this[h]
		if !ok {
			continue
		}
		var at where
		if h.table == models.TableThreePublic {
			if h.column != "total" && suspectTotal {
				continue
			}
			at = threePublicAt(actualLabel, h.column, in.ThreePublic.SourceRow)
		} else {
			at = in.table(h.table).at(h.code, h.column)
		}
		actual := money(fig.Amount, unitOf(fig.Unit))
		if that, ok := last[h]; ok {
			p := scaleSlip(fig.Amount, that.Amount)
			if p == 0 {
				continue
			}
			at.OtherFilingID, at.OtherTable, at.OtherCode, at.OtherColumn = lastFiling.ID, at.Table, at.Code, at.Column
			expected := money(that.Amount, unitOf(that.Unit))
			out.reportf(at, expected, actual, "%s%s为上年（%d 年%s）同一数字 %s%s的%s，疑似金额单位（元、万元、亿元）填错",
				actual, gap(actual), lastKey.FiscalYear, lastKey.Phase.Chinese(), expected, gap(expected), scaleWords(p))
			suspectTotal = suspectTotal || h == headlines[0]
			continue
		}
		var amounts []models.Money
		for _, p := range peerFigures() {
			if that, ok := p[h]; ok {
				amounts = append(amounts, that.Amount)
			}
		}
		if len(amounts) < minScalePeers {
			continue
		}
		median := medianOf(amounts)
		p := scaleSlip(fig.Amount, median)
		if p == 0 {
			continue
		}
		expected := money(median, models.Yuan)
		out.reportf(at, expected, actual, "%s%s为本地区 %d 个其他部门中位数 %s%s的%s，疑似金额单位（元、万元、亿元）填错",
			actual, gap(actual), len(amounts), expected, gap(expected), scaleWords(p))
		suspectTotal = suspectTotal || h == headlines[0]
	}
}

// scaleSlip reports whether a is about 10⁴ or 10⁸ times b (4 or 8), or b that
// many times a (−4 or −8), within a factor of 3 either way, which covers a
// year's growth and most differences between departments of one region; 0 otherwise.
func scaleSlip(a, b models.Money) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	for _, p := range []int64{4, 8} {
		if near(a, b, p) {
			return int(p)
		}
		if near(b, a, p) {
			return -int(p)
		}
	}
	return 0
}

// near reports whether 10ᵖ/3 ≤ a/b ≤ 3·10ᵖ, in exact integer arithmetic.
func near(a, b models.Money, p int64) bool {
	A, B := big.NewInt(int64(a)), big.NewInt(int64(b))
	scaled := new(big.Int).Mul(B, new(big.Int).Exp(big.NewInt(10), big.NewInt(p), nil))
	three := big.NewInt(3)
	low := new(big.Int).Mul(A, three).Cmp(scaled) >= 0  // 3a ≥ b·10ᵖ
	high := A.Cmp(new(big.Int).Mul(scaled, three)) <= 0 // a ≤ 3·b·10ᵖ
	return low && high
}

func scaleWords(p int) string {
	switch p {
	case 4:
		return "约 1 万倍"
	case 8:
		return "约 1 亿倍"
	case -4:
		return "约万分之一"
	case -8:
		return "约亿分之一"
	}
	return ""
}

// medianOf returns the median of amounts (the mean of the middle two for an even count).
func medianOf(amounts []models.Money) models.Money {
	s := append([]models.Money(nil), amounts...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return s[n/2-1] + (s[n/2]-s[n/2-1])/2
}

// PublishedRowCodes are the row codes of the line items the cross-filing rules
// read from other filings: the tables' totals (unit.suspect's headlines). A
// Published view may hand over filings holding just these lines and the 三公
// record; a test keeps this list in step with the headlines.
func PublishedRowCodes() []string { return []string{models.RowTotal, "income_total"} }
