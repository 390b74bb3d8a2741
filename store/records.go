package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"sunshine/models"
)

// threePublicColumns are the columns of three_public in the order of models.ThreePublic.
var threePublicColumns = func() []string {
	cols := []string{"filing_id"}
	for _, a := range models.ThreePublicAmounts {
		cols = append(cols, a.Key)
	}
	for _, c := range models.ThreePublicCounts {
		cols = append(cols, c.Key)
	}
	return append(cols, "change_reason", "unit", "source_row", "decimals")
}()

func threePublicArgs(t *models.ThreePublic) []any {
	args := []any{t.FilingID}
	for _, a := range models.ThreePublicAmounts {
		args = append(args, *a.Get(t))
	}
	for _, c := range models.ThreePublicCounts {
		args = append(args, *c.Get(t))
	}
	return append(args, t.ChangeReason, t.Unit, t.SourceRow, t.Decimals)
}

// PutThreePublic replaces the filing's 三公 record.
func (tx *Tx) PutThreePublic(ctx context.Context, t models.ThreePublic) error {
	if _, err := tx.p.ExecContext(ctx, `DELETE FROM three_public WHERE filing_id = ?`, t.FilingID); err != nil {
		return fmt.Errorf("store: unable to replace 三公 record of filing %d: %w", t.FilingID, err)
	}
	query := `INSERT INTO three_public (` + strings.Join(threePublicColumns, ", ") + `) VALUES (` +
		placeholders(len(threePublicColumns)) + `)`
	if _, err := tx.p.ExecContext(ctx, query, threePublicArgs(&t)...); err != nil {
		return fmt.Errorf("store: unable to save 三公 record of filing %d: %w", t.FilingID, err)
	}
	return nil
}

// ThreePublic returns a filing's 三公 record, or nil when it has none.
func (s *Store) ThreePublic(ctx context.Context, filingID int64) (*models.ThreePublic, error) {
	return getThreePublic(ctx, s.read, filingID)
}

// ThreePublic reads a filing's 三公 record inside the transaction.
func (tx *Tx) ThreePublic(ctx context.Context, filingID int64) (*models.ThreePublic, error) {
	return getThreePublic(ctx, tx.p, filingID)
}

func getThreePublic(ctx context.Context, q queryer, filingID int64) (*models.ThreePublic, error) {
	var t models.ThreePublic
	err := q.GetContext(ctx, &t, `SELECT `+strings.Join(threePublicColumns, ", ")+` FROM three_public WHERE filing_id = ?`, filingID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch 三公 record of filing %d: %w", filingID, err)
	}
	return &t, nil
}

// DeleteTable removes one table's line items from a filing, so that an
// upload of that table replaces it.
func (tx *Tx) DeleteTable(ctx context.Context, filingID int64, table models.Table) error {
	if _, err := tx.p.ExecContext(ctx, `DELETE FROM line_items WHERE filing_id = ? AND tbl = ?`, filingID, table); err != nil {
		return fmt.Errorf("store: unable to clear table %s of filing %d: %w", table, filingID, err)
	}
	if _, err := tx.p.ExecContext(ctx, `DELETE FROM table_notes WHERE filing_id = ? AND tbl = ?`, filingID, table); err != nil {
		return fmt.Errorf("store: unable to clear the notes of table %s of filing %d: %w", table, filingID, err)
	}
	if err := deleteFigureCells(ctx, tx, filingID, table); err != nil {
		return err
	}
	return deleteFigureSources(ctx, tx, filingID, table)
}

// InsertTableNotes adds notes printed under a filing's tables.
func (tx *Tx) InsertTableNotes(ctx context.Context, notes []models.TableNote) error {
	for _, n := range notes {
		if _, err := tx.p.ExecContext(ctx, `INSERT INTO table_notes (filing_id, tbl, note, source_row) VALUES (?, ?, ?, ?)`,
			n.FilingID, string(n.Table), n.Note, n.SourceRow); err != nil {
			return fmt.Errorf("store: unable to save the note of table %s of filing %d: %w", n.Table, n.FilingID, err)
		}
	}
	return nil
}

