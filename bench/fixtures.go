package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"sunshine/demo"
	"sunshine/models"
)

// writeUploadFile writes the line-item upload file of a scale (the service's
// long-form template, as a bureau uploads it) and returns its data rows.
func writeUploadFile(path string, s demo.Scale) (rows int, err error) {
	return rows, writeFile(path, func(w io.Writer) error {
		fs := s.All()
		for _, f := range fs {
			rows += len(f.Items)
		}
		return demo.WriteLineItemsCSV(w, fs)
	})
}

// writeThreePublicFile writes the 三公 upload file of a scale.
func writeThreePublicFile(path string, s demo.Scale) error {
	return writeFile(path, func(w io.Writer) error { return demo.WriteThreePublicCSV(w, s.All()) })
}

// regionsFor is how many regions of s make at least rows line items.
func regionsFor(s demo.Scale, rows int) int {
	s.Regions = 1
	per := 0
	_ = s.Each(func(f demo.Filing) error { per += len(f.Items); return nil })
	return (rows + per - 1) / per
}

func writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// A bulk fixture is a SQLite database migrated by `sunshine migrate` and then
// filled by the sqlite3 command-line tool with INSERT … SELECT: the line items
// of one generated region (every department, year and phase of the template
// scale) copied under as many region codes as it takes, with their regions,
// departments and published filings, up to exactly Rows line items. Ten
// million rows take about a minute this way where uploads would take an hour;
// the result is kept under bench/tmp and rebuilt only when its inputs change.
type bulkFixture struct {
	Path     string
	Template demo.Scale // one region: what each copy holds
	Rows     int
}

// fixtureSQL fills the fixture. The template rows are imported into temp
// tables; everything else is SQL. Filings are published version 1, in the
// order uploads would have made them (region, year, budget before final,
// department); line items follow their filing's id, as an upload writes them.
const fixtureSQL = `
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
PRAGMA temp_store = MEMORY;
CREATE TEMP TABLE tpl (dept_code TEXT, fiscal_year INTEGER, phase TEXT, tbl TEXT, code TEXT, name TEXT, col TEXT,
	amount INTEGER, unit TEXT, source_row INTEGER);
.import --csv --skip 1 {{template}} tpl
CREATE INDEX temp.tpl_key ON tpl (dept_code, fiscal_year, phase);
CREATE TEMP TABLE tdept (code TEXT, name TEXT);
.import --csv --skip 1 {{depts}} tdept
CREATE TEMP TABLE tkey AS SELECT DISTINCT fiscal_year, phase, dept_code FROM tpl;
BEGIN;
WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < {{regions}} - 1)
INSERT INTO regions (code, name)
	SELECT printf('99%04d', 101 + i), CASE i WHEN 0 THEN '阳光市（演示数据）' ELSE printf('演示%d市（演示数据）', i + 1) END FROM r;
INSERT INTO departments (region_code, code, name, parent_code)
	SELECT rg.code, d.code, replace(d.name, '阳光市', substr(rg.name, 1, length(rg.name) - 6)), ''
	FROM regions rg, tdept d ORDER BY rg.code, d.code;
INSERT INTO filings (region_code, dept_code, fiscal_year, phase, version, status, open_draft, created_at, created_by,
		updated_at, published_at, published_by)
	SELECT rg.code, k.dept_code, k.fiscal_year, k.phase, 1, 'published', NULL, '2025-03-01 00:00:00+00:00', 'bench',
		'2025-03-01 00:00:00+00:00', '2025-03-01 00:00:00+00:00', 'bench'
	FROM regions rg, tkey k ORDER BY rg.code, k.fiscal_year, k.phase, k.dept_code;
INSERT INTO line_items (filing_id, tbl, code, name, col, amount, unit, source_row)
	SELECT f.id, t.tbl, t.code, t.name, t.col, t.amount, t.unit, t.source_row
	FROM filings f JOIN tpl t ON t.dept_code = f.dept_code AND t.fiscal_year = f.fiscal_year AND t.phase = f.phase
	ORDER BY f.id, t.rowid LIMIT {{rows}};
DELETE FROM filings WHERE id > (SELECT MAX(filing_id) FROM line_items);
COMMIT;
PRAGMA journal_mode = WAL;
`

