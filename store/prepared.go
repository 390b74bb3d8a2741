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
// (docs/benchmarks.md). Only for statements whose text never varies: one with
// a variable IN list or row count would fill the map.
type prepared struct {
	tx    *sqlx.Tx
	mu    sync.Mutex // the checks read through the transaction from several goroutines, one at a time
	stmts map[string]*sqlx.Stmt
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
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (p *prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (p *prepared) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryxContext(ctx, args...)
}

func (p *prepared) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return p.tx.QueryRowxContext(ctx, query, args...) // reports the same error when scanned
	}
	return st.QueryRowxContext(ctx, args...)
}

func (p *prepared) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

func (p *prepared) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}
