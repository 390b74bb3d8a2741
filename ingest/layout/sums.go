package layout

import (
	"math/big"
	"strings"

	"sunshine/models"
)

// What a 总表 prints that the model keeps elsewhere, so the reader checks it
// against what it keeps instead of storing it:
//
//   - on the income side, a row summing the fund rows printed under it
//     (一、财政拨款收入 over 1、一般公共预算资金, 2、政府性基金, 3、国有资本经营预算):
//     the model keeps the funds (general_budget, gov_fund, state_capital);
//   - on the spending side of a 财务收支预算总表, the columns that split each
//     row's 合计 (基本支出 › 人员经费 | 公用经费, 项目支出): the model keeps the
//     summary's `amount` only, and the 基本支出 / 项目支出 of each 类 in the
//     支出总表 (`basic`, `project`).
//
// A figure that does not agree with the figures kept (beyond the rounding of
// DOMAIN.md §2.2: (n + 1) half units of the last printed digit) is a
// cell.enum finding at its cell, and so is one that has nothing to agree with
// (a fund row missing, a 合计 left blank), since it would be lost.

// fundParentWords are the printed names of the summing row over the funds.
var fundParentWords = map[string]bool{"财政拨款收入": true, "财政拨款": true, "财政拨款(补助)收入": true,
	"财政拨款收入合计": true, "财政拨款小计": true}

// breakdownWords are the 总表's spending-side columns that split 合计, by the
// DOMAIN.md column key of the table that keeps them (the 支出总表's basic and
// project; the 基本支出表's personnel and public_use).
var breakdownWords = map[string]string{"基本支出": "basic", "人员经费": "personnel", "人员经费支出": "personnel",
	"公用经费": "public_use", "公用经费支出": "public_use", "项目支出": "project"}

// fundParent is a printed 一、财政拨款收入 row and the fund figures read under it.
type fundParent struct {
	lines []Line
	name  string
	parts []Line
}

// isFundParent reports an income-side row of the summary that sums the funds.
func (p *parser) isFundParent(spending bool, key string) bool {
	return p.t.Spec.Key == models.TableSummary && !spending && fundParentWords[key]
}

// addFundPart counts a fund row under the open 财政拨款收入 row.
func (p *parser) addFundPart(code string, lines []Line) {
	if p.fund == nil {
		return
	}
	switch code {
	case "general_budget", "gov_fund", "state_capital":
		p.fund.parts = append(p.fund.parts, lines...)
	}
}

// closeFund checks the open 财政拨款收入 row against its fund rows.
func (p *parser) closeFund() {
	f := p.fund
	p.fund = nil
	if f == nil {
		return
	}
	for _, l := range f.lines {
		var parts []Line
		for _, pt := range f.parts {
			if pt.Column == l.Column {
				parts = append(parts, pt)
			}
		}
		if len(parts) == 0 {
			p.t.Findings = append(p.t.Findings, Finding{Rule: RuleCellEnum, Row: l.Row, Column: l.Header, Text: l.Text, Ref: l.Ref,
				Message: "表“" + p.t.Title + "”中“" + f.name + "”为 " + l.Text + "，但其下没有列出一般公共预算、政府性基金、国有资本经营预算各自的金额，" +
					"按资金来源保存的数据无法保存它"})
			continue
		}
		if ok, sum := agrees(l, parts); !ok {
			p.t.Findings = append(p.t.Findings, Finding{Rule: RuleCellEnum, Row: l.Row, Column: l.Header, Text: l.Text, Ref: l.Ref,
				Message: "表“" + p.t.Title + "”中“" + f.name + "”为 " + l.Text + "，但其下各资金来源之和为 " + sum +
					"，超出四舍五入的误差"})
		}
	}
}

