package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/codes"
	"sunshine/models"
)

// CodeListInfo summarises one loaded code list (`sunshine codes list`).
type CodeListInfo struct {
	Kind       string    `db:"kind"`
	FiscalYear int       `db:"fiscal_year"`
	Revision   int64     `db:"revision"`
	Source     string    `db:"source"` // the file name it was loaded from
	LoadedAt   time.Time `db:"loaded_at"`
	LoadedBy   string    `db:"loaded_by"`
	// Codes counts the codes; Classes, Sections and Items count them by level (类, 款, 项).
	Codes       int `db:"codes"`
	Classes     int `db:"classes"`
	Sections    int `db:"sections"`
	Items       int `db:"items"`
	ThreePublic int `db:"three_public"` // economic codes mapped to a 三公 item
}

// ReplaceCodeList makes l the code list of its kind for a fiscal year, in place
// of whatever was loaded for that kind and year, in one transaction with its
// audit entry. source names the file in the audit log and in CodeLists.
// Returns EINVALID for a year out of range or a name too long to store.
func (s *Store) ReplaceCodeList(ctx context.Context, year int, l *codes.List, source, by string) (CodeListInfo, error) {
	if err := models.ValidateFiscalYear(year); err != nil {
		return CodeListInfo{}, err
	}
	for _, c := range l.Codes() {
		if n := utf8.RuneCountInString(c.Name); n > 200 {
			return CodeListInfo{}, models.Errorf(models.EINVALID, "科目“%s”的名称过长（%d 个字符，最多 200 个）", c.Code, n)
		}
	}
	if n := utf8.RuneCountInString(source); n > 255 {
		source = string([]rune(source)[:255])
	}
	kind := l.Kind()
	var replaced int
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.tx.GetContext(ctx, &replaced, `SELECT COUNT(*) FROM classification_codes WHERE kind = ? AND fiscal_year = ?`,
			kind, year); err != nil {
			return fmt.Errorf("store: unable to count codes: %w", err)
		}
		// The codes go with their list (ON DELETE CASCADE); deleted explicitly all the same,
		// so that nothing depends on SQLite's per-connection foreign_keys setting.
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM classification_codes WHERE kind = ? AND fiscal_year = ?`, kind, year); err != nil {
			return fmt.Errorf("store: unable to clear code list: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM code_lists WHERE kind = ? AND fiscal_year = ?`, kind, year); err != nil {
			return fmt.Errorf("store: unable to clear code list: %w", err)
		}
		var last int64
		if err := tx.tx.GetContext(ctx, &last, `SELECT COALESCE(MAX(revision), 0) FROM code_lists`); err != nil {
			return fmt.Errorf("store: unable to read code list revision: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO code_lists (kind, fiscal_year, revision, source, loaded_at, loaded_by)
			VALUES (?, ?, ?, ?, ?, ?)`, kind, year, last+1, source, tx.now, by); err != nil {
			if isUniqueViolation(err) {
				// Two loads at once on MySQL took the same revision: the second gives way.
				return models.Errorf(models.ECONFLICT, "另一个科目表正在同时加载，请稍后重试")
			}
			return fmt.Errorf("store: unable to save code list: %w", err)
		}
		if err := insertCodes(ctx, tx, kind, year, l.Codes()); err != nil {
			return err
		}
		return tx.Audit(ctx, by, "codes.load", fmt.Sprintf("codes:%s:%d", kind, year), map[string]any{
			"kind": kind, "year": year, "codes": l.Len(), "replaced": replaced, "source": source})
	})
	if err != nil {
		return CodeListInfo{}, err
	}
	infos, err := s.CodeLists(ctx, year)
	if err != nil {
		return CodeListInfo{}, err
	}
	for _, info := range infos {
		if info.Kind == kind {
			return info, nil
		}
	}
	return CodeListInfo{}, fmt.Errorf("store: code list %s %d vanished after loading", kind, year)
}

const codeParams = 7

func insertCodes(ctx context.Context, tx *Tx, kind string, year int, cs []codes.Code) error {
	const batch = maxParams / codeParams
	for start := 0; start < len(cs); start += batch {
		part := cs[start:min(start+batch, len(cs))]
		rows := make([]string, len(part))
		args := make([]any, 0, len(part)*codeParams)
		for i, c := range part {
			rows[i] = "(" + placeholders(codeParams) + ")"
			args = append(args, kind, year, start+i, c.Code, c.Name, int(c.Level), c.ThreePublic)
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO classification_codes (kind, fiscal_year, seq, code, name, level, three_public)
			VALUES `+strings.Join(rows, ", "), args...); err != nil {
			return fmt.Errorf("store: unable to save codes: %w", err)
		}
	}
	return nil
}