// TableNotes returns the notes of a filing's tables in upload order.
func (s *Store) TableNotes(ctx context.Context, filingID int64) ([]models.TableNote, error) {
	return getTableNotes(ctx, s.read, filingID)
}

// TableNotes reads the notes of a filing's tables inside the transaction.
func (tx *Tx) TableNotes(ctx context.Context, filingID int64) ([]models.TableNote, error) {
	return getTableNotes(ctx, tx.p, filingID)
}

func getTableNotes(ctx context.Context, q queryer, filingID int64) ([]models.TableNote, error) {
	var out []models.TableNote
	if err := q.SelectContext(ctx, &out, `SELECT filing_id, tbl, note, source_row FROM table_notes WHERE filing_id = ? ORDER BY id`,
		filingID); err != nil {
		return nil, fmt.Errorf("store: unable to fetch the table notes of filing %d: %w", filingID, err)
	}
	return out, nil
}

const lineItemColumns = "filing_id, tbl, code, name, col, amount, unit, source_row, decimals"

// InsertLineItems adds line items with multi-row INSERTs of up to
// lineItemBatch rows: one round trip per cell would make a 200,000-row upload
// crawl. Full batches reuse one prepared statement, so SQLite parses the long
// statement once per transaction rather than once per batch.
func (tx *Tx) InsertLineItems(ctx context.Context, items []models.LineItem) error {
	for start := 0; start < len(items); start += lineItemBatch {
		part := items[start:min(start+lineItemBatch, len(items))]
		if tx.lines != nil && len(part) == lineItemBatch {
			if err := tx.lines.insert(ctx, part); err != nil {
				return fmt.Errorf("store: unable to insert line items: %w", err)
			}
			continue
		}
		args := make([]any, 0, len(part)*lineItemParams)
		for _, li := range part {
			// Plain strings and int64s: database/sql passes them to the driver as they
			// are, where the named types would go through reflection, row by row.
			var amount any
			if li.Amount.Valid {
				amount = int64(li.Amount.Money)
			}
			var decimals any
			if n, ok := li.Decimals.N(); ok {
				decimals = int64(n)
			}
			args = append(args, li.FilingID, string(li.Table), li.Code, li.Name, li.Column, amount, string(li.Unit), int64(li.SourceRow), decimals)
		}
		var err error
		if len(part) == lineItemBatch {
			if tx.insertBatch == nil {
				if tx.insertBatch, err = tx.tx.PreparexContext(ctx, insertLineItemsSQL(lineItemBatch)); err != nil {
					return fmt.Errorf("store: unable to prepare line item insert: %w", err)
				}
			}
			_, err = tx.insertBatch.ExecContext(ctx, args...)
		} else {
			_, err = tx.tx.ExecContext(ctx, insertLineItemsSQL(len(part)), args...)
		}
		if err != nil {
			return fmt.Errorf("store: unable to insert line items: %w", err)
		}
	}
	return nil
}

const (
	lineItemParams = 9
	lineItemBatch  = maxParams / lineItemParams
)

// LineItemBatch is how many line items one prepared INSERT carries. Callers
// that buffer rows should hand over multiples of it: a remainder goes in a
// statement of its own size, which SQLite must parse anew each time.
const LineItemBatch = lineItemBatch

