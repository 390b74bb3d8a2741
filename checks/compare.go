package checks

import (
	"math"
	"strings"

	"sunshine/models"
)

// figure is one amount as printed, taking part in a comparison.
type figure struct {
	Amount models.Money
	// Unit is the unit the figure was printed in. It is "" for an absent line:
	// the printed table's empty cell, which is exactly 0 and adds no rounding.
	Unit models.Unit
	// Decimals is the precision it was printed at, in Unit.
	Decimals models.Decimals
	// Missing marks a figure given as "not disclosed": a comparison involving it is not made.
	Missing bool
	// Cell is where a line item's figure stands; zero for a 三公 figure, an
	// absent line or a sum standing in for a row.
	Cell models.Cell
}

func disclosed(n models.NullMoney, u models.Unit, d models.Decimals) figure {
	return figure{Amount: n.Money, Unit: u, Decimals: d, Missing: !n.Valid}
}

// rounding is how far the printed figure may be from the true value: half a
// unit of its last printed digit (DOMAIN.md §2.2): 0.5 元 for whole 元, 50 元
// for 万元 to 0.01, 5,000 元 for whole 万元; nothing for a figure printed to
// the fen; nothing for an absent line, the printed table's empty cell. A
// figure whose precision was not recorded counts as printed to two decimals.
func (f figure) rounding() models.Money {
	if f.Unit == "" {
		return 0
	}
	return f.Decimals.HalfUnit(f.Unit)
}

// side is one side of a comparison: a single figure or the sum of several.
type side struct {
	Label string // what it is, in Chinese: "合计", "基本支出 + 项目支出", "各类之和"
	// Named, when Label is empty, is the cell the side is, named by its location
	// (built only if a finding is reported).
	Named   where
	Figures []figure
}

func (s side) label() string {
	if s.Label != "" {
		return s.Label
	}
	return s.Named.text()
}

func one(label string, f figure) side { return side{Label: label, Figures: []figure{f}} }

func (s side) missing() bool {
	for _, f := range s.Figures {
		if f.Missing {
			return true
		}
	}
	return false
}

// sum adds the figures; ok is false if that overflows.
func (s side) sum() (total models.Money, ok bool) {
	for _, f := range s.Figures {
		if total, ok = total.Add(f.Amount); !ok {
			return 0, false
		}
	}
	return total, true
}

// tolerance is how far two sides may differ through rounding alone: the sum of
// half a unit of each figure's last printed digit. With every figure printed
// alike that is (n + 1) × half a unit for a total and its n parts. A printed
// zero is taken at the precision of the figures it is compared with (a table
// printed to 0.01 may print "0"), so it adds no more than the coarsest of them.
func tolerance(sides ...side) models.Money {
	var coarsest models.Money
	for _, s := range sides {
		for _, f := range s.Figures {
			if f.Amount != 0 {
				coarsest = max(coarsest, f.rounding())
			}
		}
	}
	var t models.Money
	for _, s := range sides {
		for _, f := range s.Figures {
			if f.Amount != 0 {
				t += f.rounding()
			} else {
				t += min(f.rounding(), coarsest)
			}
		}
	}
	return t
}

// unit is the unit to print the side in: the one all its printed figures
// share, else 元.
func (s side) unit() models.Unit {
	var u models.Unit
	for _, f := range s.Figures {
		switch {
		case f.Unit == "":
		case u == "":
			u = f.Unit
		case u != f.Unit:
			return models.Yuan
		}
	}
	if u == "" {
		return models.Yuan
	}
	return u
}

// verdict is the outcome of a comparison.
type verdict int

const (
	skipped  verdict = iota // a figure was not disclosed: nothing is checked
	agree                   // equal (or, for an upper limit, not above it)
	rounding                // a difference the printed decimals explain: an info note
	differ                  // beyond rounding: a finding at the rule's severity
	overflow                // the figures are too large to add
)

// outcome is a comparison worked out, before it is reported.
type outcome struct {
	verdict          verdict
	actual, expected models.Money
	excess           models.Money // |actual − expected|, or actual − expected for an upper limit
	tolerance        models.Money
}

// evaluate compares two sides exactly in fen with the rounding tolerance of
// DOMAIN.md §2.2: every figure on either side contributes half a unit of its
// last printed digit; a non-zero difference up to their total is rounding,
// beyond it the figures differ. With upTo, actual may be anything up to expected.
// This is the one place the tolerance is applied.
func evaluate(actual, expected side, upTo bool) outcome {
	o := judge(actual, expected, upTo)
	if o.verdict == agree {
		o.tolerance = tolerance(actual, expected)
	}
	return o
}

