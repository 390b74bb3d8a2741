package main

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sunshine/models"
	"sunshine/store"
)

// A backup is one tar file:
//
//	cache/<key>     the release files of the file cache, as served
//	sunshine.db     the database, copied with VACUUM INTO at one moment
//	manifest.json   format, time, schema version, and every member's size and SHA-256
//
// The release files are copied before the database: a release file exists
// only for a release already committed, so every file in the archive belongs
// to a release of the copied database (a file keyed by a later release would
// be served for a different release after a restore).
const (
	backupFormat   = "sunshine-backup/1"
	backupDB       = "sunshine.db"
	backupManifest = "manifest.json"
	backupCache    = "cache/"
)

type backupEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

type backupManifestDoc struct {
	Format        string        `json:"format"`
	CreatedAt     time.Time     `json:"created_at"`
	SchemaVersion int64         `json:"schema_version"`
	Files         []backupEntry `json:"files"`
}

// cacheDirOf is serve's file cache directory for the same flags and
// environment: --cache-dir, else SUNSHINE_CACHE_DIR, else cache/ beside the
// SQLite file; "" when it is off.
func cacheDirOf(flagValue string, c store.Config) string {
	switch {
	case flagValue == "off":
		return ""
	case flagValue != "":
		return flagValue
	case c.Driver == store.SQLite:
		return filepath.Join(filepath.Dir(c.Path), "cache")
	}
	return filepath.Join(os.TempDir(), "sunshine-cache")
}

func cmdBackup(ctx context.Context, e env) error {
	fs := newFlags("backup", e)
	db := dbFlag(fs, e)
	cacheFlag := fs.String("cache-dir", e.getenv("SUNSHINE_CACHE_DIR"), "the file cache directory of serve, whose release files are backed up too; \"off\" for none (env SUNSHINE_CACHE_DIR; default: cache/ beside the SQLite file)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("用法: sunshine backup [--db DSN] [--cache-dir DIR] 备份文件")}
	}
	dest := fs.Arg(0)
	cfg, err := store.ParseDSN(*db)
	if err != nil {
		return err
	}
	if cfg.Driver != store.SQLite {
		return models.Errorf(models.EINVALID, "sunshine backup 只备份 SQLite 数据库；MySQL/MariaDB 请用 mariadb-dump --single-transaction（见 docs/reliability.md）")
	}
	if _, err := os.Stat(cfg.Path); err != nil {
		return models.Errorf(models.ENOTFOUND, "数据库文件 %s 不存在", cfg.Path)
	}
	if _, err := os.Stat(dest); err == nil {
		return models.Errorf(models.ECONFLICT, "备份文件 %s 已存在，未覆盖；请换一个文件名", dest)
	}
	s, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()

	f, err := os.CreateTemp(filepath.Dir(dest), filepath.Base(dest)+".*.part")
	if err != nil {
		return fmt.Errorf("无法创建备份文件 %s：%w", dest, err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	tw := tar.NewWriter(f)
	man := backupManifestDoc{Format: backupFormat, CreatedAt: time.Now().UTC().Truncate(time.Second)}

	// 1. The release files (immutable), before the database.
	var cacheBytes int64
	if dir := cacheDirOf(*cacheFlag, cfg); dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("无法读取缓存目录 %s：%w", dir, err)
		}
		for _, de := range entries {
			if !de.Type().IsRegular() || strings.HasSuffix(de.Name(), ".tmp") {
				continue // a file still being generated is not whole yet
			}
			ent, err := addFile(tw, filepath.Join(dir, de.Name()), backupCache+de.Name())
			if err != nil {
				return err
			}
			man.Files = append(man.Files, ent)
			cacheBytes += ent.Size
		}
	}

	// 2. The database at one moment, checked before it goes in.
	tmpDB := f.Name() + ".db"
	defer os.Remove(tmpDB)
	if err := s.BackupSQLite(ctx, tmpDB); err != nil {
		return err
	}
	st, err := checkSQLiteCopy(ctx, tmpDB)
	if err != nil {
		return err
	}
	man.SchemaVersion = st.Current
	ent, err := addFile(tw, tmpDB, backupDB)
	if err != nil {
		return err
	}
	man.Files = append(man.Files, ent)

	// 3. The manifest, last, once every hash is known.
	mb, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: backupManifest, Mode: 0o644, Size: int64(len(mb)), ModTime: man.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := tw.Write(mb); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), dest); err != nil {
		return err
	}
	done = true
	syncDir(filepath.Dir(dest))
	fmt.Fprintf(e.stdout, "已备份到 %s：数据库 %s（结构版本 %d），发布文件 %d 个（%s）\n",
		dest, byteCount(ent.Size), st.Current, len(man.Files)-1, byteCount(cacheBytes))
	return nil
}

