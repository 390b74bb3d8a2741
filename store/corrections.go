package store

import (
	"context"
	"fmt"

	"sunshine/models"
)

// SetLineItemAmount changes the amount of one figure of a filing (its table,
// row code and column) and the precision it was printed at: the desk's
// correction of a misread figure (filings.Correct). It returns how many lines
// it changed — 0 when the filing has no such figure, more than 1 when the
// figure is stored twice (the caller refuses both, rolling back).
func (tx *Tx) SetLineItemAmount(ctx context.Context, filingID int64, table models.Table, code, col string,
	amount models.NullMoney, decimals models.Decimals) (int64, error) {
	var a, d any
	if amount.Valid {
		a = int64(amount.Money)
	}
	if n, ok := decimals.N(); ok {
		d = int64(n)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE line_items SET amount = ?, decimals = ?
		WHERE filing_id = ? AND tbl = ? AND code = ? AND col = ?`, a, d, filingID, string(table), code, col)
	if err != nil {
		return 0, fmt.Errorf("store: unable to correct %s/%s/%s of filing %d: %w", table, code, col, filingID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: unable to correct %s/%s/%s of filing %d: %w", table, code, col, filingID, err)
	}
	return n, nil
}
