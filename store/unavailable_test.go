package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// A MySQL server that goes away (every connection closed, new ones refused)
// is EUNAVAILABLE with a Chinese sentence for reads, writes and Ping, within
// seconds; when it comes back the same Store works again without reopening.
func TestUnavailable_MySQLCutAndRestored(t *testing.T) {
	dsn, proxy := storetest.MySQLViaProxy(t)
	s := storetest.Open(t, dsn)
	ctx := context.Background()
	if _, err := s.CreateToken(ctx, models.Token{Name: "甲", Role: models.RoleAdmin, Hash: strings.Repeat("a", 64)}, "test"); err != nil {
		t.Fatal(err)
	}

	proxy.Cut()
	start := time.Now()
	_, err := s.Tokens(ctx)
	wantUnavailable(t, "read", err, "数据库暂时无法访问")
	err = s.Write(ctx, func(tx *store.Tx) error {
		return store.ExecForTest(ctx, tx, "INSERT INTO regions (code, name) VALUES ('990001', '断开市')")
	})
	wantUnavailable(t, "write", err, "未保存任何内容")
	_, err = s.CreateToken(ctx, models.Token{Name: "乙", Role: models.RoleAdmin, Hash: strings.Repeat("b", 64)}, "test")
	wantUnavailable(t, "token", err, "未保存任何内容")
	wantUnavailable(t, "ping", s.Ping(ctx), "数据库")
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("a database that is down took %s to be answered", d)
	}

	proxy.Restore(t)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping after the database came back: %v", err)
	}
	if _, err := s.CreateToken(ctx, models.Token{Name: "乙", Role: models.RoleAdmin, Hash: strings.Repeat("b", 64)}, "test"); err != nil {
		t.Fatalf("write after the database came back: %v", err)
	}
	ts, err := s.Tokens(ctx)
	if err != nil || len(ts) != 2 {
		t.Fatalf("tokens after the database came back: %v %v", ts, err)
	}
}

// A connection killed inside a write transaction (KILL CONNECTION from
// another session) loses nothing and keeps nothing of the broken attempt:
// Write runs the transaction again on a new connection and it commits once.
func TestUnavailable_MySQLKilledConnectionRetried(t *testing.T) {
	dsn := storetest.NewMySQLDatabase(t)
	s := storetest.Open(t, dsn)
	cfg, err := store.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sqlx.Open("mysql", cfg.MySQL.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	attempts := 0
	err = s.Write(ctx, func(tx *store.Tx) error {
		attempts++
		if err := store.ExecForTest(ctx, tx, "INSERT INTO regions (code, name) VALUES ('990002', '重连市')"); err != nil {
			return err
		}
		if attempts == 1 {
			var ids []int64
			if err := admin.SelectContext(ctx, &ids, `SELECT id FROM information_schema.processlist
				WHERE db = ? AND id <> CONNECTION_ID()`, cfg.MySQL.DBName); err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if _, err := admin.ExecContext(ctx, "KILL CONNECTION ?", id); err != nil {
					t.Logf("kill %d: %v", id, err)
				}
			}
			if len(ids) == 0 {
				t.Fatal("no connection of the store to kill")
			}
		}
		return store.ExecForTest(ctx, tx, "INSERT INTO departments (region_code, code, name) VALUES ('990002', '001', '重连局')")
	})
	if err != nil {
		t.Fatalf("write with its connection killed: %v (after %d attempts)", err, attempts)
	}
	if attempts < 2 {
		t.Fatalf("%d attempts: the connection was not killed", attempts)
	}
	var n int
	if err := admin.GetContext(ctx, &n, "SELECT COUNT(*) FROM "+cfg.MySQL.DBName+".departments WHERE region_code = '990002'"); err != nil || n != 1 {
		t.Fatalf("%d department rows after the retried write (%v), want 1", n, err)
	}
}

func wantUnavailable(t *testing.T, what string, err error, msg string) {
	t.Helper()
	if models.ErrorCode(err) != models.EUNAVAILABLE {
		t.Fatalf("%s with the database gone: code %q (%v), want %q", what, models.ErrorCode(err), err, models.EUNAVAILABLE)
	}
	var de *models.Error
	if !errors.As(err, &de) || !strings.Contains(de.Message, msg) {
		t.Fatalf("%s with the database gone: message %q, want one containing %q", what, models.ErrorMessage(err), msg)
	}
}
