package models

import (
	"fmt"
	"time"
)

// Kind is what an upload, a filing's rows and a dataset hold: 三公 records or
// the line items of the standard tables (CONTRACT.md §2).
type Kind string

// The kinds, listed once. The constants are untyped so that the readers of
// uploads (ingest), which name a kind before it is a dataset's, use them too.
const (
	KindThreePublic = "three_public"
	KindLineItems   = "line_items"
)

// Kinds are every kind, in the order datasets and pages list them.
var Kinds = []Kind{KindThreePublic, KindLineItems}

// Dataset is region × fiscal year × phase × kind: what a journalist downloads whole.
type Dataset struct {
	ID            string    `db:"id" json:"id"`
	RegionCode    string    `db:"region_code" json:"region_code"`
	RegionName    string    `db:"region_name" json:"region_name"`
	FiscalYear    int       `db:"fiscal_year" json:"fiscal_year"`
	Phase         Phase     `db:"phase" json:"phase"`
	Kind          Kind      `db:"kind" json:"kind"`
	LatestRelease int       `db:"latest_release" json:"release"`
	UpdatedAt     time.Time `db:"updated_at" json:"updated_at"`
}

// DatasetID is the readable, citable id of a dataset: "990101-2024-final-three_public".
func DatasetID(region string, year int, phase Phase, kind Kind) string {
	return fmt.Sprintf("%s-%d-%s-%s", region, year, phase, kind)
}

// Release actions.
const (
	ActionPublish    = "publish"    // a department's first published version
	ActionCorrection = "correction" // a later version superseding an earlier one
	ActionWithdrawal = "withdrawal" // a published version taken back
)

// Release is one numbered state of a dataset.
type Release struct {
	ID         int64     `db:"id" json:"-"`
	DatasetID  string    `db:"dataset_id" json:"dataset_id"`
	Number     int       `db:"number" json:"release"`
	Action     string    `db:"action" json:"action"`
	FilingID   int64     `db:"filing_id" json:"filing_id"`
	Note       string    `db:"note" json:"note"`
	Rows       int       `db:"row_count" json:"rows"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	CreatedBy  string    `db:"created_by" json:"-"`
	DeptCode   string    `db:"dept_code" json:"dept_code"`
	DeptName   string    `db:"dept_name" json:"dept_name"`
	RegionCode string    `db:"region_code" json:"region_code"`
	RegionName string    `db:"region_name" json:"region_name"`
	FiscalYear int       `db:"fiscal_year" json:"fiscal_year"`
	Phase      string    `db:"phase" json:"phase"`
	Kind       Kind      `db:"kind" json:"kind"`

	// A publication act of several departments makes one release per
	// dataset: FilingID (and DeptCode, DeptName) name the first filing
	// version it added, replaced or took out, Filings counts them.
	Filings       int    `db:"filing_count" json:"filings"`
	PublicationID *int64 `db:"publication_id" json:"publication_id,omitempty"` // the act that made it; none for a withdrawal
}
