package models

import "strconv"

// FigureSource is where a stored figure read from a PDF was printed: the
// PDF's SHA-256, the 1-based page and the cell's box in PDF points from the
// page's top left. Table, Code and Column name the figure in its filing as
// a line item is named; a 三公 field is Table three_public, Code "" and
// Column the field key (total, reception …).
type FigureSource struct {
	FilingID int64   `db:"filing_id" json:"-"`
	Table    Table   `db:"tbl" json:"table"`
	Code     string  `db:"code" json:"code"`
	Column   string  `db:"col" json:"column"`
	SHA256   string  `db:"sha256" json:"sha256"`
	Page     int     `db:"page" json:"page"`
	X0       float64 `db:"x0" json:"x0"`
	Y0       float64 `db:"y0" json:"y0"`
	X1       float64 `db:"x1" json:"x1"`
	Y1       float64 `db:"y1" json:"y1"`
}

// SourcePath is where the service serves the original PDF of a SHA-256.
func SourcePath(sha256 string) string { return "/api/v1/sources/" + sha256 + "/source.pdf" }

// Link is the figure's page of its PDF, relative to the service's base URL:
// /api/v1/sources/{sha256}/source.pdf#page=N (PDF viewers open that page).
func (s FigureSource) Link() string { return SourcePath(s.SHA256) + "#page=" + strconv.Itoa(s.Page) }

// FigureKey names a figure within its filing: table/code/column.
func FigureKey(table Table, code, column string) string {
	return string(table) + "/" + code + "/" + column
}

// Key is the figure the source is of.
func (s FigureSource) Key() string { return FigureKey(s.Table, s.Code, s.Column) }
