// Package store reads and writes the domain model of package models on SQLite
// (the embedded default) and MySQL with the same SQL. Exported methods of
// Store own their transaction; Write hands a *Tx to code that must compose
// several steps atomically (an upload: departments, drafts, rows, findings,
// the audit entry). Dialect differences are in dialect.go only.
package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"

	"sunshine/migrations"
	"sunshine/models"
)

// Store is the database of one deployment.
type Store struct {
	cfg Config
	// read serves queries outside a write transaction. On SQLite it is a pool
	// of read-only connections; on MySQL it is the same pool as write. Its
	// errors say EUNAVAILABLE when the database is gone (unavailable.go).
	read readPool
	// write runs every transaction that changes something (one connection on SQLite).
	write *sqlx.DB
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Open connects to the database named by dsn (see ParseDSN) and checks that it
// answers. It does not migrate; call Migrate. Returns EINVALID for a bad
// address and EUNAVAILABLE when the database cannot be reached.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return OpenConfig(ctx, cfg)
}

// OpenConfig is Open with an already parsed address.
func OpenConfig(ctx context.Context, cfg Config) (*Store, error) {
	read, write, err := openPools(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Store{cfg: cfg, read: readPool{read}, write: write, Now: time.Now}, nil
}

// Config returns the parsed database address.
func (s *Store) Config() Config { return s.cfg }

// Close releases every connection.
func (s *Store) Close() error {
	err := s.write.Close()
	if s.read.DB != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// Ping checks that the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return models.Wrap(err, models.EUNAVAILABLE, "数据库无法访问")
	}
	// A SELECT proves more than a ping: a MySQL server that accepts
	// connections but whose storage is gone fails here.
	var one int
	if err := s.read.GetContext(ctx, &one, "SELECT 1"); err != nil {
		return models.Wrap(err, models.EUNAVAILABLE, "数据库无法访问")
	}
	return nil
}

// now is the store's clock in UTC, cut to the microsecond that MySQL's DATETIME(6) keeps,
// so that a time reads back equal to what was written.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// MigrationStatus is the schema version of the database and of this binary.
type MigrationStatus struct {
	Current int64 // applied to the database
	Latest  int64 // the newest this binary knows
}

func (s *Store) provider() (*goose.Provider, func(), error) {
	db, dialect, dir, release, err := migrationDB(s.cfg, s.write)
	if err != nil {
		return nil, nil, err
	}
	sub, err := fs.Sub(migrations.FS, dir)
	if err != nil {
		release()
		return nil, nil, err
	}
	// The provider is not closed: Close would close the write pool it borrows on SQLite.
	p, err := goose.NewProvider(dialect, db, sub)
	if err != nil {
		release()
		return nil, nil, fmt.Errorf("store: unable to load migrations: %w", err)
	}
	return p, release, nil
}

// SchemaStatus returns the applied and latest schema versions.
func (s *Store) SchemaStatus(ctx context.Context) (MigrationStatus, error) {
	p, release, err := s.provider()
	if err != nil {
		return MigrationStatus{}, err
	}
	defer release()
	cur, latest, err := p.GetVersions(ctx)
	if err != nil {
		return MigrationStatus{}, fmt.Errorf("store: unable to read schema version: %w", err)
	}
	return MigrationStatus{Current: cur, Latest: latest}, nil
}

// Migrate applies every pending migration. A database already at a newer
// version than this binary knows is refused with ESCHEMA, before anything runs.
func (s *Store) Migrate(ctx context.Context) (MigrationStatus, error) {
	st, err := s.SchemaStatus(ctx)
	if err != nil {
		return st, err
	}
	if st.Current > st.Latest {
		return st, models.Errorf(models.ESCHEMA,
			"数据库的结构版本是 %d，比本程序支持的 %d 更新：请使用更新版本的 sunshine", st.Current, st.Latest)
	}
	if st.Current == st.Latest {
		return st, nil
	}
	p, release, err := s.provider()
	if err != nil {
		return st, err
	}
	defer release()
	if _, err := p.Up(ctx); err != nil {
		return st, fmt.Errorf("store: unable to migrate: %w", err)
	}
	return s.SchemaStatus(ctx)
}

// Tx is a write transaction. Its methods compose: everything done through one
// Tx commits or rolls back together.
type Tx struct {
	tx     *sqlx.Tx
	driver Driver
	now    time.Time
	// insertBatch is the prepared full-batch line item insert, made on first use;
	// on SQLite the driver's own (lines) is used instead.
	insertBatch *sqlx.Stmt
	lines       *lineInserter
	// p runs the fixed statements of the per-department steps, prepared once per transaction.
	p *prepared
	// regions are the region codes this transaction knows to exist.
	regions map[string]bool
}

// Now is the transaction's timestamp: every row it writes carries the same time.
func (tx *Tx) Now() time.Time { return tx.now }

