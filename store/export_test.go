package store

import "context"

// ExecForTest runs raw SQL inside a transaction, for tests that must reach past the store's API.
func ExecForTest(ctx context.Context, tx *Tx, query string, args ...any) error {
	_, err := tx.tx.ExecContext(ctx, query, args...)
	return err
}