func insertLineItemsSQL(rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO line_items (` + lineItemColumns + `) VALUES `)
	row := "(" + placeholders(lineItemParams) + ")"
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// LineItems returns a filing's line items by table, code and column.
func (s *Store) LineItems(ctx context.Context, filingID int64) ([]models.LineItem, error) {
	return getLineItems(ctx, s.read, filingID)
}

// LineItems reads a filing's line items inside the transaction.
func (tx *Tx) LineItems(ctx context.Context, filingID int64) ([]models.LineItem, error) {
	return getLineItems(ctx, tx.p, filingID)
}

func getLineItems(ctx context.Context, q queryer, filingID int64) ([]models.LineItem, error) {
	rows, err := q.QueryxContext(ctx, `SELECT `+lineItemColumns+` FROM line_items WHERE filing_id = ?
		ORDER BY tbl, code, col, id`, filingID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch line items of filing %d: %w", filingID, err)
	}
	defer rows.Close()
	items := []models.LineItem{}
	for rows.Next() {
		li, err := scanLineItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to read line items of filing %d: %w", filingID, err)
		}
		items = append(items, li)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read line items of filing %d: %w", filingID, err)
	}
	return items, nil
}

// scanLineItem reads one row of lineItemColumns. It scans into plain
// variables rather than through sqlx's reflection: the checks read every line
// item of every draft an upload touches, and reflection per row was a third of that time.
// lead are destinations for columns selected before lineItemColumns.
func scanLineItem(rows interface{ Scan(...any) error }, lead ...any) (models.LineItem, error) {
	var li models.LineItem
	var table, unit string
	var amount sql.NullInt64
	var sourceRow int64
	var decimals sql.NullInt64
	dest := append(lead, &li.FilingID, &table, &li.Code, &li.Name, &li.Column, &amount, &unit, &sourceRow, &decimals)
	if err := rows.Scan(dest...); err != nil {
		return li, err
	}
	if decimals.Valid {
		li.Decimals = models.PrintedDecimals(int(decimals.Int64))
	}
	li.Table, li.Unit, li.SourceRow = models.Table(table), models.Unit(unit), int(sourceRow)
	li.Amount = models.NullMoney{Money: models.Money(amount.Int64), Valid: amount.Valid}
	return li, nil
}

const findingColumns = `filing_id, rule, severity, message, tbl, code, col, row_num, value, expected, actual,
	other_filing_id, other_tbl, other_code, other_col, cells, sheet, cell`

// findingSelect reads findingColumns back; sheet and cell are NULL where the
// finding's figure came from no workbook (migration 00011).
const findingSelect = `filing_id, rule, severity, message, tbl, code, col, row_num, value, expected, actual,
	other_filing_id, other_tbl, other_code, other_col, cells, COALESCE(sheet, '') AS sheet, COALESCE(cell, '') AS cell`

// ReplaceFindings stores the findings of the checks over a filing in place of the previous ones.
func (tx *Tx) ReplaceFindings(ctx context.Context, filingID int64, findings []models.Finding) error {
	if _, err := tx.p.ExecContext(ctx, `DELETE FROM findings WHERE filing_id = ?`, filingID); err != nil {
		return fmt.Errorf("store: unable to clear findings of filing %d: %w", filingID, err)
	}
	for start := 0; start < len(findings); start += 200 {
		part := findings[start:min(start+200, len(findings))]
		var b strings.Builder
		b.WriteString(`INSERT INTO findings (` + findingColumns + `) VALUES `)
		args := make([]any, 0, len(part)*18)
		for i, f := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(18) + ")")
			args = append(args, filingID, f.Rule, f.Severity, f.Message, f.Table, f.Code, clip(f.Column), f.Row, f.Value,
				clip(f.Expected), clip(f.Actual), f.OtherFilingID, f.OtherTable, f.OtherCode, clip(f.OtherColumn), f.Cells,
				nullText(f.Sheet), nullText(f.Cell))
		}
		if _, err := tx.tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: unable to save findings of filing %d: %w", filingID, err)
		}
	}
	return nil
}

// findingTextMax is the width of a finding's expected, actual and column
// texts (VARCHAR(200) on MySQL, characters not bytes).
const findingTextMax = 200

// clip shortens a finding's text to findingTextMax characters, ending in
// "…" when cut: a list of 300 unknown codes in one finding's actual value
// made MySQL refuse the whole upload (1406, data too long) with a 500, where
// SQLite kept it. The message itself says how many codes and names the first eight.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= findingTextMax {
		return s
	}
	r := []rune(s)
	return string(r[:findingTextMax-1]) + "…"
}

// Findings returns a filing's stored findings, errors first.
func (s *Store) Findings(ctx context.Context, filingID int64) ([]models.Finding, error) {
	return getFindings(ctx, s.read, filingID)
}

// Findings reads a filing's findings inside the transaction.
func (tx *Tx) Findings(ctx context.Context, filingID int64) ([]models.Finding, error) {
	return getFindings(ctx, tx.tx, filingID)
}

func getFindings(ctx context.Context, q queryer, filingID int64) ([]models.Finding, error) {
	out := []models.Finding{}
	err := q.SelectContext(ctx, &out, `SELECT `+findingSelect+` FROM findings WHERE filing_id = ?
		ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, id`, filingID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch findings of filing %d: %w", filingID, err)
	}
	return out, nil
}

// nullText stores "" as NULL.
func nullText(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// insertRows adds rows to a table with multi-row INSERTs of as many rows as
// the parameter limit allows; values gives the per columns of the i-th row.
func insertRows[T any](ctx context.Context, tx *Tx, into, columns string, per int, rows []T, values func(i int, r T) []any) error {
	for start := 0; start < len(rows); start += maxParams / per {
		part := rows[start:min(start+maxParams/per, len(rows))]
		var b strings.Builder
		b.WriteString("INSERT INTO " + into + " (" + columns + ") VALUES ")
		args := make([]any, 0, len(part)*per)
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(per) + ")")
			args = append(args, values(start+i, r)...)
		}
		if _, err := tx.tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// CopyContent copies a filing's 三公 record and line items into another
// filing, so that a new draft starts from the published version it corrects
// and a bureau re-uploads only the tables it changes.
func (tx *Tx) CopyContent(ctx context.Context, from, to int64) error {
	cols := strings.Join(threePublicColumns[1:], ", ")
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO three_public (filing_id, `+cols+`)
		SELECT ?, `+cols+` FROM three_public WHERE filing_id = ?`, to, from); err != nil {
		return fmt.Errorf("store: unable to copy 三公 record %d → %d: %w", from, to, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO line_items (`+lineItemColumns+`)
		SELECT ?, tbl, code, name, col, amount, unit, source_row, decimals FROM line_items WHERE filing_id = ? ORDER BY id`, to, from); err != nil {
		return fmt.Errorf("store: unable to copy line items %d → %d: %w", from, to, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO table_notes (filing_id, tbl, note, source_row)
		SELECT ?, tbl, note, source_row FROM table_notes WHERE filing_id = ? ORDER BY id`, to, from); err != nil {
		return fmt.Errorf("store: unable to copy table notes %d → %d: %w", from, to, err)
	}
	if err := copyFigureSources(ctx, tx, from, to); err != nil {
		return err
	}
	if err := copyFigureCells(ctx, tx, from, to); err != nil {
		return err
	}
	return copyExplanations(ctx, tx, from, to)
}

