package models

import (
	"database/sql/driver"
	"encoding/json"
)

// Severity is how much a finding matters: an error blocks publication, a
// warning publishes with a visible flag, an info is a note (rounding).
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Finding is one result of a consistency rule or of parsing a file, shaped
// after the Frictionless validation report. Rule is a key of DOMAIN.md §5
// (three_public.total, hierarchy.sum, …) or a parse error (cell.type, header.unknown, …).
type Finding struct {
	Rule     string   `db:"rule" json:"rule"`
	Severity Severity `db:"severity" json:"severity"`
	Message  string   `db:"message" json:"message"`
	FilingID int64    `db:"filing_id" json:"filing_id,omitempty"`
	Table    string   `db:"tbl" json:"table,omitempty"`
	// Code is the row's classification code or row key.
	Code string `db:"code" json:"code,omitempty"`
	// Column is a column key, or for parse findings the header text as written.
	Column string `db:"col" json:"column,omitempty"`
	// Row is the 1-based row of the uploaded file (header = 1); 0 when the figure did not come from a row.
	Row int `db:"row_num" json:"row,omitempty"`
	// Sheet and Cell place a finding in an uploaded workbook as Excel shows
	// it: the sheet's name and the cell (D12), which Message writes as 表3!D12.
	// Empty for CSV and for figures no workbook gave. A check's finding keeps
	// the cell of the figure it names, stored with the filing's findings.
	Sheet    string `db:"sheet" json:"sheet,omitempty"`
	Cell     string `db:"cell" json:"cell,omitempty"`
	Value    string `db:"value" json:"value,omitempty"`
	Expected string `db:"expected" json:"expected,omitempty"`
	Actual   string `db:"actual" json:"actual,omitempty"`
	// The other side of a cross-table or cross-filing comparison.
	OtherFilingID int64  `db:"other_filing_id" json:"other_filing_id,omitempty"`
	OtherTable    string `db:"other_tbl" json:"other_table,omitempty"`
	OtherCode     string `db:"other_code" json:"other_code,omitempty"`
	OtherColumn   string `db:"other_col" json:"other_column,omitempty"`
	// Cells are every cell of this filing that takes part in the comparison
	// (the parent and its children, both tables of a cross-table rule), so
	// that a reader can find the one that was edited among them.
	Cells Cells `db:"cells" json:"cells,omitempty"`
}

// Report is a set of findings in the shape of CONTRACT.md §3.
type Report struct {
	Valid    bool        `json:"valid"`
	Partial  bool        `json:"partial"`
	Stats    ReportStats `json:"stats"`
	Findings []Finding   `json:"findings"`
}

// ReportStats counts findings by severity.
type ReportStats struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

// MaxReportFindings caps the findings listed in one report; past it the report is partial.
const MaxReportFindings = 1000

// NewReport counts the findings and keeps at most MaxReportFindings of them, errors first.
// Valid is true when there is no error.
func NewReport(findings []Finding) Report {
	r := Report{Findings: make([]Finding, 0, min(len(findings), MaxReportFindings))}
	for _, f := range findings {
		switch f.Severity {
		case SeverityError:
			r.Stats.Errors++
		case SeverityWarning:
			r.Stats.Warnings++
		default:
			r.Stats.Infos++
		}
	}
	for _, sev := range []Severity{SeverityError, SeverityWarning, SeverityInfo} {
		for _, f := range findings {
			if f.Severity != sev && !(sev == SeverityInfo && f.Severity != SeverityError && f.Severity != SeverityWarning) {
				continue
			}
			if len(r.Findings) == MaxReportFindings {
				r.Partial = true
				break
			}
			r.Findings = append(r.Findings, f)
		}
	}
	r.Valid = r.Stats.Errors == 0
	return r
}

// Cell names one cell of a filing's tables that a finding involves: for a sum,
// the total and each part; for a cross-table comparison, the cells of both tables.
type Cell struct {
	Table  string `json:"table"`
	Code   string `json:"code,omitempty"`
	Column string `json:"column,omitempty"`
	Row    int    `json:"row,omitempty"` // the source row of the uploaded file, 0 when unknown
}

// Cells is the list of a finding's cells, stored as JSON text (NULL when empty).
type Cells []Cell

// Value writes the cells as JSON, NULL when there are none.
func (c Cells) Value() (driver.Value, error) {
	if len(c) == 0 {
		return nil, nil
	}
	b, err := json.Marshal([]Cell(c))
	return string(b), err
}

// Scan reads the cells column.
func (c *Cells) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*c = nil
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return Errorf(EINVALID, "cells: cannot scan %T", src)
	}
	return json.Unmarshal(b, (*[]Cell)(c))
}