// judge is evaluate without working out the tolerance of sides that agree,
// which compare does not print (most comparisons agree); it is where the
// tolerance is applied.
func judge(actual, expected side, upTo bool) outcome {
	if actual.missing() || expected.missing() {
		return outcome{verdict: skipped}
	}
	a, okA := actual.sum()
	e, okE := expected.sum()
	diff, okD := sub(a, e)
	if !okA || !okE || !okD || diff == math.MinInt64 {
		return outcome{verdict: overflow}
	}
	o := outcome{actual: a, expected: e, excess: diff}
	if !upTo && o.excess < 0 {
		o.excess = -o.excess
	}
	if o.excess <= 0 {
		o.verdict = agree
		return o
	}
	o.tolerance = tolerance(actual, expected)
	switch {
	case o.excess <= o.tolerance:
		o.verdict = rounding
	default:
		o.verdict = differ
	}
	return o
}

// sub returns a−b, reporting overflow instead of wrapping.
func sub(a, b models.Money) (models.Money, bool) {
	d := a - b
	if (b > 0 && d > a) || (b < 0 && d < a) {
		return 0, false
	}
	return d, true
}

// comparison is a check of one cell against what it should be.
type comparison struct {
	at       where
	actual   side // the figure at the location (or the sum standing there)
	expected side // what it should equal, or not exceed
	upTo     bool // actual may be below expected (≤), not only equal
	hint     string
	// severity, when set, is what a difference beyond rounding is reported
	// at instead of the rule's (final.over_budget with a reason: a note).
	severity models.Severity
}

// compare evaluates c and reports it: an info note for a rounding difference,
// a finding at the rule's severity beyond it. The message names both sides in
// their source unit and in 元:
//
//	…：合计 12.35 万元（123,500.00 元）≠ 分项之和 12.30 万元（123,000.00 元），相差 500.00 元（超出四舍五入容差 250.00 元）
func (o *output) compare(c comparison) outcome {
	r := judge(c.actual, c.expected, c.upTo)
	switch r.verdict {
	case skipped, agree:
		return r
	case overflow:
		o.report(c.at, c.at.prefix()+"金额过大，超出可核对的范围", "", "")
		return r
	}
	actual := money(r.actual, c.actual.unit())
	expected := money(r.expected, c.expected.unit())
	var b strings.Builder
	b.WriteString(c.at.prefix())
	b.WriteString(labelled(c.actual.label(), actual))
	b.WriteString(gap(actual))
	if c.upTo {
		b.WriteString("超过 ")
	} else {
		b.WriteString("≠ ")
	}
	b.WriteString(labelled(c.expected.label(), expected))
	if c.upTo {
		b.WriteString("，超出 ")
	} else {
		b.WriteString("，相差 ")
	}
	b.WriteString(yuan(r.excess))
	if r.verdict == rounding {
		b.WriteString("，在四舍五入容差 " + yuan(r.tolerance) + "以内，视为四舍五入差异")
		o.add(c.at, models.SeverityInfo, b.String(), expected, actual)
		o.withCells(c)
		return r
	}
	if r.tolerance > 0 {
		b.WriteString("（超出四舍五入容差 " + yuan(r.tolerance) + "）")
	}
	if c.hint != "" {
		b.WriteString("；" + c.hint)
	}
	sev := o.severity
	if c.severity != "" {
		sev = c.severity
	}
	o.add(c.at, sev, b.String(), expected, actual)
	o.withCells(c)
	return r
}

// withCells records on the last finding every line-item cell of both sides
// of the comparison, so that a reader sees the parent and all its parts.
func (o *output) withCells(c comparison) {
	var cells models.Cells
	for _, s := range []side{c.actual, c.expected} {
		for _, f := range s.Figures {
			if f.Cell.Table != "" {
				cells = append(cells, f.Cell)
			}
		}
	}
	o.findings[len(o.findings)-1].Cells = cells
}

func labelled(label, amount string) string {
	if label == "" {
		return amount
	}
	return label + " " + amount
}

// gap is the space that follows a figure in a message: none after a closing
// full-width bracket, which already separates.
func gap(printed string) string {
	if strings.HasSuffix(printed, "）") {
		return ""
	}
	return " "
}

// money prints an amount in its source unit and, unless that is 元, in 元 too:
// "12.35 万元（123,500.00 元）", "1,234.56 元".
func money(m models.Money, u models.Unit) string {
	if u == models.WanYuan || u == models.YiYuan {
		return m.FormatGrouped(u) + " " + string(u) + "（" + yuan(m) + "）"
	}
	return yuan(m)
}

// yuan prints an amount in 元 with thousands separators: "123,500.00 元".
func yuan(m models.Money) string { return m.FormatGrouped(models.Yuan) + " 元" }

// unitOf is the unit a record says its figures are in, 元 when it says nothing valid.
func unitOf(u models.Unit) models.Unit {
	if u.Valid() {
		return u
	}
	return models.Yuan
}