// addFile writes the file at src into the archive as name and returns its size and SHA-256.
func addFile(tw *tar.Writer, src, name string) (backupEntry, error) {
	in, err := os.Open(src)
	if err != nil {
		return backupEntry{}, fmt.Errorf("无法读取 %s：%w", src, err)
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return backupEntry{}, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: info.Size(), ModTime: info.ModTime(), Typeflag: tar.TypeReg}); err != nil {
		return backupEntry{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), in)
	if err != nil {
		return backupEntry{}, fmt.Errorf("无法写入备份（%s）：%w", name, err)
	}
	if n != info.Size() {
		return backupEntry{}, fmt.Errorf("%s 在备份时改变了大小", src)
	}
	return backupEntry{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// checkSQLiteCopy opens a database copy read-only: integrity_check must say
// ok, and its schema must not be newer than this binary.
func checkSQLiteCopy(ctx context.Context, p string) (store.MigrationStatus, error) {
	c, err := store.OpenSQLiteReadOnly(ctx, p)
	if err != nil {
		return store.MigrationStatus{}, err
	}
	defer c.Close()
	if err := c.IntegrityCheck(ctx); err != nil {
		return store.MigrationStatus{}, err
	}
	st, err := c.SchemaStatus(ctx)
	if err != nil {
		return st, models.Errorf(models.EINVALID, "无法读取备份数据库的结构版本：%v", err)
	}
	if st.Current > st.Latest {
		return st, models.Errorf(models.ESCHEMA, "备份数据库的结构版本是 %d，比本程序支持的 %d 更新：请用更新版本的 sunshine 恢复", st.Current, st.Latest)
	}
	return st, nil
}

func cmdRestore(ctx context.Context, e env) error {
	fs := newFlags("restore", e)
	db := dbFlag(fs, e)
	cacheFlag := fs.String("cache-dir", e.getenv("SUNSHINE_CACHE_DIR"), "the file cache directory to restore the release files into; \"off\" to leave them out (they are generated again on demand) (env SUNSHINE_CACHE_DIR; default: cache/ beside the SQLite file)")
	force := fs.Bool("force", false, "replace a database (and cache directory) that is not empty; stop sunshine serve first")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("用法: sunshine restore [--db DSN] [--cache-dir DIR] [--force] 备份文件")}
	}
	src := fs.Arg(0)
	cfg, err := store.ParseDSN(*db)
	if err != nil {
		return err
	}
	if cfg.Driver != store.SQLite {
		return models.Errorf(models.EINVALID, "sunshine restore 只恢复 SQLite 数据库；MySQL/MariaDB 请用 mariadb 客户端导入 mariadb-dump 的备份（见 docs/reliability.md）")
	}
	cacheDir := cacheDirOf(*cacheFlag, cfg)
	if !*force {
		if info, err := os.Stat(cfg.Path); err == nil && info.Size() > 0 {
			return models.Errorf(models.ECONFLICT, "目标数据库 %s 已存在且不为空，未覆盖；确认要用备份替换它，请先停止 sunshine serve，再加 --force", cfg.Path)
		}
		if cacheDir != "" {
			if entries, err := os.ReadDir(cacheDir); err == nil && len(entries) > 0 {
				return models.Errorf(models.ECONFLICT, "缓存目录 %s 不为空，未覆盖；确认要用备份替换，请先停止 sunshine serve，再加 --force", cacheDir)
			}
		}
	}
	in, err := os.Open(src)
	if err != nil {
		return models.Errorf(models.ENOTFOUND, "无法打开备份文件 %s：%v", src, err)
	}
	defer in.Close()
	target := filepath.Dir(cfg.Path)
	if err := os.MkdirAll(target, 0o755); err != nil {
		return err
	}
	// Unpacked beside the target, so that putting it in place is a rename.
	stage, err := os.MkdirTemp(target, ".sunshine-restore-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	man, got, err := unpackBackup(in, src, stage)
	if err != nil {
		return err
	}
	if err := checkManifest(man, got, src); err != nil {
		return err
	}
	stagedDB := filepath.Join(stage, backupDB)
	st, err := checkSQLiteCopy(ctx, stagedDB)
	if err != nil {
		return err
	}

	// In place: the old database's WAL must go with it, or SQLite would
	// replay it into the restored file.
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(cfg.Path + side); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if err := os.Rename(stagedDB, cfg.Path); err != nil {
		return fmt.Errorf("无法把数据库放到 %s：%w", cfg.Path, err)
	}
	syncDir(target)
	files := 0
	if cacheDir != "" {
		// Files of the replaced database are keyed by its releases: they go.
		if err := os.RemoveAll(cacheDir); err != nil {
			return err
		}
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			return err
		}
		for _, ent := range man.Files {
			name, ok := strings.CutPrefix(ent.Path, backupCache)
			if !ok {
				continue
			}
			if err := moveFile(filepath.Join(stage, filepath.FromSlash(ent.Path)), filepath.Join(cacheDir, name)); err != nil {
				return err
			}
			files++
		}
		syncDir(cacheDir)
	}
	fmt.Fprintf(e.stdout, "已从 %s 恢复：数据库 %s（结构版本 %d，备份于 %s），发布文件 %d 个\n",
		src, cfg.Path, st.Current, man.CreatedAt.Format("2006-01-02 15:04:05 UTC"), files)
	if st.Current < st.Latest {
		fmt.Fprintf(e.stdout, "数据库结构将在下次启动 sunshine serve（或运行 sunshine migrate）时从版本 %d 升级到 %d\n", st.Current, st.Latest)
	}
	return nil
}

