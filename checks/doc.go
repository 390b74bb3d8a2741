package checks

import (
	"fmt"
	"strings"
)

//go:generate go test -run TestRulesDoc_IsUpToDate -update .

// CatalogueMarkdown renders the catalogue as docs/rules.md, with an example
// message for each rule key that examples has. The file is generated:
// `go generate ./checks/` rewrites it from the rules and the messages their
// tests produce, and a test fails when it is stale.
func CatalogueMarkdown(examples map[string]string) []byte {
	var b strings.Builder
	b.WriteString(`# 一致性检查规则 · Consistency rules

<!-- Generated from checks.Catalogue by ` + "`go generate ./checks/`" + `. Do not edit by hand. -->

Every upload to a draft filing runs every rule below over the whole draft (all its tables) and, for the
cross-filing rules, over the other **published** filings (never drafts). The rules are pure functions in
` + "`checks/`" + `, one family per file; their keys are those of DOMAIN.md §5.

## 级别 · Severity

| 级别 | severity | meaning |
|---|---|---|
| 错误 | ` + "`error`" + ` | blocks publication |
| 警告 | ` + "`warning`" + ` | publishes with a visible flag |
| 提示 | ` + "`info`" + ` | a note, e.g. a rounding difference |

A deployment may change a rule's severity (` + "`Env.Severity`" + `), for all phases (` + "`change.reason_missing`" + `) or one
(` + "`change.reason_missing@final`" + `). Rounding notes stay ` + "`info`" + `.

## 四舍五入容差 · Rounding tolerance

Sums are exact, in fen. A figure printed in 元 is exact. A figure printed in 万元 or 亿元 is taken as printed to two
decimals whatever the cell shows, so it may be half a unit of its second decimal from the truth: **50 元** for each
万元 figure, **500,000 元** for each 亿元 figure, on either side of the comparison. A non-zero difference up to the
total of those is an ` + "`info`" + ` finding of the same rule (因四舍五入); beyond it, the rule's severity.
Examples: a total against 4 parts, all in 万元: 250 元; the same 万元 figure in two tables: 100 元 (a gap of
exactly 100 元 is rounding, 100.01 元 is not); a 万元 figure against an 元 line: 50 元.
An absent line (the printed table's empty cell) is exactly 0 and adds no tolerance.

## 缺失数字 · Missing figures

- A figure given empty is **not disclosed** and is never taken as 0: a sum whose total or any part is not
  disclosed is not checked, except where a rule says the figure must be disclosed
  (` + "`three_public.vehicles_not_split`, `cross.three_public_economic`, `count.missing`" + `).
- A line that is absent from the upload is the printed table's empty cell and counts as 0.
- A rule whose tables are not in the filing does not run; a cross-table rule needs both tables.
- A parent (类, 款, a subtotal) is compared with its children only when the table has at least one child row for it.

## 规则 · Rules

| # | key | severity | scope | 规则 |
|---|---|---|---|---|
`)
	for _, r := range Catalogue {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", r.Number, r.Key, r.Severity, r.Scope, escape(r.Chinese))
	}
	b.WriteString("\n## 说明 · Details\n")
	for _, r := range Catalogue {
		fmt.Fprintf(&b, "\n### `%s`\n\n", r.Key)
		fmt.Fprintf(&b, "- DOMAIN.md §5 rule %s · default severity `%s` · scope `%s`\n", r.Number, r.Severity, r.Scope)
		if r.Basis != "" {
			fmt.Fprintf(&b, "- 依据 · basis: %s\n", r.Basis)
		}
		fmt.Fprintf(&b, "\n%s\n\n%s\n", r.Chinese, r.English)
		if ex, ok := examples[r.Key]; ok {
			fmt.Fprintf(&b, "\n例 · Example:\n\n> %s\n", ex)
		}
	}
	b.WriteString(`
## 科目名称比较 · How names are compared

` + "`code.name_mismatch`" + ` compares the printed name with the official one after normalising both
(` + "`codes.NormalizeName`" + `), and nothing else:

1. full-width ASCII forms (U+FF01–U+FF5E) become half-width, so （） and () are the same;
2. all white space (including U+3000 and no-break spaces) and the invisible U+200B and U+FEFF are removed;
3. one trailing 支出 is removed, so 一般公共服务 matches 一般公共服务支出.

Older official names (医疗卫生与计划生育 for 卫生健康) are a matter of each year's code list, loaded per year; a
year without its own list uses the nearest earlier year's, then the embedded starter list.
`)
	return []byte(b.String())
}

func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