// LineItemsWithCodes returns a filing's line items whose row code is one of
// codes: a published filing seen by the cross-filing checks needs only its totals.
func (tx *Tx) LineItemsWithCodes(ctx context.Context, filingID int64, codes []string) ([]models.LineItem, error) {
	return lineItemsWithCodes(ctx, tx.tx, filingID, codes)
}

// LineItemsWithCodes reads a filing's lines with the given row codes outside any transaction.
func (s *Store) LineItemsWithCodes(ctx context.Context, filingID int64, codes []string) ([]models.LineItem, error) {
	return lineItemsWithCodes(ctx, s.read, filingID, codes)
}

func lineItemsWithCodes(ctx context.Context, q queryer, filingID int64, codes []string) ([]models.LineItem, error) {
	args := []any{filingID}
	marks := make([]string, len(codes))
	for i, c := range codes {
		marks[i], args = "?", append(args, c)
	}
	rows, err := q.QueryxContext(ctx, `SELECT `+lineItemColumns+` FROM line_items WHERE filing_id = ? AND code IN (`+
		strings.Join(marks, ", ")+`) ORDER BY tbl, code, col, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch totals of filing %d: %w", filingID, err)
	}
	defer rows.Close()
	items := []models.LineItem{}
	for rows.Next() {
		li, err := scanLineItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to read totals of filing %d: %w", filingID, err)
		}
		items = append(items, li)
	}
	return items, rows.Err()
}