// unpackBackup writes every member into stage and returns the manifest and
// the size and SHA-256 of what was really there.
func unpackBackup(r io.Reader, src, stage string) (backupManifestDoc, map[string]backupEntry, error) {
	var man backupManifestDoc
	got := map[string]backupEntry{}
	damaged := func(format string, args ...any) error {
		return models.Errorf(models.EINVALID, "备份文件 %s 无效：%s", src, fmt.Sprintf(format, args...))
	}
	tr := tar.NewReader(r)
	seenManifest := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return man, nil, damaged("不是完整的 tar 文件（%v）", err)
		}
		if h.Typeflag != tar.TypeReg {
			return man, nil, damaged("含有非普通文件“%s”", h.Name)
		}
		name := path.Clean(h.Name)
		switch {
		case name == backupManifest:
			b, err := io.ReadAll(io.LimitReader(tr, 64<<20))
			if err != nil {
				return man, nil, damaged("清单无法读取（%v）", err)
			}
			if err := json.Unmarshal(b, &man); err != nil {
				return man, nil, damaged("清单不是有效的 JSON（%v）", err)
			}
			seenManifest = true
			continue
		case name == backupDB:
		case strings.HasPrefix(name, backupCache) && !strings.Contains(strings.TrimPrefix(name, backupCache), "/") &&
			len(name) > len(backupCache) && !strings.HasPrefix(path.Base(name), "."):
		default:
			return man, nil, damaged("含有不属于备份的文件“%s”", h.Name)
		}
		if _, dup := got[name]; dup {
			return man, nil, damaged("文件“%s”出现了两次", name)
		}
		out := filepath.Join(stage, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return man, nil, err
		}
		f, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return man, nil, err
		}
		hash := sha256.New()
		n, err := io.Copy(io.MultiWriter(f, hash), tr)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return man, nil, damaged("“%s”无法读出（%v）", name, err)
		}
		got[name] = backupEntry{Path: name, Size: n, SHA256: hex.EncodeToString(hash.Sum(nil))}
	}
	if !seenManifest {
		return man, nil, damaged("没有清单 %s（不是 sunshine backup 写的文件，或写到一半）", backupManifest)
	}
	return man, got, nil
}

// checkManifest compares what was unpacked with the manifest, file by file.
func checkManifest(man backupManifestDoc, got map[string]backupEntry, src string) error {
	bad := func(format string, args ...any) error {
		return models.Errorf(models.EINVALID, "备份文件 %s 已损坏：%s", src, fmt.Sprintf(format, args...))
	}
	if man.Format != backupFormat {
		return bad("格式“%s”无法识别（应为 %s）", man.Format, backupFormat)
	}
	listed := map[string]bool{}
	for _, ent := range man.Files {
		listed[ent.Path] = true
		g, ok := got[ent.Path]
		switch {
		case !ok:
			return bad("清单中的“%s”不在备份中", ent.Path)
		case g.Size != ent.Size:
			return bad("“%s”有 %d 字节，清单记录 %d 字节", ent.Path, g.Size, ent.Size)
		case g.SHA256 != ent.SHA256:
			return bad("“%s”的 SHA-256 与清单不符", ent.Path)
		}
	}
	if !listed[backupDB] {
		return bad("清单中没有数据库 %s", backupDB)
	}
	var extra []string
	for p := range got {
		if !listed[p] {
			extra = append(extra, p)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return bad("“%s”不在清单中", extra[0])
	}
	return nil
}

func moveFile(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("无法恢复发布文件 %s：%w", to, err)
	}
	return nil
}

// syncDir makes a rename in dir durable; errors are ignored (not every system can).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func byteCount(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}
