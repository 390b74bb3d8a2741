package store

// Every difference between SQLite and MySQL lives in this file. The queries
// elsewhere are the same text on both: '?' placeholders, no RETURNING, no
// upsert syntax, no dialect functions.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"sunshine/models"
)

// Driver names the two supported databases.
type Driver string

const (
	SQLite Driver = "sqlite"
	MySQL  Driver = "mysql"
)

// Config is a parsed database address (SUNSHINE_DB / --db).
type Config struct {
	Driver Driver
	// Path is the SQLite database file.
	Path string
	// MySQL is the go-sql-driver configuration, with the parameters the service needs already set.
	MySQL *mysql.Config
}

// ParseDSN reads "sqlite:./data/sunshine.db" or
// "mysql://user:pass@tcp(host:3306)/dbname?parseTime=true". Returns EINVALID
// with one sentence a person can act on for anything else.
func ParseDSN(dsn string) (Config, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		if path == "" {
			return Config{}, models.Errorf(models.EINVALID, "数据库地址“%s”缺少 SQLite 文件路径，例如 sqlite:./data/sunshine.db", dsn)
		}
		return Config{Driver: SQLite, Path: path}, nil
	case strings.HasPrefix(dsn, "mysql://"):
		cfg, err := mysql.ParseDSN(strings.TrimPrefix(dsn, "mysql://"))
		if err != nil {
			return Config{}, models.Wrap(err, models.EINVALID, "数据库地址“%s”不是有效的 MySQL 地址（应为 mysql://用户:密码@tcp(主机:3306)/库名）", redact(dsn))
		}
		if cfg.DBName == "" {
			return Config{}, models.Errorf(models.EINVALID, "数据库地址“%s”缺少库名，例如 mysql://root@tcp(127.0.0.1:3306)/sunshine", redact(dsn))
		}
		// The service needs these whatever the user wrote: times come back as
		// time.Time in UTC, text is utf8mb4 (department names are Chinese and
		// some need 4-byte characters), and strict mode refuses truncation instead of
		// silently storing a shortened value.
		cfg.ParseTime = true
		cfg.Loc = time.UTC
		cfg.Collation = "utf8mb4_unicode_ci"
		if cfg.Params == nil {
			cfg.Params = map[string]string{}
		}
		cfg.Params["time_zone"] = "'+00:00'"
		cfg.Params["sql_mode"] = "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'"
		if cfg.Timeout == 0 {
			cfg.Timeout = 5 * time.Second
		}
		// A query with arguments is otherwise prepared, executed and closed on
		// the server: three round trips where one does. An upload runs a dozen
		// small queries per department (make bench: MariaDB ingest 0.18 → see
		// docs/benchmarks.md). The driver escapes for utf8mb4 itself; statements
		// the store prepares explicitly (the batch INSERT) stay server-side.
		cfg.InterpolateParams = true
		return Config{Driver: MySQL, MySQL: cfg}, nil
	}
	return Config{}, models.Errorf(models.EINVALID, "数据库地址“%s”无法识别：应以 sqlite: 或 mysql:// 开头", redact(dsn))
}

// String prints the address without its password.
func (c Config) String() string {
	if c.Driver == SQLite {
		return "sqlite:" + c.Path
	}
	cfg := c.MySQL.Clone()
	if cfg.Passwd != "" {
		cfg.Passwd = "***"
	}
	return "mysql://" + cfg.User + ":" + cfg.Passwd + "@" + cfg.Net + "(" + cfg.Addr + ")/" + cfg.DBName
}

func redact(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	colon := strings.Index(dsn, "://")
	if at < 0 || colon < 0 {
		return dsn
	}
	userinfo := dsn[colon+3 : at]
	if user, _, ok := strings.Cut(userinfo, ":"); ok {
		return dsn[:colon+3] + user + ":***" + dsn[at:]
	}
	return dsn
}

