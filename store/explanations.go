package store

import (
	"context"
	"fmt"

	"sunshine/models"
)

// The explanations of a filing (migration 00012): the prose sections of the
// disclosure PDF it was read from (情况说明, 名词解释 …), in order.

const explanationColumns = "filing_id, seq, heading, text, page, sha256"

// ReplaceExplanations makes sections a draft's explanations, numbered from 1
// in the order given (their Seq and FilingID are set here): an upload that
// carries explanations replaces the ones it had. Nil or empty clears them.
func (tx *Tx) ReplaceExplanations(ctx context.Context, filingID int64, sections []models.ExplanationSection) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM explanations WHERE filing_id = ?`, filingID); err != nil {
		return fmt.Errorf("store: unable to clear the explanations of filing %d: %w", filingID, err)
	}
	err := insertRows(ctx, tx, "explanations", explanationColumns, 6, sections, func(i int, s models.ExplanationSection) []any {
		return []any{filingID, i + 1, s.Heading, s.Text, s.Page, s.SHA256}
	})
	if err != nil {
		return fmt.Errorf("store: unable to save the explanations of filing %d: %w", filingID, err)
	}
	return nil
}

// copyExplanations copies a filing's explanations into the draft copied from it.
func copyExplanations(ctx context.Context, tx *Tx, from, to int64) error {
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO explanations (`+explanationColumns+`)
		SELECT ?, seq, heading, text, page, sha256 FROM explanations WHERE filing_id = ? ORDER BY seq`, to, from); err != nil {
		return fmt.Errorf("store: unable to copy the explanations %d → %d: %w", from, to, err)
	}
	return nil
}

// Explanations returns a draft's explanations within the transaction, in order.
func (tx *Tx) Explanations(ctx context.Context, filingID int64) ([]models.ExplanationSection, error) {
	return explanations(ctx, tx.tx, filingID)
}

// Explanations returns a filing's explanations in order; empty for a filing
// read from no PDF. Whether the caller may see the filing is its business
// (a draft's are as private as its figures).
func (s *Store) Explanations(ctx context.Context, filingID int64) ([]models.ExplanationSection, error) {
	return explanations(ctx, s.read, filingID)
}

func explanations(ctx context.Context, q queryer, filingID int64) ([]models.ExplanationSection, error) {
	out := []models.ExplanationSection{}
	if err := q.SelectContext(ctx, &out, `SELECT `+explanationColumns+` FROM explanations WHERE filing_id = ? ORDER BY seq`, filingID); err != nil {
		return nil, fmt.Errorf("store: unable to fetch the explanations of filing %d: %w", filingID, err)
	}
	return out, nil
}
