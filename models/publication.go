package models

import "time"

// Publication states.
const (
	PublicationScheduled = "scheduled" // waits for its time (RunAt)
	PublicationPublished = "published" // ran: its drafts are published, its releases made
	PublicationCancelled = "cancelled" // taken back before its time
	PublicationFailed    = "failed"    // ran and refused (Reason says why): nothing was published
)

// Publication is one act of publishing: a set of clean drafts published
// together with one note, at once or at a scheduled time. It makes one
// release per dataset its drafts touch.
type Publication struct {
	ID        int64      `db:"id" json:"id"`
	State     string     `db:"state" json:"state"`
	Note      string     `db:"note" json:"note"`
	RunAt     *time.Time `db:"run_at" json:"at,omitempty"` // when a scheduled act runs
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	CreatedBy string     `db:"created_by" json:"created_by"`
	DoneAt    *time.Time `db:"done_at" json:"done_at,omitempty"` // when it was published, cancelled or failed
	DoneBy    string     `db:"done_by" json:"done_by,omitempty"`
	Reason    string     `db:"reason" json:"reason,omitempty"` // why it failed
	// TokenID is the token that created the act (nil: the command line); a
	// scheduled act is run with that token's rights as they are when it runs.
	TokenID *int64 `db:"token_id" json:"-"`
	// Filings are the drafts it publishes (published versions once it ran).
	Filings []int64 `db:"-" json:"filings"`
	// Releases are the releases it made, one per dataset touched.
	Releases []Release `db:"-" json:"releases"`
}
