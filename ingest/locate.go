package ingest

import (
	"sunshine/ingest/layout"
	"sunshine/models"
)

// Locator remembers where each figure of an official-layout workbook was
// printed, so that the findings of the checks (which name a table, a code
// and a column) can name the sheet and the cell as Excel shows them. The
// upload path and `sunshine check` add every record they read, then locate
// every finding of the checks:
//
//	loc := ingest.NewLocator()
//	… loc.Add(rec) for each record …
//	for i := range findings { loc.Locate(filing.FilingKey, &findings[i]) }
//
// Records from CSV or the flat and template workbooks carry no cell and are
// not remembered; findings about them are left as they are.
type Locator struct {
	cells map[locKey]place
}

type locKey struct {
	filing       models.FilingKey
	table        models.Table
	code, column string
}

type place struct{ sheet, cell string }

// NewLocator returns an empty Locator.
func NewLocator() *Locator { return &Locator{cells: map[locKey]place{}} }

// Add remembers where a record's figure was printed.
func (l *Locator) Add(rec Record) {
	if rec.Cell == "" || rec.Sheet == "" {
		return
	}
	p := place{rec.Sheet, rec.Cell}
	switch {
	case rec.LineItem != nil:
		l.cells[locKey{rec.Key, rec.LineItem.Table, rec.LineItem.Code, rec.LineItem.Column}] = p
	case rec.ThreePublic != nil:
		l.cells[locKey{rec.Key, models.TableThreePublic, "", ""}] = p
	}
}

// Locate sets a finding's Sheet and Cell from the figure it names (its table,
// code and column; for the 三公 table, the record) in the filing key, and
// starts its message with the cell (表3!D12). It reports whether the figure
// was found. A finding that has a cell already is left alone.
func (l *Locator) Locate(key models.FilingKey, f *models.Finding) bool {
	if f.Cell != "" || f.Table == "" {
		return false
	}
	k := locKey{key, models.Table(f.Table), f.Code, f.Column}
	if f.Table == string(models.TableThreePublic) {
		k.code, k.column = "", ""
	}
	p, ok := l.cells[k]
	if !ok {
		return false
	}
	PlaceFinding(f, p.sheet, p.cell)
	return true
}

// PlaceFinding gives a finding the sheet and cell of its figure and starts
// its message with them (表3!D12：…), as Locate does.
func PlaceFinding(f *models.Finding, sheet, cell string) {
	f.Sheet, f.Cell = sheet, cell
	f.Message = layout.SheetRef(sheet) + "!" + cell + "：" + f.Message
}

// Each calls fn with every figure remembered: its filing, table, code and
// column (the 三公 record: table three_public, code and column ""), and the
// sheet and cell it was printed in.
func (l *Locator) Each(fn func(key models.FilingKey, table models.Table, code, column, sheet, cell string)) {
	for k, p := range l.cells {
		fn(k.filing, k.table, k.code, k.column, p.sheet, p.cell)
	}
}
