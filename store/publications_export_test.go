package store

import "context"

// MigrateToForTest moves the schema up or down to version, for the tests of a migration's data move.
func MigrateToForTest(ctx context.Context, s *Store, version int64) error {
	p, release, err := s.provider()
	if err != nil {
		return err
	}
	defer release()
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if version < cur {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	return err
}

// CountForTest runs a SELECT COUNT(*) … (or any one-integer query) on the read pool.
func CountForTest(ctx context.Context, s *Store, query string, args ...any) (int, error) {
	var n int
	err := s.read.GetContext(ctx, &n, query, args...)
	return n, err
}
