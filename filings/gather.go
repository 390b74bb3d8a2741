package filings

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"sunshine/checks"
	"sunshine/ingest"
	"sunshine/models"
)

// Gathering without storing, for `sunshine check`: the records of files are
// gathered into in-memory drafts exactly as uploads gather them into stored
// ones, so the checks see the same filings either way.

// DraftSet gathers the records of the checked files into filings the way
// uploads into drafts do: by department × year × phase, a table given again by
// a later file replacing the earlier one, likewise the 三公 record.
type DraftSet struct {
	List  []*Draft // in the order the files first gave them
	byKey map[models.FilingKey]*Draft
}

// Draft is one gathered filing: numbered 1, 2, … in ID (nothing is stored).
type Draft struct {
	checks.Filing
	DeptName string
	Files    []string      // the files that gave it records
	Report   models.Report // the caller's, once it has checked the draft
}

type draftTable struct {
	d     *Draft
	table models.Table
}

// Read adds the records of one file and returns its parse findings.
func (s *DraftSet) Read(path string, opts ingest.Options) ([]models.Finding, bool, error) {
	rd, err := ingest.OpenFile(path, opts)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, false, models.Errorf(models.EINVALID, "文件不存在")
		}
		return nil, false, err
	}
	defer rd.Close()
	name := filepath.Base(path)
	replaced := map[draftTable]bool{}
	// replace empties a table of a draft (its lines and notes) the first time
	// this file gives it, as an upload replaces the table in its draft.
	replace := func(d *Draft, t models.Table) {
		if k := (draftTable{d, t}); !replaced[k] {
			d.Items = slices.DeleteFunc(d.Items, func(li models.LineItem) bool { return li.Table == t })
			d.Notes = slices.DeleteFunc(d.Notes, func(n models.TableNote) bool { return n.Table == t })
			replaced[k] = true
		}
	}
	threeRows := map[*Draft][]int{}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false, err
		}
		d := s.draft(rec, name)
		if n := rec.Note; n != nil {
			replace(d, n.Table)
			note := *n
			note.FilingID, note.SourceRow = d.ID, rec.Row
			d.Notes = append(d.Notes, note)
		}
		switch {
		case rec.ThreePublic != nil:
			replace(d, models.TableThreePublic)
			threeRows[d] = append(threeRows[d], rec.Row)
			tp := *rec.ThreePublic
			tp.FilingID, tp.SourceRow = d.ID, rec.Row
			d.ThreePublic = &tp
		case rec.LineItem != nil:
			li := *rec.LineItem
			li.FilingID, li.SourceRow = d.ID, rec.Row
			replace(d, li.Table)
			d.Items = append(d.Items, li)
		}
	}
	findings := rd.Findings()
	// An upload refuses a file giving one filing's 三公 record twice (filings.Service.Upload); so does check.
	for _, d := range s.List {
		rows := threeRows[d]
		for _, r := range rows[min(1, len(rows)):] {
			findings = append(findings, models.Finding{Rule: "row.duplicate", Severity: models.SeverityError,
				Table: string(models.TableThreePublic), Row: r,
				Message: fmt.Sprintf("第 %d 行：部门 %s %d 年%s的三公经费在第 %d 行已经给出，同一文件中只能出现一次",
					r, d.DeptCode, d.FiscalYear, d.Phase.Chinese(), rows[0])})
		}
	}
	return findings, rd.Partial(), nil
}

func (s *DraftSet) draft(rec ingest.Record, file string) *Draft {
	d, ok := s.byKey[rec.Key]
	if !ok {
		if s.byKey == nil {
			s.byKey = map[models.FilingKey]*Draft{}
		}
		d = &Draft{Filing: checks.Filing{Filing: models.Filing{ID: int64(len(s.List) + 1), FilingKey: rec.Key,
			Version: 1, Status: models.StatusDraft}}, DeptName: rec.DeptName}
		s.byKey[rec.Key] = d
		s.List = append(s.List, d)
	}
	if len(d.Files) == 0 || d.Files[len(d.Files)-1] != file {
		d.Files = append(d.Files, file)
	}
	return d
}
