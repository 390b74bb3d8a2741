package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
)

// prepared runs a transaction's fixed statements, each prepared on first use
// and kept until the transaction ends. An upload runs the same dozen
// statements for every department it touches (find or create the region, the
// department and the draft; store the findings); without this SQLite parses
// each one again every time, which was a tenth of a 200,000-row upload
// (docs/benchmarks.md). Only for statements whose text never varies, or an IN
// list cut by eachChunk (one text of idChunk ids and one for the remainder per
// call): one with any row count would fill the map.
//
// On SQLite (detach) a statement does not watch the caller's context while
// it runs: the driver starts a goroutine and a progress handler for every
// statement whose context can end, thousands per upload, on the goroutine the
// upload waits for. The context is checked before each statement instead, and
// the transaction itself (begun with it) is rolled back when it ends, so a
// cancelled upload stops at its next statement; these statements take
// milliseconds.
type prepared struct {
	tx     *sqlx.Tx
	detach bool
	mu     sync.Mutex // the checks read through the transaction from several goroutines, one at a time
	stmts  map[string]*sqlx.Stmt
}

// run is the context a statement runs with (see detach); an ended context is its error.
func (p *prepared) run(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if p.detach {
		return context.WithoutCancel(ctx), nil
	}
	return ctx, nil
}

func (p *prepared) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[query]; ok {
		return st, nil
	}
	st, err := p.tx.PreparexContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: unable to prepare statement: %w", err)
	}
	if p.stmts == nil {
		p.stmts = map[string]*sqlx.Stmt{}
	}
	p.stmts[query] = st // closed by database/sql when the transaction ends
	return st, nil
}

func (p *prepared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, err := p.run(ctx)
	if err != nil {
		return nil, err
	}
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (p *prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, err := p.run(ctx)
	if err != nil {
		return nil, err
	}
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (p *prepared) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	ctx, err := p.run(ctx)
	if err != nil {
		return nil, err
	}
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryxContext(ctx, args...)
}

func (p *prepared) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if rctx, err := p.run(ctx); err == nil {
		ctx = rctx
	} // else the statement below fails with ctx's error
	st, err := p.stmt(ctx, query)
	if err != nil {
		return p.tx.QueryRowxContext(ctx, query, args...) // reports the same error when scanned
	}
	return st.QueryRowxContext(ctx, args...)
}

func (p *prepared) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	ctx, err := p.run(ctx)
	if err != nil {
		return err
	}
	st, err := p.stmt(ctx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

func (p *prepared) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	ctx, err := p.run(ctx)
	if err != nil {
		return err
	}
	st, err := p.stmt(ctx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}