// checkBreakdown checks the columns that split a spending row's 合计: 人员经费
// + 公用经费 + 项目支出 (or 基本支出 + 项目支出) against 合计, and 人员经费 + 公用经费
// against 基本支出 when all three are printed.
func (p *parser) checkBreakdown(r int, name string, total []Line) {
	got := map[string]Line{}
	for i := range p.cols {
		c := &p.cols[i]
		if c.role != roleBreakdown {
			continue
		}
		if l, ok := p.amountLine(r, c, "", name); ok {
			got[c.key] = l
		}
	}
	if len(got) == 0 {
		return
	}
	pick := func(keys ...string) []Line {
		var out []Line
		for _, k := range keys {
			if l, ok := got[k]; ok {
				out = append(out, l)
			}
		}
		return out
	}
	basic, hasBasic := got["basic"]
	personnel := pick("personnel", "public_use")
	var parts []Line
	if len(personnel) > 0 || !hasBasic {
		parts = append(personnel, pick("project")...)
	} else {
		parts = pick("basic", "project")
	}
	if hasBasic && len(personnel) > 0 {
		if ok, sum := agrees(basic, personnel); !ok {
			p.t.Findings = append(p.t.Findings, Finding{Rule: RuleCellEnum, Row: basic.Row, Column: basic.Header, Text: basic.Text,
				Ref: basic.Ref, Message: "表“" + p.t.Title + "”中“" + name + "”的“基本支出”为 " + basic.Text + "，但人员经费与公用经费之和为 " + sum})
		}
	}
	if len(total) == 0 {
		l := parts[0]
		p.t.Findings = append(p.t.Findings, Finding{Rule: RuleCellEnum, Row: l.Row, Column: l.Header, Text: l.Text, Ref: l.Ref,
			Message: "表“" + p.t.Title + "”中“" + name + "”的“" + l.Header + "”有金额而合计空白：本表只保存合计，这一金额无法保存"})
		return
	}
	for _, t := range total {
		if ok, sum := agrees(t, parts); !ok {
			p.t.Findings = append(p.t.Findings, Finding{Rule: RuleCellEnum, Row: t.Row, Column: t.Header, Text: t.Text, Ref: t.Ref,
				Message: "表“" + p.t.Title + "”中“" + name + "”的合计为 " + t.Text + "，但" + headers(parts) + "之和为 " + sum +
					"，超出四舍五入的误差"})
		}
	}
}

func headers(ls []Line) string {
	var hs []string
	for _, l := range ls {
		hs = append(hs, l.Header)
	}
	return strings.Join(hs, "、")
}

// agrees reports whether total equals the sum of parts within the rounding
// of DOMAIN.md §2.2: (n + 1) halves of the coarsest printed last digit.
// sum is the parts' sum as text, at the precision of total.
func agrees(total Line, parts []Line) (bool, string) {
	t, td, ok := decimal(total)
	if !ok {
		return true, ""
	}
	sum := new(big.Rat)
	coarse := td
	for _, l := range parts {
		v, d, ok := decimal(l)
		if !ok {
			return true, ""
		}
		sum.Add(sum, v)
		coarse = min(coarse, d)
	}
	half := new(big.Rat).SetFrac64(5, 1)
	half.Quo(half, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(coarse+1)), nil)))
	allow := new(big.Rat).Mul(half, big.NewRat(int64(len(parts)+1), 1))
	diff := new(big.Rat).Sub(t, sum)
	diff.Abs(diff)
	return diff.Cmp(allow) <= 0, sum.FloatString(max(td, 0))
}

// decimal is a line's figure and the decimals it was printed with.
func decimal(l Line) (*big.Rat, int, bool) {
	v, ok := new(big.Rat).SetString(strings.ReplaceAll(l.Text, ",", ""))
	if !ok {
		return nil, 0, false
	}
	if n, known := l.Decimals.N(); known {
		return v, n, true
	}
	if _, frac, found := strings.Cut(l.Text, "."); found {
		return v, len(frac), true
	}
	return v, 0, true
}

func isFund(code string) bool {
	return code == "general_budget" || code == "gov_fund" || code == "state_capital"
}
