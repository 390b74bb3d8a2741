package store

import (
	"context"
	"fmt"

	"sunshine/models"
)

// FigureCell is where a workbook printed one figure of a filing (migration
// 00015): the figure as a finding names it (table, code, column; the 三公
// record: table three_public, code and column ""), and the sheet and cell.
type FigureCell struct {
	Table  models.Table `db:"tbl"`
	Code   string       `db:"code"`
	Column string       `db:"col"`
	Sheet  string       `db:"sheet"`
	Cell   string       `db:"cell"`
}

// PutFigureCells keeps where an upload's workbook printed a filing's
// figures, each figure once. The tables the upload wrote were cleared
// before (DeleteTable), so none of them has a cell kept already.
func (tx *Tx) PutFigureCells(ctx context.Context, filingID int64, cells []FigureCell) error {
	err := insertRows(ctx, tx, "figure_cells", "filing_id, tbl, code, col, sheet, cell", 6, cells, func(_ int, c FigureCell) []any {
		return []any{filingID, string(c.Table), c.Code, c.Column, c.Sheet, c.Cell}
	})
	if err != nil {
		return fmt.Errorf("store: unable to keep the cells of filing %d: %w", filingID, err)
	}
	return nil
}

// FigureCells reads where a filing's figures were printed, inside the transaction.
func (tx *Tx) FigureCells(ctx context.Context, filingID int64) ([]FigureCell, error) {
	var out []FigureCell
	if err := tx.p.SelectContext(ctx, &out, `SELECT tbl, code, col, sheet, cell FROM figure_cells WHERE filing_id = ?`, filingID); err != nil {
		return nil, fmt.Errorf("store: unable to read the cells of filing %d: %w", filingID, err)
	}
	return out, nil
}

func deleteFigureCells(ctx context.Context, tx *Tx, filingID int64, table models.Table) error {
	if _, err := tx.p.ExecContext(ctx, `DELETE FROM figure_cells WHERE filing_id = ? AND tbl = ?`, filingID, string(table)); err != nil {
		return fmt.Errorf("store: unable to clear the cells of table %s of filing %d: %w", table, filingID, err)
	}
	return nil
}

func copyFigureCells(ctx context.Context, tx *Tx, from, to int64) error {
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO figure_cells (filing_id, tbl, code, col, sheet, cell)
		SELECT ?, tbl, code, col, sheet, cell FROM figure_cells WHERE filing_id = ?`, to, from); err != nil {
		return fmt.Errorf("store: unable to copy the figures' cells %d → %d: %w", from, to, err)
	}
	return nil
}
