package exports

import (
	"slices"
	"sort"
	"strings"

	"sunshine/models"
)

// The small query language of the feeds: fields= picks columns, group= and
// sum= add columns up per group. Both work on the rows as they stream by:
// a selection is a narrower Table, a grouping holds one running sum per group.

// ColumnNames lists t's column names as a file in unit u writes them.
func (t *Table[T]) ColumnNames(u models.Unit) []string {
	names := make([]string, len(t.Columns))
	for i := range t.Columns {
		names[i] = t.Columns[i].Name(u)
	}
	return names
}

func (t *Table[T]) column(name string, u models.Unit) (int, error) {
	for i := range t.Columns {
		if t.Columns[i].Name(u) == name {
			return i, nil
		}
	}
	return -1, models.Errorf(models.EINVALID, "没有列“%s”：可选 %s", name, strings.Join(t.ColumnNames(u), "、"))
}

// Select is t with only the named columns, in the order named (names as a
// file in unit u writes them: total_wanyuan under 万元).
func (t *Table[T]) Select(names []string, u models.Unit) (*Table[T], error) {
	sel := *t
	sel.Columns = nil
	for _, n := range names {
		i, err := t.column(n, u)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(sel.Columns, func(c Column[T]) bool { return c.Key == t.Columns[i].Key }) {
			return nil, models.Errorf(models.EINVALID, "列“%s”重复", n)
		}
		sel.Columns = append(sel.Columns, t.Columns[i])
	}
	if len(sel.Columns) == 0 {
		return nil, models.Errorf(models.EINVALID, "fields 至少要有一列：可选 %s", strings.Join(t.ColumnNames(u), "、"))
	}
	return &sel, nil
}

// GroupRow is one group of a grouped answer: its key cells, its sums and its row count.
type GroupRow struct{ cells []Cell }

// Grouper adds up the sum columns of the rows it is given, per value of the group columns.
type Grouper[T any] struct {
	table  *Table[T]
	by     []int
	sums   []int
	groups map[string]*GroupRow
	out    *Table[GroupRow]
}

// NewGrouper groups t's rows by the named columns and sums the named amount
// and count columns (names as in unit u). Amounts are added in fen, exactly;
// a group's sum is null when no row of it discloses the figure.
func NewGrouper[T any](t *Table[T], group, sum []string, u models.Unit) (*Grouper[T], error) {
	g := &Grouper[T]{table: t, groups: map[string]*GroupRow{}}
	g.out = &Table[GroupRow]{Name: t.Name + "_grouped", Title: t.Title + "（分组合计）", Missing: t.Missing}
	for _, n := range group {
		i, err := t.column(n, u)
		if err != nil {
			return nil, err
		}
		c := t.Columns[i]
		if c.Summable {
			return nil, models.Errorf(models.EINVALID, "不能按金额或数量列“%s”分组", n)
		}
		g.by = append(g.by, i)
		g.out.Columns = append(g.out.Columns, Column[GroupRow]{Key: c.Key, Title: c.Title, Type: c.Type, Description: c.Description, Get: groupCell(len(g.out.Columns))})
	}
	for _, n := range sum {
		i, err := t.column(n, u)
		if err != nil {
			return nil, err
		}
		c := t.Columns[i]
		if !c.Summable {
			return nil, models.Errorf(models.EINVALID, "列“%s”不能求和：sum 只接受金额和数量列", n)
		}
		g.sums = append(g.sums, i)
		g.out.Columns = append(g.out.Columns, Column[GroupRow]{Key: c.Key, Title: c.Title, Type: c.Type,
			Description: "各组之和 · sum over the group; " + c.Description, Get: groupCell(len(g.out.Columns))})
	}
	if len(g.by) == 0 || len(g.sums) == 0 {
		return nil, models.Errorf(models.EINVALID, "分组合计需要 group 和 sum 两个参数，例如 group=region_code,fiscal_year&sum=total_yuan")
	}
	g.out.Columns = append(g.out.Columns, Column[GroupRow]{Key: "rows", Title: "行数", Type: TypeInteger,
		Description: "组内行数 · rows in the group", Get: groupCell(len(g.out.Columns))})
	return g, nil
}

func groupCell(i int) func(*GroupRow) Cell { return func(r *GroupRow) Cell { return r.cells[i] } }

// Table is the table of the grouped rows: the group columns, the sums, rows.
func (g *Grouper[T]) Table() *Table[GroupRow] { return g.out }

// Add counts one row into its group.
func (g *Grouper[T]) Add(row *T) {
	var key strings.Builder
	keys := make([]Cell, len(g.by))
	for i, c := range g.by {
		keys[i] = g.table.Columns[c].Get(row)
		key.WriteString(keys[i].Text)
		key.WriteByte(0)
		if keys[i].Kind == KindInt {
			key.WriteString(models.Money(keys[i].Int).Format(models.Yuan))
		}
		key.WriteByte(0)
	}
	gr := g.groups[key.String()]
	if gr == nil {
		gr = &GroupRow{cells: keys}
		for _, c := range g.sums {
			gr.cells = append(gr.cells, Cell{Kind: g.table.Columns[c].Get(row).Kind, Null: true})
		}
		gr.cells = append(gr.cells, Cell{Kind: KindInt})
		g.groups[key.String()] = gr
	}
	for i, c := range g.sums {
		v := g.table.Columns[c].Get(row)
		s := &gr.cells[len(g.by)+i]
		if !v.Null {
			s.Int += v.Int
			s.Null = false
		}
	}
	gr.cells[len(gr.cells)-1].Int++
}

// Rows are the groups, ordered by their key columns.
func (g *Grouper[T]) Rows() []GroupRow {
	out := make([]GroupRow, 0, len(g.groups))
	for _, r := range g.groups {
		out = append(out, *r)
	}
	sort.Slice(out, func(a, b int) bool {
		for i := range g.by {
			x, y := out[a].cells[i], out[b].cells[i]
			if x.Int != y.Int {
				return x.Int < y.Int
			}
			if x.Text != y.Text {
				return x.Text < y.Text
			}
		}
		return false
	})
	return out
}
