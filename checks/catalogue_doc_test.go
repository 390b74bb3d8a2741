package checks

import (
	"fmt"
	"strings"
)

// This file is a test file so that the renderer stays out of the binary; the
// external test package sees CatalogueMarkdown as export_test files are seen.

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
` + "`checks/`" + `, one family per file. Their keys and numbers are stable (` + "`GET /api/v1/rules`" + ` serves this catalogue);
the upload formats are in docs/formats.md. The figures the portal derives from published filings (sums, shares,
执行率) are defined in docs/figures.md.

## 级别 · Severity

| 级别 | severity | meaning |
|---|---|---|
| 错误 | ` + "`error`" + ` | blocks publication |
| 警告 | ` + "`warning`" + ` | publishes with a visible flag |
| 提示 | ` + "`info`" + ` | a note, e.g. a rounding difference |

A deployment may change a rule's severity (` + "`Env.Severity`" + `), for all phases (` + "`change.reason_missing`" + `) or one
(` + "`change.reason_missing@final`" + `). Rounding notes stay ` + "`info`" + `.

## 四舍五入容差 · Rounding tolerance

Sums are exact, in fen, up to the precision each figure was **printed** at, which ingest records from the cell as
written (the digits after the decimal point; for XLSX numbers the digits the cell's number format shows, else those
of the stored value). A printed figure is
within half a unit of its last digit of the true value, so each figure on either side of a comparison contributes
that half-unit: **0.50 元** for whole 元, **nothing** for 元 to the fen (true amounts are whole fen), **50 元** for 万元
to 0.01, **5,000 元** for whole 万元, **500,000 元** for 亿元 to 0.01. With every figure printed alike that is
(n + 1) × half a unit for a total and its n parts, and one unit for the same figure printed in two tables. A printed
zero counts at the precision of the figures beside it (no more than the coarsest of them). A non-zero difference up
to the total is an ` + "`info`" + ` finding of the same rule (因四舍五入); beyond it, the rule's severity.
Examples: a total against 4 parts, all in 万元 to 0.01: 250 元; the same 万元 figure in two tables: 100 元 (a gap of
exactly 100 元 is rounding, 100.01 元 is not); a 万元 figure against an 元 line to the fen: 50 元; a whole-元 类
against its 3 款: 2 元; a whole-万元 三公 合计 against its 3 items: 2 万元. A figure stored before the service kept
its precision counts as printed to two decimals.
An absent line (the printed table's empty cell) is exactly 0 and adds no tolerance.

## 空白与未列示 · Blanks and absent rows

- A figure given empty in the upload templates is **not disclosed** and is never taken as 0: a sum whose total or
  any part is not disclosed is not checked, except where a rule says the figure must be disclosed
  (` + "`cross.three_public_economic`, `count.missing`" + `) and for the printed 三公 table below.
- A **detail** line that is absent from the upload is the printed table's empty cell and counts as 0.
- A **subtotal or total row** that the layout does not print (本年收入合计 / 本年支出合计 on a 收支总表 without
  结转, the 合计 of a final's 基本支出决算表) is **derived** from the rows it totals, never read as 0: it is not
  compared with its parts, and where another rule needs it the sum of its parts stands in (the message says
  “未列示，按所含各行推算”). The income side of a 财政拨款收支总表 printed with one amount column is checked in
  that column only.
- The final's 基本支出决算表 printed with one 决算数 per economic code and the rows 人员经费合计 and 公用经费合计:
  人员经费合计 = 301 + 303, 公用经费合计 = the other 类 (302, 310 …), 合计 = 人员 + 公用; no per-row split is asked for.
- **A printed 三公 table leaves zero cells blank**: where its 合计 or 公务用车 小计 is printed and at least one of its
  parts is, the blank parts are read as 0 and the finding says so (“空白按 0 核对”); with no part printed nothing
  is compared. ` + "`three_public.vehicles_not_split`" + ` fires only when neither purchase nor operation is printed.
- A rule whose tables are not in the filing does not run; a cross-table rule needs both tables. A filing that
  publishes only the 三公 statement is not told that it lacks the other tables unless the deployment sets the
  severity of ` + "`table.missing`" + ` itself (which says it requires full sets).
- A parent (类, 款, a subtotal) is compared with its children only when the table has at least one child row for it.
- An empty table is published with its note (本部门无…，此表为空表), uploaded as a line with the table and the
  note and no code, column or amount; or, in the upload template, as its 合计 row alone at 0.

## 所涉单元格 · Cells a finding names

A finding of a sum or a cross-table comparison lists in ` + "`cells`" + ` every line-item cell that takes part — the total and
each of its parts, the cells of both tables — with its source row, so the desk can mark them all and the bureau can
find the one it actually edited; the finding's own ` + "`table`/`code`/`column`" + ` stay the cell the message is about.

## 适用年度 · First fiscal year

Each rule applies from the first fiscal year of the requirement behind it (the table below, with the documents in
the details; 推定 marks an inferred year). A filing of an earlier fiscal year is not checked against the rule.

## 规则 · Rules

| # | key | severity | scope | since | 规则 |
|---|---|---|---|---|---|
`)
	for _, r := range Catalogue {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %d | %s |\n", r.Number, r.Key, r.Severity, r.Scope, r.Since, escape(r.Chinese))
	}
	b.WriteString("\n## 说明 · Details\n")
	for _, r := range Catalogue {
		fmt.Fprintf(&b, "\n### `%s`\n\n", r.Key)
		fmt.Fprintf(&b, "- rule %s · default severity `%s` · scope `%s`\n", r.Number, r.Severity, r.Scope)
		if r.Basis != "" {
			fmt.Fprintf(&b, "- 依据 · basis: %s\n", r.Basis)
		}
		if r.Since != 0 {
			fmt.Fprintf(&b, "- 适用年度 · applies from fiscal year **%d**: %s\n", r.Since, r.SinceBasis)
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

## 科目表 · Code lists

The code rules look codes up in the list for the filing's year: the deployment's own (` + "`sunshine codes load`" + `), else a
complete official list shipped in ` + "`codes/data/official/`" + ` for that year or the nearest earlier one, else the embedded
starter list, a subset, in which case the report says so once. **No year is complete yet**: no official list is
shipped, because none could be found in a public copy that can be cited (` + "`codes/data/official/README.md`" + ` records
what was searched and why each candidate was rejected), so a deployment should load its years' lists.
`)
	return []byte(b.String())
}

func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
