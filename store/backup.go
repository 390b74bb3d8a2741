package store

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"sunshine/models"
)

// BackupSQLite writes a consistent copy of the SQLite database to dest, a
// file that must not exist yet, with VACUUM INTO: one read transaction on a
// connection of its own, so the copy is the database as of one moment while
// uploads and publications go on (writers are not stopped; WAL lets them
// commit beside the reader). The copy is compact, in rollback-journal mode,
// and opens as an ordinary database file. Returns EINVALID on MySQL, whose
// backups are mariadb-dump's (docs/reliability.md).
func (s *Store) BackupSQLite(ctx context.Context, dest string) error {
	if s.cfg.Driver != SQLite {
		return models.Errorf(models.EINVALID, "sunshine backup 只备份 SQLite 数据库；MySQL/MariaDB 请用 mariadb-dump --single-transaction（见 docs/reliability.md）")
	}
	if _, err := os.Stat(dest); err == nil {
		return models.Errorf(models.ECONFLICT, "备份文件 %s 已存在，未覆盖", dest)
	}
	db, err := sqlx.Open("sqlite", "file:"+s.cfg.Path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// VACUUM INTO takes its target as an SQL string: quote it as a literal.
	if _, err := db.ExecContext(ctx, "VACUUM INTO '"+strings.ReplaceAll(dest, "'", "''")+"'"); err != nil {
		os.Remove(dest)
		return models.Wrap(err, models.EUNAVAILABLE, "无法复制数据库 %s", s.cfg.Path)
	}
	return nil
}

// IntegrityCheck runs SQLite's PRAGMA integrity_check and returns EINVALID
// naming what it found when the answer is not "ok". On MySQL it checks nothing.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.cfg.Driver != SQLite {
		return nil
	}
	var res []string
	if err := s.read.SelectContext(ctx, &res, "PRAGMA integrity_check"); err != nil {
		return models.Errorf(models.EINVALID, "数据库文件 %s 已损坏或不是 SQLite 数据库：%v", s.cfg.Path, err)
	}
	if len(res) == 1 && res[0] == "ok" {
		return nil
	}
	if len(res) > 5 {
		res = append(res[:5], fmt.Sprintf("……共 %d 处", len(res)))
	}
	return models.Errorf(models.EINVALID, "数据库文件 %s 已损坏（integrity_check：%s）", s.cfg.Path, strings.Join(res, "；"))
}

// OpenSQLiteReadOnly opens a SQLite file only to read it — a backup being
// checked — without turning it to WAL or writing anything beside it. Its
// SchemaStatus and IntegrityCheck work; writes fail.
func OpenSQLiteReadOnly(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, models.Errorf(models.ENOTFOUND, "数据库文件 %s 不存在", path)
	}
	db, err := sqlx.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, models.Errorf(models.EINVALID, "无法打开数据库文件 %s：%v", path, err)
	}
	return &Store{cfg: Config{Driver: SQLite, Path: path}, read: readPool{db}, write: db, Now: time.Now}, nil
}
