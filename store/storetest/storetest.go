// Package storetest opens real databases for tests: a fresh SQLite file per
// test always, and a fresh MySQL database per test when TEST_MYSQL_DSN is set
// (dropped when the test ends).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"

	"sunshine/store"
)

// MySQLDSNEnv names the variable that turns the MySQL tests on, e.g.
// TEST_MYSQL_DSN='mysql://root@tcp(127.0.0.1:3306)/test'. The database named
// there is only used to connect; each test creates and drops its own.
const MySQLDSNEnv = "TEST_MYSQL_DSN"

// Main runs the package's tests after saying, visibly, whether MySQL is covered.
// Under CI (CI set) a missing TEST_MYSQL_DSN fails the run: there the MySQL tests must not skip.
func Main(m *testing.M) {
	if os.Getenv(MySQLDSNEnv) == "" {
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "storetest: CI is set but TEST_MYSQL_DSN is not: the MySQL tests cannot be skipped in CI")
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "storetest: MySQL tests SKIPPED (set TEST_MYSQL_DSN=mysql://root@tcp(127.0.0.1:3306)/test to run them)")
	}
	os.Exit(m.Run())
}

// Clock is a fixed, advanceable clock for tests.
type Clock struct{ T time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) { c.T = c.T.Add(d) }

// NewClock starts a clock at a fixed instant.
func NewClock() *Clock { return &Clock{T: time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC)} }

// SQLite opens a migrated store on a new SQLite file in the test's temp dir.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "sunshine.db"))
}

// MySQL opens a migrated store on a new MySQL database, dropped at cleanup.
// It skips when TEST_MYSQL_DSN is unset and fails when the server is unreachable.
func MySQL(t testing.TB) *store.Store {
	t.Helper()
	dsn := NewMySQLDatabase(t)
	return open(t, dsn)
}

// NewMySQLDatabase creates an empty MySQL database for the test and returns
// its address; it is dropped at cleanup. Skips when TEST_MYSQL_DSN is unset.
func NewMySQLDatabase(t testing.TB) string {
	t.Helper()
	base := os.Getenv(MySQLDSNEnv)
	if base == "" {
		t.Skip("MySQL test skipped: TEST_MYSQL_DSN is not set")
	}
	cfg, err := store.ParseDSN(base)
	if err != nil {
		t.Fatalf("TEST_MYSQL_DSN: %v", err)
	}
	admin, err := sqlx.Open("mysql", cfg.MySQL.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "sunshine_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("cannot create test database on %s (is MySQL/MariaDB running?): %v", cfg, err)
	}
	t.Cleanup(func() {
		db, err := sqlx.Open("mysql", cfg.MySQL.FormatDSN())
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	own := cfg.MySQL.Clone()
	own.DBName = name
	return "mysql://" + mysqlDSN(own)
}

func mysqlDSN(c *mysql.Config) string {
	// Only the parts a test address needs; the store adds its own parameters.
	c2 := mysql.NewConfig()
	c2.User, c2.Passwd, c2.Net, c2.Addr, c2.DBName = c.User, c.Passwd, c.Net, c.Addr, c.DBName
	return c2.FormatDSN()
}

func open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", dsn, err)
	}
	s.Now = NewClock().Now
	return s
}

// Each runs fn as a subtest on SQLite and, when TEST_MYSQL_DSN is set, on MySQL.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("mysql", func(t *testing.T) { fn(t, MySQL(t)) })
}

// Open opens and migrates a store on dsn, closed at cleanup, on the test clock.
func Open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	return open(t, dsn)
}

// MySQLViaProxy creates a MySQL database for the test (as NewMySQLDatabase)
// and returns its address through a Proxy the test can cut, and the proxy.
func MySQLViaProxy(t testing.TB) (string, *Proxy) {
	t.Helper()
	dsn := NewMySQLDatabase(t)
	cfg, err := store.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := NewProxy(t, cfg.MySQL.Addr)
	own := cfg.MySQL.Clone()
	own.Addr = p.Addr()
	return "mysql://" + mysqlDSN(own), p
}
