package store

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/jmoiron/sqlx"

	"sunshine/models"
)

// lineInserter inserts whole batches of line items through the SQLite
// driver's own prepared statement, on the connection the transaction runs on.
//
// Why not database/sql: a 200,000-row upload binds 1.9 million values, and
// database/sql converts and checks each of them again (driver.Valuer,
// NamedValueChecker, DefaultParameterConverter) before the driver sees it —
// about a tenth of the writer's time, on the one goroutine every upload
// waits for. The values here are already what the driver takes (int64,
// string, nil), so they go to it as they are. The statement is the same
// INSERT, on the same connection, inside the same transaction; only the
// wrapper is skipped. MySQL keeps database/sql: its time is on the server.
type lineInserter struct {
	conn *sqlx.Conn
	stmt driver.Stmt // prepared on first use, closed by close
	args []driver.NamedValue
	// the boxed value of the last string each repeated column held: a
	// batch is mostly one filing and table, and boxing a string allocates.
	last [lineItemParams]boxed
}

type boxed struct {
	s string
	v driver.Value
}

// box returns s as a driver.Value, reusing the last one column i boxed when
// it held the same string.
func (in *lineInserter) box(i int, s string) driver.Value {
	if b := &in.last[i]; b.v != nil && b.s == s {
		return b.v
	}
	in.last[i] = boxed{s, s}
	return in.last[i].v
}

// insert stores one full batch (exactly lineItemBatch items).
func (in *lineInserter) insert(ctx context.Context, part []models.LineItem) error {
	if len(in.args) == 0 {
		in.args = make([]driver.NamedValue, lineItemBatch*lineItemParams)
		for i := range in.args {
			in.args[i].Ordinal = i + 1
		}
	}
	for r, li := range part {
		a := in.args[r*lineItemParams : (r+1)*lineItemParams]
		a[0].Value = li.FilingID
		a[1].Value = in.box(1, string(li.Table))
		a[2].Value = in.box(2, li.Code)
		a[3].Value = in.box(3, li.Name)
		a[4].Value = in.box(4, li.Column)
		a[5].Value = nil
		if li.Amount.Valid {
			a[5].Value = int64(li.Amount.Money)
		}
		a[6].Value = in.box(6, string(li.Unit))
		a[7].Value = int64(li.SourceRow)
		a[8].Value = nil
		if n, ok := li.Decimals.N(); ok {
			a[8].Value = int64(n)
		}
	}
	// Not watching ctx while the batch runs, as prepared's statements (see
	// detach there): checked before it, and the transaction ends with it.
	if err := ctx.Err(); err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	return in.conn.Raw(func(dc any) error {
		if in.stmt == nil {
			c, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return fmt.Errorf("store: the SQLite driver's connection %T cannot prepare", dc)
			}
			st, err := c.PrepareContext(ctx, insertLineItemsSQL(lineItemBatch))
			if err != nil {
				return err
			}
			in.stmt = st
		}
		ex, ok := in.stmt.(driver.StmtExecContext)
		if !ok {
			return fmt.Errorf("store: the SQLite driver's statement %T cannot execute with a context", in.stmt)
		}
		_, err := ex.ExecContext(ctx, in.args)
		return err
	})
}

// close finalizes the statement; the transaction is over by then.
func (in *lineInserter) close() error {
	if in.stmt == nil {
		return nil
	}
	err := in.conn.Raw(func(any) error { return in.stmt.Close() })
	in.stmt = nil
	return err
}