// build makes the fixture unless an identical one is cached.
func (fx bulkFixture) build(bin string) error {
	dir := filepath.Dir(fx.Path)
	base := strings.TrimSuffix(fx.Path, ".db")
	tplPath, deptPath := base+"-template.csv", base+"-depts.csv"
	perRegion, err := writeTemplate(tplPath, deptPath, fx.Template)
	if err != nil {
		return err
	}
	regions := (fx.Rows + perRegion - 1) / perRegion
	script := strings.NewReplacer("{{template}}", tplPath, "{{depts}}", deptPath, "{{regions}}", strconv.Itoa(regions),
		"{{rows}}", strconv.Itoa(fx.Rows)).Replace(fixtureSQL)

	key, err := fixtureKey(tplPath, script)
	if err != nil {
		return err
	}
	if cached, err := os.ReadFile(fx.Path + ".key"); err == nil && string(cached) == key {
		if _, err := os.Stat(fx.Path); err == nil {
			logf("  fixture %s: cached (%d line items)", filepath.Base(fx.Path), fx.Rows)
			return nil
		}
	}
	logf("  fixture %s: building %d line items (%d regions × %d rows) …", filepath.Base(fx.Path), fx.Rows, regions, perRegion)
	for _, suffix := range []string{"", "-wal", "-shm", ".key"} {
		_ = os.Remove(fx.Path + suffix)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if _, err := command(nil, bin, "migrate", "--db", "sqlite:"+fx.Path); err != nil {
		return err
	}
	r, err := command(strings.NewReader(script), "sqlite3", "-bail", fx.Path)
	if err != nil {
		return err
	}
	logf("  fixture %s: built in %s", filepath.Base(fx.Path), r.Elapsed.Round(100e6))
	return os.WriteFile(fx.Path+".key", []byte(key), 0o644)
}

// fixtureKey names the inputs of a fixture: the template rows, the script and the schema.
func fixtureKey(tplPath, script string) (string, error) {
	h := sha256.New()
	b, err := os.ReadFile(tplPath)
	if err != nil {
		return "", err
	}
	h.Write(b)
	h.Write([]byte(script))
	migrations, _ := filepath.Glob("migrations/sqlite/*.sql")
	sort.Strings(migrations)
	for _, m := range migrations {
		b, err := os.ReadFile(m)
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeTemplate writes the template region's line items (amounts in fen, as
// stored) and its departments, and returns the number of line items.
func writeTemplate(tplPath, deptPath string, s demo.Scale) (rows int, err error) {
	s.Regions = 1
	depts := map[string]string{}
	err = writeFile(tplPath, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"dept_code", "fiscal_year", "phase", "tbl", "code", "name", "col", "amount", "unit", "source_row"})
		err := s.Each(func(f demo.Filing) error {
			depts[f.Key.DeptCode] = f.DeptName
			for i, li := range f.Items {
				rows++
				amount := ""
				if li.Amount.Valid {
					amount = strconv.FormatInt(int64(li.Amount.Money), 10)
				}
				if err := cw.Write([]string{f.Key.DeptCode, strconv.Itoa(f.Key.FiscalYear), string(f.Key.Phase),
					string(li.Table), li.Code, li.Name, li.Column, amount, string(li.Unit), strconv.Itoa(i + 2)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return 0, err
	}
	codes := make([]string, 0, len(depts))
	for c := range depts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return rows, writeFile(deptPath, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"code", "name"})
		for _, c := range codes {
			_ = cw.Write([]string{c, depts[c]})
		}
		cw.Flush()
		return cw.Error()
	})
}

// filingTarget is one department-year-phase a query asks for.
type filingTarget struct {
	Region, Dept string
	Year         int
	Phase        models.Phase
}

// completeFilings lists the fixture's filings that have all their line items
// (the last one may have been cut by the row limit).
func completeFilings(db string) ([]filingTarget, error) {
	r, err := command(nil, "sqlite3", "-csv", db, `SELECT region_code, dept_code, fiscal_year, phase FROM filings
		WHERE id < (SELECT MAX(filing_id) FROM line_items) ORDER BY id`)
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(strings.NewReader(string(r.Stdout))).ReadAll()
	if err != nil {
		return nil, err
	}
	out := make([]filingTarget, 0, len(recs))
	for _, rec := range recs {
		y, err := strconv.Atoi(rec[2])
		if err != nil {
			return nil, fmt.Errorf("fixture filings: %v", err)
		}
		out = append(out, filingTarget{Region: rec[0], Dept: rec[1], Year: y, Phase: models.Phase(rec[3])})
	}
	return out, nil
}