// CodeLists summarises the loaded code lists by year and kind; year 0 lists every year.
func (s *Store) CodeLists(ctx context.Context, year int) ([]CodeListInfo, error) {
	query := `SELECT l.kind, l.fiscal_year, l.revision, l.source, l.loaded_at, l.loaded_by,
			COUNT(c.code) AS codes,
			COALESCE(SUM(CASE WHEN c.level = 1 THEN 1 ELSE 0 END), 0) AS classes,
			COALESCE(SUM(CASE WHEN c.level = 2 THEN 1 ELSE 0 END), 0) AS sections,
			COALESCE(SUM(CASE WHEN c.level = 3 THEN 1 ELSE 0 END), 0) AS items,
			COALESCE(SUM(CASE WHEN c.three_public <> '' THEN 1 ELSE 0 END), 0) AS three_public
		FROM code_lists l LEFT JOIN classification_codes c ON c.kind = l.kind AND c.fiscal_year = l.fiscal_year`
	var args []any
	if year != 0 {
		query += ` WHERE l.fiscal_year = ?`
		args = append(args, year)
	}
	query += ` GROUP BY l.kind, l.fiscal_year, l.revision, l.source, l.loaded_at, l.loaded_by ORDER BY l.fiscal_year, l.kind DESC`
	out := []CodeListInfo{}
	if err := s.read.SelectContext(ctx, &out, query, args...); err != nil {
		return nil, fmt.Errorf("store: unable to list code lists: %w", err)
	}
	return out, nil
}

// CodeListRevision returns the revision of the latest load, 0 when nothing was
// loaded. It changes whenever a list is loaded, so comparing it is how a
// running process learns, cheaply, that its lists are stale.
func (s *Store) CodeListRevision(ctx context.Context) (int64, error) {
	var rev int64
	if err := s.read.GetContext(ctx, &rev, `SELECT COALESCE(MAX(revision), 0) FROM code_lists`); err != nil {
		return 0, fmt.Errorf("store: unable to read code list revision: %w", err)
	}
	return rev, nil
}

// LoadCodes adds every loaded list to set (replacing the set's list of the
// same kind and year) and returns the revision they are at.
func (s *Store) LoadCodes(ctx context.Context, set *codes.Set) (int64, error) {
	// The revision is read first: a load committed in between makes the lists
	// newer than the revision says, which only costs one more reload later.
	rev, err := s.CodeListRevision(ctx)
	if err != nil {
		return 0, err
	}
	var rows []struct {
		Kind        string `db:"kind"`
		FiscalYear  int    `db:"fiscal_year"`
		Code        string `db:"code"`
		Name        string `db:"name"`
		ThreePublic string `db:"three_public"`
	}
	if err := s.read.SelectContext(ctx, &rows, `SELECT kind, fiscal_year, code, name, three_public
		FROM classification_codes ORDER BY kind, fiscal_year, seq`); err != nil {
		return 0, fmt.Errorf("store: unable to read code lists: %w", err)
	}
	for start := 0; start < len(rows); {
		end := start
		for end < len(rows) && rows[end].Kind == rows[start].Kind && rows[end].FiscalYear == rows[start].FiscalYear {
			end++
		}
		// package codes builds a List only from its CSV form, which validates it
		// (levels, parents); the stored rows are written back into that form.
		var b bytes.Buffer
		kind := rows[start].Kind
		list := make([]codes.Code, 0, end-start)
		for _, r := range rows[start:end] {
			list = append(list, codes.Code{Code: r.Code, Name: r.Name, ThreePublic: r.ThreePublic})
		}
		if err := codes.WriteCSV(&b, kind, list); err != nil {
			return 0, fmt.Errorf("store: stored %s code list of %d: %w", kind, rows[start].FiscalYear, err)
		}
		l, err := codes.Load(&b, kind)
		if err != nil {
			return 0, fmt.Errorf("store: stored %s code list of %d is invalid: %w", kind, rows[start].FiscalYear, err)
		}
		set.Add(rows[start].FiscalYear, l)
		start = end
	}
	return rev, nil
}
