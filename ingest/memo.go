package ingest

import "sunshine/models"

// rowMemo remembers how the last row's repeated cells parsed. A long-form file
// repeats the filing's key (region, department, year, phase, unit) and the
// table on every row, and a line's name on each of its columns: a cell that
// reads exactly as the one before, which parsed without a problem, is not
// parsed again. Only problem-free results are kept, so every problem is still
// reported on every row that has it.
type rowMemo struct {
	key     [len(memoKeyFields)]memoCell
	keyOK   bool
	parsed  rowKey
	tables  map[string]models.TableSpec
	columns map[columnMemoKey]string
	name    string // the last item name that passed checkText
}

// memoCell is a cell as value returns it.
type memoCell struct {
	v       string
	present bool
}

type columnMemoKey struct {
	table   models.Table
	v       string
	phase   models.Phase
	phaseOK bool
}

// memoKeyFields are the cells parseKey reads.
var memoKeyFields = [...]string{"region_code", "region_name", "dept_code", "dept_name", "fiscal_year", "phase", "unit"}

// memoLimit caps each map: a file of many distinct values stops remembering them.
const memoLimit = 256

// keyCells returns the row's key cells and whether they read as the last
// problem-free key's did.
func (c *rowCtx) keyCells() (cells [len(memoKeyFields)]memoCell, same bool) {
	for i, f := range memoKeyFields {
		v, ok := c.value(f)
		cells[i] = memoCell{v, ok}
	}
	m := &c.r.memo
	return cells, m.keyOK && cells == m.key
}

// rememberKey keeps a key that parsed without a problem.
func (c *rowCtx) rememberKey(cells [len(memoKeyFields)]memoCell, k rowKey, ok bool) {
	c.r.memo.key, c.r.memo.parsed, c.r.memo.keyOK = cells, k, ok
}

// table parses a table cell, remembering problem-free results.
func (c *rowCtx) tableSpec(v string) (models.TableSpec, *problem) {
	m := &c.r.memo
	if s, ok := m.tables[v]; ok {
		return s, nil
	}
	s, p := parseTable(v)
	if p == nil {
		if m.tables == nil {
			m.tables = map[string]models.TableSpec{}
		}
		if len(m.tables) < memoLimit {
			m.tables[v] = s
		}
	}
	return s, p
}

// column parses a column cell of a table, remembering problem-free results.
func (c *rowCtx) column(spec models.TableSpec, v string, phase models.Phase, phaseOK bool) (string, *problem) {
	m := &c.r.memo
	k := columnMemoKey{spec.Key, v, phase, phaseOK}
	if col, ok := m.columns[k]; ok {
		return col, nil
	}
	col, p := parseColumn(spec, v, phase, phaseOK)
	if p == nil {
		if m.columns == nil {
			m.columns = map[columnMemoKey]string{}
		}
		if len(m.columns) < memoLimit {
			m.columns[k] = col
		}
	}
	return col, p
}

// itemName checks a line's name unless it is the last one that passed.
func (c *rowCtx) itemName(v string) *problem {
	m := &c.r.memo
	if v == m.name && v != "" {
		return nil
	}
	p := checkText(v, maxItemName)
	if p == nil {
		m.name = v
	}
	return p
}
