package models

// LineItem is one amount of a standard table in long form: the cell at a row
// (a classification code or a row key such as income_total) and a column.
type LineItem struct {
	FilingID int64  `db:"filing_id" json:"filing_id"`
	Table    Table  `db:"tbl" json:"table"`
	Code     string `db:"code" json:"code"`
	Name     string `db:"name" json:"name"`
	Column   string `db:"col" json:"column"`
	// Amount is not disclosed when the source cell was given empty; an absent
	// line (no row at all) is the printed table's empty cell and counts as 0.
	Amount NullMoney `db:"amount" json:"amount"`
	// Unit is the unit the amount was printed in at the source.
	Unit      Unit `db:"unit" json:"unit"`
	SourceRow int  `db:"source_row" json:"source_row,omitempty"`
	// Decimals is the precision the amount was printed at, in its unit.
	Decimals Decimals `db:"decimals" json:"-"`
}

// TableNote is a note a published table carries: the empty-table note
// (本部门无…，此表为空表) or a table's 说明 text.
type TableNote struct {
	FilingID  int64  `db:"filing_id" json:"-"`
	Table     Table  `db:"tbl" json:"table"`
	Note      string `db:"note" json:"note"`
	SourceRow int    `db:"source_row" json:"source_row,omitempty"`
}

// Validate checks the line against the standard tables: a known table, a
// column that table has in this phase, a row key that table has (for row-keyed
// tables) or a code of digits (for classified tables), and a known unit.
func (li *LineItem) Validate(p Phase) error {
	spec, ok := LookupTable(string(li.Table))
	if !ok || li.Table == TableThreePublic {
		return Errorf(EINVALID, "表“%s”不是标准表", li.Table)
	}
	if _, ok := spec.Column(li.Column, p); !ok {
		return Errorf(EINVALID, "表“%s”没有栏目“%s”", spec.Name(p), li.Column)
	}
	if !li.Unit.Valid() {
		return Errorf(EINVALID, "单位“%s”无效", li.Unit)
	}
	if li.Code == "" || len(li.Code) > 40 {
		return Errorf(EINVALID, "科目编码不能为空且不超过 40 个字符")
	}
	if li.Code != RowTotal && !spec.AllowsRow(li.Code) {
		return Errorf(EINVALID, "表“%s”没有行“%s”", spec.Name(p), li.Code)
	}
	return validateText("科目名称", li.Name, 200, false)
}

// AllowsRow reports whether code can be a row of the table: a named row of a
// row-keyed table, or a classification code (3, 5 or 7 digits) where the table
// has codes as rows (the summary and fiscal_summary have both).
func (t TableSpec) AllowsRow(code string) bool {
	if _, ok := t.Row(code); ok {
		return true
	}
	isCode := allDigits(code) && (len(code) == 3 || len(code) == 5 || len(code) == 7)
	switch t.Key {
	case TableSummary:
		return isCode && len(code) == 3
	case TableFiscalSummary:
		if isCode && len(code) == 3 {
			return true
		}
		_, ok := LookupTableRow(TableSummary, code)
		return ok
	}
	return t.Classification != "" && isCode
}

// LookupTableRow finds a named row of a row-keyed table.
func LookupTableRow(table Table, code string) (RowSpec, bool) {
	spec, ok := LookupTable(string(table))
	if !ok {
		return RowSpec{}, false
	}
	return spec.Row(code)
}
