package web

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"sunshine/models"
)

// The desk's rendering of a draft: the 三公 record as the one-row table it
// was uploaded as, and each standard table as its printed grid of rows by
// columns, with every cell a finding points at highlighted and linked back to
// the finding (and each finding's link pointing at its cell's id).

// cellID is the HTML id of a cell in the rendering of a draft.
func cellID(table, code, col string) string {
	return "c-" + table + "-" + code + "-" + col
}

type gridCell struct {
	ID    string
	Text  string
	Class string
	Title string
	Marks []int // the numbers of the findings on this cell
}

type gridRow struct {
	Code, Name string
	Level      int
	Unit       string
	Cells      []gridCell
}

type grid struct {
	Key, Name string
	Unit      string
	Heads     [2]string // the headers of the two leading columns
	Columns   []string
	Rows      []gridRow
}

func derefGrid(g *grid) []grid {
	if g == nil {
		return nil
	}
	return []grid{*g}
}

type cellMark struct {
	numbers []int
	sev     models.Severity // of the findings on the cell itself; "" when it only takes part in some
	msgs    []string
}

// cellMarks gathers, per cell id, the findings on it (and on the other side
// of a comparison within the same filing), and marks the cells that only take
// part in a finding (the parts of a sum) so that the edited one can be found.
func cellMarks(fs []findingView) map[string]*cellMark {
	out := map[string]*cellMark{}
	add := func(id string, f findingView, own bool) {
		m := out[id]
		if m == nil {
			m = &cellMark{}
			out[id] = m
		}
		if slices.Contains(m.numbers, f.N) {
			return
		}
		m.numbers = append(m.numbers, f.N)
		m.msgs = append(m.msgs, strconv.Itoa(f.N)+". "+f.Message)
		if own && (severityRank(f.Severity) < severityRank(m.sev) || m.sev == "") {
			m.sev = f.Severity
		}
	}
	for _, f := range fs {
		if f.Table != "" && f.Column != "" {
			add(cellID(f.Table, f.Code, f.Column), f, true)
		}
		if f.OtherFilingID == 0 && f.OtherTable != "" && f.OtherColumn != "" {
			add(cellID(f.OtherTable, f.OtherCode, f.OtherColumn), f, true)
		}
	}
	for _, f := range fs {
		if f.OtherFilingID != 0 || f.Severity == models.SeverityInfo {
			continue // cells of another filing are not on this page; rounding needs no search
		}
		for _, c := range f.Cells {
			add(cellID(c.Table, c.Code, c.Column), f, false)
		}
	}
	return out
}

func severityRank(s models.Severity) int {
	switch s {
	case models.SeverityError:
		return 0
	case models.SeverityWarning:
		return 1
	}
	return 2
}

func markCell(cell *gridCell, marks map[string]*cellMark) {
	m := marks[cell.ID]
	if m == nil {
		return
	}
	if m.sev != "" {
		cell.Class += " flag-" + string(m.sev)
	} else {
		cell.Class += " flag-part" // takes part in a finding on another cell
	}
	cell.Marks = m.numbers
	cell.Title = strings.Join(m.msgs, "\n")
}

// threePublicGrid renders the 三公 record as the one-row table it was uploaded as.
func threePublicGrid(tp *models.ThreePublic, dept string, phase models.Phase, marks map[string]*cellMark) grid {
	g := grid{Key: string(models.TableThreePublic), Name: tableName(string(models.TableThreePublic), phase), Unit: string(tp.Unit),
		Heads: [2]string{"部门编码", "来源"}}
	row := gridRow{Code: dept, Name: "源文件第 " + strconv.Itoa(tp.SourceRow) + " 行"}
	if tp.SourceRow == 0 {
		row.Name = "（复制自上一版）"
	}
	tbl := string(models.TableThreePublic)
	for _, a := range models.ThreePublicAmounts {
		if phase != models.PhaseFinal && strings.HasPrefix(a.Key, "budget_") {
			continue
		}
		g.Columns = append(g.Columns, a.Chinese)
		v := *a.Get(tp)
		cell := gridCell{ID: cellID(tbl, "", a.Key), Text: amountIn(v, tp.Unit), Class: "num"}
		if !v.Valid {
			cell.Class += " nd"
		}
		markCell(&cell, marks)
		row.Cells = append(row.Cells, cell)
	}
	for _, n := range models.ThreePublicCounts {
		g.Columns = append(g.Columns, n.Chinese)
		v := *n.Get(tp)
		cell := gridCell{ID: cellID(tbl, "", n.Key), Text: countText(v), Class: "num"}
		if !v.Valid {
			cell.Class += " nd"
		}
		markCell(&cell, marks)
		row.Cells = append(row.Cells, cell)
	}
	g.Columns = append(g.Columns, "增减变化原因")
	reason := gridCell{ID: cellID(tbl, "", "change_reason"), Text: tp.ChangeReason, Class: "text"}
	if tp.ChangeReason == "" {
		reason.Text, reason.Class = "（未填写）", "text nd"
	}
	markCell(&reason, marks)
	row.Cells = append(row.Cells, reason)
	g.Rows = []gridRow{row}
	return g
}