// sqliteDSN builds the modernc.org/sqlite address for the database file.
//   - WAL lets readers run while the one writer writes.
//   - busy_timeout makes a second process (sunshine demo beside a running serve)
//     wait for the write lock instead of failing at once.
//   - foreign_keys is off by default in SQLite, per connection.
//   - synchronous=FULL: an acknowledged upload survives a power cut, not only a killed process.
//   - _txlock=immediate takes the write lock at BEGIN, so two writers queue up
//     instead of deadlocking when both upgrade a read lock.
//   - _time_format=sqlite stores times as sortable text that reads back as time.Time.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_time_format", "sqlite")
	if readOnly {
		// Readers share the operating system's file cache; a page cache of their
		// own would be 64 MiB per connection of the pool, in every serve process.
		q.Add("_pragma", "cache_size(-8192)")
		// The read pool can never write, so every write goes through the one writer.
		q.Add("_pragma", "query_only(1)")
	} else {
		// 8 MiB of page cache for the one writer, as for each reader. A large
		// upload spills its pages to the WAL as it goes (one system call per
		// 32 KiB page); a 64 MiB cache held them to the COMMIT instead, and a
		// 200,000-row upload took about 60 ms longer with it (more fresh memory
		// to fault in and clear, the whole WAL written at once; docs/benchmarks.md).
		q.Add("_pragma", "cache_size(-8192)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// newPageSize is the page size of a database this deployment creates (an
// existing one keeps its own; SQLite cannot change it under WAL). 32 KiB
// rather than SQLite's 4 KiB: the database grows by uploads of thousands of
// rows in one transaction, and every page the transaction writes costs a WAL
// frame at COMMIT and a copy at the checkpoint, one system call each — for a
// 200,000-row upload the COMMIT took 150 ms with 4 KiB pages and 45 ms with
// 32 KiB ones (docs/benchmarks.md). Reads are by filing, whose rows lie
// together, so a larger page is read once for more of them.
const newPageSize = 32768

// createSQLite gives a database file that has no page yet its page size and
// WAL mode, in that order (the driver runs a DSN's pragmas sorted by name,
// journal_mode first, and WAL fixes the page size). An existing database is
// left as it is.
func createSQLite(ctx context.Context, path string) error {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return nil
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+url.Values{"_pragma": {"busy_timeout(10000)"}}.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", newPageSize))
	return err
}

// openPools opens the read and write pools.
//   - SQLite allows one writer at a time: the write pool has exactly one
//     connection, so writers queue in Go rather than spin on SQLITE_BUSY; reads
//     use their own pool and run beside it (WAL).
//   - MySQL takes any number of writers: one pool serves both, and connections
//     are recycled before the server's wait_timeout or a load balancer drops them.
func openPools(ctx context.Context, c Config) (read, write *sqlx.DB, err error) {
	switch c.Driver {
	case SQLite:
		if dir := filepath.Dir(c.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, nil, models.Wrap(err, models.EUNAVAILABLE, "无法创建数据库目录 %s", dir)
			}
		}
		if err := createSQLite(ctx, c.Path); err != nil {
			return nil, nil, unreachable(c, err)
		}
		write, err = sqlx.Open("sqlite", sqliteDSN(c.Path, false))
		if err != nil {
			return nil, nil, err
		}
		write.SetMaxOpenConns(1)
		write.SetMaxIdleConns(1)
		write.SetConnMaxLifetime(0)
		// The writer creates the file and switches it to WAL before any reader opens it.
		if err := write.PingContext(ctx); err != nil {
			write.Close()
			return nil, nil, unreachable(c, err)
		}
		read, err = sqlx.Open("sqlite", sqliteDSN(c.Path, true))
		if err != nil {
			write.Close()
			return nil, nil, err
		}
		read.SetMaxOpenConns(8)
		read.SetMaxIdleConns(8)
		return read, write, nil
	case MySQL:
		db, err := sqlx.Open("mysql", c.MySQL.FormatDSN())
		if err != nil {
			return nil, nil, err
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(8)
		db.SetConnMaxLifetime(3 * time.Minute)
		db.SetConnMaxIdleTime(time.Minute)
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := db.PingContext(pctx); err != nil {
			db.Close()
			return nil, nil, unreachable(c, err)
		}
		return db, db, nil
	}
	return nil, nil, fmt.Errorf("store: unknown driver %q", c.Driver)
}

func unreachable(c Config, err error) error {
	return models.Wrap(err, models.EUNAVAILABLE, "无法连接数据库 %s", c)
}

// migrationDB returns the connection goose runs migrations on, and a function
// that releases it. MySQL gets its own connection with multiStatements, as a
// migration file may hold several statements in one block.
func migrationDB(c Config, write *sqlx.DB) (*sql.DB, goose.Dialect, string, func(), error) {
	switch c.Driver {
	case SQLite:
		return write.DB, goose.DialectSQLite3, "sqlite", func() {}, nil
	case MySQL:
		cfg := c.MySQL.Clone()
		cfg.MultiStatements = true
		db, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			return nil, "", "", nil, err
		}
		db.SetMaxOpenConns(1)
		return db, goose.DialectMySQL, "mysql", func() { db.Close() }, nil
	}
	return nil, "", "", nil, fmt.Errorf("store: unknown driver %q", c.Driver)
}

// isUniqueViolation reports whether err is a unique-key clash, which the store turns into ECONFLICT.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062 // ER_DUP_ENTRY
	}
	return false
}

// maxParams is how many '?' one statement may carry: SQLite's default limit is
// 32,766 and MySQL's 65,535; batches stay well below both.
const maxParams = 8000

// insertIgnore is an INSERT of one row that does nothing when a row with the
// same key exists: race-free where a SELECT-then-INSERT lets two transactions
// both insert (MySQL's 1062 under concurrent uploads).
func insertIgnore(d Driver, table string, cols, key []string) string {
	q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ")"
	if d == MySQL {
		// Not INSERT IGNORE, which would also turn other errors into warnings.
		return q + " ON DUPLICATE KEY UPDATE " + key[0] + " = " + key[0]
	}
	return q + " ON CONFLICT (" + strings.Join(key, ", ") + ") DO NOTHING"
}

// forUpdate is the suffix of a SELECT that locks the rows it reads until the
// transaction ends. SQLite needs none: its one writer holds the whole database.
func forUpdate(d Driver) string {
	if d == MySQL {
		return " FOR UPDATE"
	}
	return ""
}

// writeTxOptions are the options of a write transaction. On MySQL, READ
// COMMITTED: each statement sees what other transactions committed before it
// (the release members a publication builds on are those of the release just
// committed, not of the snapshot of its first read), and InnoDB takes no gap
// locks, which made most of the deadlocks between concurrent uploads.
func writeTxOptions(d Driver) *sql.TxOptions {
	if d == MySQL {
		return &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	return nil
}

// retryError marks an error on which the whole transaction is run again: a
// race that another transaction won (see retryable).
type retryError struct{ err error }

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// retryable reports whether a transaction that failed with err may succeed
// when run again from the start: a deadlock (MySQL 1213, also how Galera
// reports a certification conflict at commit), a lock wait timeout (1205), a
// row changed under a snapshot (MariaDB 1020), a busy SQLite database, a
// connection that broke before COMMIT, or a race the store marked as such.
func retryable(err error) bool {
	var re *retryError
	if errors.As(err, &re) {
		return true
	}
	// A connection that broke before COMMIT kept nothing (unavailable.go).
	var ce *commitError
	if outageOf(err) == gone && !errors.As(err, &ce) {
		return true
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1213, 1205, 1020:
			return true
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	return false
}
