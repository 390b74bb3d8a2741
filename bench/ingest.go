package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"sunshine/filings"
)

// ingestResult is an upload benchmark: rows/s of ours and of the anchor, round by round.
type ingestResult struct {
	Rows         int       `json:"rows"`
	Bytes        int64     `json:"bytes"`
	OursRowsPerS []float64 `json:"ours_rows_per_s"`
	AnchorRowsPS []float64 `json:"anchor_rows_per_s"`
	Ratio        float64   `json:"ratio_median"`
	PeakMB       float64   `json:"ours_peak_rss_mb"`
}

// importFile runs `sunshine import --json` of the file into dsn — the whole
// upload path: hash, parse, every rule, store, one transaction — and checks
// that everything was stored and that the checks found nothing.
func importFile(bin, dsn, file string, rows int) (run, error) {
	r, err := command(nil, bin, "import", "--json", "--db", dsn, file)
	if err != nil {
		return r, err
	}
	var res filings.Result
	if err := json.NewDecoder(bytes.NewReader(r.Stdout)).Decode(&res); err != nil {
		return r, fmt.Errorf("sunshine import --json: %v", err)
	}
	switch {
	case res.Rejected || res.Duplicate:
		return r, fmt.Errorf("sunshine import: rejected=%v duplicate=%v", res.Rejected, res.Duplicate)
	case res.Upload.Rows != rows:
		return r, fmt.Errorf("sunshine import stored %d rows, want %d", res.Upload.Rows, rows)
	}
	// A line-item file alone lacks the 三公 table, which table.missing points
	// out for every filing; any other finding means the generator is wrong.
	for _, f := range res.Report.Findings {
		if f.Rule != "table.missing" {
			return r, fmt.Errorf("sunshine import: the checks found %d errors and %d warnings in generated data: %s %s",
				res.Report.Stats.Errors, res.Report.Stats.Warnings, f.Rule, f.Message)
		}
	}
	return r, nil
}

// benchIngestSQLite: the upload path into a fresh SQLite database (migrated
// beforehand, as a running deployment's is) against the sqlite3 tool's .import
// of the same file into a plain table.
func benchIngestSQLite(c *config, file string, rows int) (ingestResult, error) {
	res := ingestResult{Rows: rows, Bytes: fileSize(file)}
	empty := filepath.Join(c.tmp, "ingest-empty.db")
	removeDB(empty)
	if _, err := command(nil, c.bin, "migrate", "--db", "sqlite:"+empty); err != nil {
		return res, err
	}
	db, ref := filepath.Join(c.tmp, "ingest.db"), filepath.Join(c.tmp, "ingest-ref.db")
	defer removeDB(db)
	defer removeDB(ref)
	ours := func() (float64, error) {
		removeDB(db)
		if err := copyFile(empty, db); err != nil {
			return 0, err
		}
		r, err := importFile(c.bin, "sqlite:"+db, file, rows)
		if err != nil {
			return 0, err
		}
		res.PeakMB = max(res.PeakMB, r.PeakMB)
		return float64(rows) / r.Elapsed.Seconds(), nil
	}
	anchor := func() (float64, error) {
		removeDB(ref)
		r, err := command(nil, "sqlite3", ref, ".mode csv", ".import "+file+" line_items")
		if err != nil {
			return 0, err
		}
		return float64(rows) / r.Elapsed.Seconds(), nil
	}
	var err error
	res.OursRowsPerS, res.AnchorRowsPS, err = sideBySide(c.rounds, ours, anchor)
	res.Ratio = median(ratios(res.OursRowsPerS, res.AnchorRowsPS))
	return res, err
}

const mysqlDB, mysqlRefDB = "sunshine_bench", "sunshine_bench_ref"

// mysql runs statements with the mysql client as root on 127.0.0.1.
func mysql(stmts string, extra ...string) (run, error) {
	args := append([]string{"-uroot", "-h127.0.0.1", "-P3306", "--batch", "--skip-column-names"}, extra...)
	return command(strings.NewReader(stmts), "mysql", args...)
}

// benchIngestMySQL: the same upload into a fresh MariaDB database against
// LOAD DATA LOCAL INFILE of the same file into a plain InnoDB table. The
// server's local_infile is switched on for the run and restored after.
func benchIngestMySQL(c *config, file string, rows int) (res ingestResult, err error) {
	res = ingestResult{Rows: rows, Bytes: fileSize(file)}
	r, err := mysql("SELECT @@GLOBAL.local_infile;")
	if err != nil {
		return res, fmt.Errorf("MariaDB on 127.0.0.1:3306: %w", err)
	}
	was := strings.TrimSpace(string(r.Stdout))
	if _, err := mysql("SET GLOBAL local_infile = 1;"); err != nil {
		return res, err
	}
	defer func() {
		_, rerr := mysql(fmt.Sprintf("SET GLOBAL local_infile = %s; DROP DATABASE IF EXISTS %s; DROP DATABASE IF EXISTS %s;",
			was, mysqlDB, mysqlRefDB))
		err = errors.Join(err, rerr)
	}()
	dsn := "mysql://root@tcp(127.0.0.1:3306)/" + mysqlDB
	ours := func() (float64, error) {
		if _, err := mysql(fmt.Sprintf("DROP DATABASE IF EXISTS %[1]s; CREATE DATABASE %[1]s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;", mysqlDB)); err != nil {
			return 0, err
		}
		if _, err := command(nil, c.bin, "migrate", "--db", dsn); err != nil {
			return 0, err
		}
		r, err := importFile(c.bin, dsn, file, rows)
		if err != nil {
			return 0, err
		}
		return float64(rows) / r.Elapsed.Seconds(), nil
	}
	// The plain table has the file's twelve columns as text, as sqlite3's .import makes them.
	plain := fmt.Sprintf(`DROP DATABASE IF EXISTS %[1]s; CREATE DATABASE %[1]s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE TABLE %[1]s.line_items (region_code VARCHAR(255), region_name VARCHAR(255), dept_code VARCHAR(255),
			dept_name VARCHAR(255), fiscal_year VARCHAR(255), phase VARCHAR(255), unit VARCHAR(255), tbl VARCHAR(255),
			code VARCHAR(255), name VARCHAR(255), col VARCHAR(255), amount VARCHAR(255)) ENGINE=InnoDB;`, mysqlRefDB)
	load := fmt.Sprintf(`LOAD DATA LOCAL INFILE '%s' INTO TABLE line_items CHARACTER SET utf8mb4
		FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' LINES TERMINATED BY '\n' IGNORE 1 LINES;`, file)
	anchor := func() (float64, error) {
		if _, err := mysql(plain); err != nil {
			return 0, err
		}
		r, err := mysql(load, "--local-infile=1", mysqlRefDB)
		if err != nil {
			return 0, err
		}
		return float64(rows) / r.Elapsed.Seconds(), nil
	}
	res.OursRowsPerS, res.AnchorRowsPS, err = sideBySide(c.rounds, ours, anchor)
	if err != nil {
		return res, err
	}
	res.Ratio = median(ratios(res.OursRowsPerS, res.AnchorRowsPS))
	if r, err := mysql("SELECT COUNT(*) FROM line_items;", mysqlRefDB); err != nil || strings.TrimSpace(string(r.Stdout)) != fmt.Sprint(rows) {
		return res, fmt.Errorf("LOAD DATA stored %q rows, want %d (%v)", strings.TrimSpace(string(r.Stdout)), rows, err)
	}
	return res, nil
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + suffix)
	}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}