// lineItemGrids lays each table's line items out as the printed table: rows
// (合计, named rows, then codes in print order, 类 before its 款 and 项) by columns.
func lineItemGrids(items []models.LineItem, phase models.Phase, marks map[string]*cellMark) []grid {
	byTable := map[models.Table][]models.LineItem{}
	for _, li := range items {
		byTable[li.Table] = append(byTable[li.Table], li)
	}
	var out []grid
	for _, spec := range models.Tables {
		lis := byTable[spec.Key]
		if len(lis) == 0 {
			continue
		}
		delete(byTable, spec.Key)
		named := spec.Rows
		if spec.Key == models.TableFiscalSummary {
			// Its rows are the summary's income keys, 类 codes and totals.
			summary, _ := models.LookupTable(string(models.TableSummary))
			named = summary.Rows
		}
		out = append(out, buildGrid(string(spec.Key), spec.Name(phase), tableColumns(spec, phase), named, lis, marks))
	}
	for key, lis := range byTable { // a table the service does not know (cannot be uploaded today)
		out = append(out, buildGrid(string(key), string(key), nil, nil, lis, marks))
	}
	return out
}

func tableColumns(spec models.TableSpec, phase models.Phase) []models.ColumnSpec {
	cols := append([]models.ColumnSpec(nil), spec.Columns...)
	if phase == models.PhaseFinal {
		cols = append(cols, spec.FinalColumns...)
	}
	return cols
}

func buildGrid(key, name string, cols []models.ColumnSpec, named []models.RowSpec, lis []models.LineItem,
	marks map[string]*cellMark) grid {
	g := grid{Key: key, Name: name, Heads: [2]string{"科目编码", "科目名称"}}
	known := map[string]bool{}
	for _, c := range cols {
		known[c.Key] = true
	}
	for _, li := range lis { // columns the items use beyond the spec's, in first-seen order
		if !known[li.Column] {
			known[li.Column] = true
			cols = append(cols, models.ColumnSpec{Key: li.Column, Chinese: li.Column})
		}
	}
	used := map[string]bool{}
	for _, li := range lis {
		used[li.Column] = true
	}
	var shown []models.ColumnSpec
	for _, c := range cols {
		if used[c.Key] {
			shown = append(shown, c)
		}
	}
	for _, c := range shown {
		g.Columns = append(g.Columns, c.Chinese)
	}
	type rowData struct {
		name  string
		unit  models.Unit
		cells map[string]models.LineItem
	}
	rows := map[string]*rowData{}
	for _, li := range lis {
		r := rows[li.Code]
		if r == nil {
			r = &rowData{name: li.Name, unit: li.Unit, cells: map[string]models.LineItem{}}
			rows[li.Code] = r
		}
		if r.name == "" {
			r.name = li.Name
		}
		r.cells[li.Column] = li
	}
	// Named rows in the order the table prints them; on the summary the
	// spending side's 类 codes come before its subtotal (codesAt).
	order := map[string]int{models.RowTotal: -1}
	names := map[string]string{}
	codesAt := len(named)
	for i, r := range named {
		if _, ok := order[r.Key]; !ok {
			order[r.Key] = i
		}
		names[r.Key] = r.Chinese
		if r.Key == "expenditure_subtotal" {
			codesAt = i
		}
	}
	for code, r := range rows {
		if n, ok := names[code]; ok && (r.name == "" || r.name == code) {
			r.name = n
		}
	}
	rank := func(code string) (float64, bool) {
		if o, ok := order[code]; ok {
			if o >= codesAt {
				return float64(o) + 0.5, true
			}
			return float64(o), true
		}
		return float64(codesAt), false
	}
	codes := make([]string, 0, len(rows))
	for code := range rows {
		codes = append(codes, code)
	}
	sort.Slice(codes, func(i, j int) bool {
		ri, iNamed := rank(codes[i])
		rj, jNamed := rank(codes[j])
		if ri != rj {
			return ri < rj
		}
		if iNamed != jNamed {
			return iNamed
		}
		return codes[i] < codes[j] // 201 < 20101 < 2010101 < 20102: print order
	})
	units := map[models.Unit]bool{}
	for _, code := range codes {
		r := rows[code]
		row := gridRow{Code: code, Name: r.name, Unit: string(r.unit)}
		if code == models.RowTotal {
			row.Code, row.Name = "", "合计"
		} else if _, isNamed := order[code]; isNamed {
			row.Code = ""
		} else if allDigitsString(code) {
			row.Level = max(0, (len(code)-3)/2)
		}
		for _, c := range shown {
			li, ok := r.cells[c.Key]
			cell := gridCell{ID: cellID(key, code, c.Key), Class: "num"}
			switch {
			case !ok:
				cell.Class += " absent" // the printed table's empty cell
			case !li.Amount.Valid:
				cell.Text, cell.Class = "未公开", cell.Class+" nd"
			default:
				cell.Text = amountIn(li.Amount, li.Unit)
			}
			if ok {
				units[li.Unit] = true
				if li.SourceRow > 0 {
					cell.Title = "源文件第 " + strconv.Itoa(li.SourceRow) + " 行"
				}
			}
			if m := marks[cell.ID]; m != nil {
				src := cell.Title
				markCell(&cell, marks)
				if src != "" {
					cell.Title = src + "\n" + cell.Title
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		g.Rows = append(g.Rows, row)
	}
	if len(units) == 1 {
		for u := range units {
			g.Unit = string(u)
		}
		for i := range g.Rows {
			g.Rows[i].Unit = ""
		}
	}
	return g
}

func allDigitsString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