// writeAttempts is how many times Write runs a transaction that keeps losing
// a race (deadlock, lock wait timeout, busy database) before it gives up.
const writeAttempts = 8

// goneAttempts is how many times Write runs a transaction whose connection
// broke before COMMIT (a killed connection, a restarted server): enough to
// ride over one killed connection, few enough that a database that is down
// is answered 503 within a second or two rather than held.
const goneAttempts = 3

// Write runs fn in one transaction and commits it when fn returns nil; any
// error or panic rolls everything back. A transaction that loses a race with
// another — a deadlock, a lock wait timeout, a Galera certification conflict,
// a busy SQLite file — is rolled back and run again from the start, after a
// growing, jittered pause, up to writeAttempts times; so fn must do nothing
// outside the transaction that cannot be done twice. When every attempt lost,
// the answer is EUNAVAILABLE (503: try again).
//
// A connection that breaks before COMMIT is also a reason to run fn again
// (up to goneAttempts times): nothing of it was kept. A database that is
// down, a connection broken at COMMIT (the transaction may have landed) and a
// full disk are answered EUNAVAILABLE with a sentence saying which.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	var err error
	var took time.Duration // of the attempt that just failed
	broken := 0
	for attempt := 0; attempt < writeAttempts; attempt++ {
		if attempt > 0 {
			// 10 ms, 20 ms, 40 ms … up to 640 ms, each somewhere in its upper half,
			// plus up to the failed attempt's own duration: a Galera node learns of
			// a conflict only at COMMIT, after all the work, so two long
			// transactions retried after a short pause would meet again.
			d := (10 * time.Millisecond) << (attempt - 1)
			d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1)) + time.Duration(rand.Int64N(int64(took)+1))
			select {
			case <-ctx.Done():
				return models.Wrap(ctx.Err(), models.EUNAVAILABLE, "数据库繁忙，写入未完成，未保存任何内容；请稍后重试")
			case <-time.After(d):
			}
		}
		start := time.Now()
		err = s.writeOnce(ctx, fn)
		took = time.Since(start)
		if err == nil {
			return nil
		}
		if !retryable(err) {
			var ce *commitError
			if errors.As(err, &ce) && outageOf(err) != noOutage {
				return commitLost(err)
			}
			return unavailableWrite(err)
		}
		if outageOf(err) == gone {
			if broken++; broken >= goneAttempts {
				return unavailableWrite(err)
			}
		}
	}
	return domainCause(models.Errorf(models.EUNAVAILABLE, "数据库繁忙（%d 次并发写入冲突），未保存任何内容，请稍后重试", writeAttempts), err)
}

// commitError is an error at COMMIT. A race lost at COMMIT (Galera's
// certification conflict) rolled the transaction back and is retried; a
// broken connection there may have lost only the answer, so it is not.
type commitError struct{ err error }

func (e *commitError) Error() string { return "store: unable to commit: " + e.err.Error() }
func (e *commitError) Unwrap() error { return e.err }

func (s *Store) writeOnce(ctx context.Context, fn func(*Tx) error) (err error) {
	var t *sqlx.Tx
	var lines *lineInserter
	if s.cfg.Driver == SQLite {
		// The transaction runs on a connection of its own so that line items
		// can reach the driver directly (lineinsert.go).
		var conn *sqlx.Conn
		if conn, err = s.write.Connx(ctx); err != nil {
			return models.Wrap(err, models.EUNAVAILABLE, "数据库无法写入，未保存任何内容；请稍后重试")
		}
		lines = &lineInserter{conn: conn}
		defer func() {
			// After the transaction: finalizing the batch statement and handing
			// the connection back cannot undo a commit or a rollback, so their
			// errors must not turn a stored upload into one said to be lost.
			_ = lines.close()
			_ = conn.Close()
		}()
		t, err = conn.BeginTxx(ctx, writeTxOptions(s.cfg.Driver))
	} else {
		t, err = s.write.BeginTxx(ctx, writeTxOptions(s.cfg.Driver))
	}
	if err != nil {
		if retryable(err) || outageOf(err) != noOutage {
			return err
		}
		return models.Wrap(err, models.EUNAVAILABLE, "数据库无法写入，未保存任何内容；请稍后重试")
	}
	defer func() {
		if p := recover(); p != nil {
			_ = t.Rollback()
			panic(p)
		}
		if err != nil {
			_ = t.Rollback()
		}
	}()
	if err = fn(&Tx{tx: t, driver: s.cfg.Driver, now: s.now(), p: &prepared{tx: t, detach: s.cfg.Driver == SQLite}, lines: lines}); err != nil {
		return err
	}
	if err = t.Commit(); err != nil {
		return &commitError{err}
	}
	return nil
}

// queryer is what read helpers need: the read pool, or a write transaction
// when a step must see what the same transaction wrote.
type queryer interface {
	sqlx.QueryerContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

func notFound(what string) error { return models.Errorf(models.ENOTFOUND, "%s不存在", what) }
