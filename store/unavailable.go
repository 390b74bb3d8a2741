package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"sunshine/models"
)

// What a database that went away looks like, and what the store answers:
// EUNAVAILABLE (503, try again later) with a Chinese sentence, the driver's
// own error kept behind it for the log. Without this a MariaDB restart, a
// killed connection or a full disk reached clients as 500.

// outage is how a database failed, when it failed for a reason outside the
// request: the server or the way to it (gone), or the disk under it (disk).
type outage int

const (
	noOutage outage = iota
	gone            // refused, reset, closed or killed connection; a server shutting down; a Galera node outside the primary component
	disk            // a full or failing disk (SQLITE_FULL, SQLITE_IOERR, MySQL's disk-full errors)
)

// outageOf classifies err. Errors the store or a caller already gave a
// domain code to are not an outage, whatever lies behind them.
func outageOf(err error) outage {
	if err == nil {
		return noOutage
	}
	var de *models.Error
	if errors.As(err, &de) || errors.Is(err, context.Canceled) {
		return noOutage // a domain answer already, or a client that went away
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1040, // too many connections
			1047,                   // WSREP has not yet prepared node for application use (a Galera node out of the primary component)
			1053,                   // server shutdown in progress
			1077,                   // normal shutdown
			1079,                   // shutdown complete
			1152,                   // aborted connection
			1158, 1159, 1160, 1161, // network read/write errors and timeouts
			1927, // MariaDB: connection was killed (KILL CONNECTION)
			4031: // MySQL 8: disconnected by the server for inactivity
			return gone
		case 1021, // disk full
			1114: // the table is full
			return disk
		}
		return noOutage
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
			return disk
		}
		return noOutage
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) || errors.Is(err, syscall.EDQUOT) {
		return disk
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, mysql.ErrMalformPkt) ||
		errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return gone
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return gone
	}
	return noOutage
}

// unavailable returns err as EUNAVAILABLE when the database went away or its
// disk failed, and err unchanged otherwise (nil stays nil).
func unavailable(err error) error {
	switch outageOf(err) {
	case gone:
		return domainCause(models.Errorf(models.EUNAVAILABLE, "数据库暂时无法访问，请稍后重试"), err)
	case disk:
		return diskError(err)
	}
	return err
}

// unavailableWrite is unavailable for a write transaction that did not
// commit: the sentence says that nothing was saved.
func unavailableWrite(err error) error {
	switch outageOf(err) {
	case gone:
		return domainCause(models.Errorf(models.EUNAVAILABLE, "数据库暂时无法访问，本次操作未保存任何内容，请稍后重试"), err)
	case disk:
		return diskError(err)
	}
	return err
}

func diskError(err error) error {
	return domainCause(models.Errorf(models.EUNAVAILABLE,
		"数据库所在的磁盘已满或无法写入，本次操作未保存任何内容；请联系管理员腾出空间后重试"), err)
}

// commitLost is an outage at COMMIT: the server may or may not have made the
// transaction durable before the connection broke, so the sentence cannot
// say "nothing saved". An upload sent again is answered from what was stored
// (uploads are recognised by their SHA-256), so sending again is safe.
func commitLost(err error) error {
	if outageOf(err) == disk {
		return diskError(err)
	}
	return domainCause(models.Errorf(models.EUNAVAILABLE,
		"提交时与数据库的连接中断，无法确认是否已保存：请稍后查看，或重新提交（同一文件重新上传不会重复保存）"), err)
}

// domainCause is a domain error whose message the user sees, with the driver's error behind it for the log.
func domainCause(de *models.Error, cause error) error {
	return fmt.Errorf("%w（%w）", de, cause)
}

// readPool is the read pool whose query errors say EUNAVAILABLE when the
// database is gone; everything else is the sqlx pool's own.
type readPool struct{ *sqlx.DB }

func (p readPool) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	return unavailable(p.DB.GetContext(ctx, dest, query, args...))
}

func (p readPool) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	return unavailable(p.DB.SelectContext(ctx, dest, query, args...))
}

func (p readPool) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	rows, err := p.DB.QueryxContext(ctx, query, args...)
	return rows, unavailable(err)
}

func (p readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := p.DB.QueryContext(ctx, query, args...)
	return rows, unavailable(err)
}

func (p readPool) BeginTxx(ctx context.Context, opts *sql.TxOptions) (*sqlx.Tx, error) {
	tx, err := p.DB.BeginTxx(ctx, opts)
	return tx, unavailable(err)
}
