package filings

import (
	"context"
	"sync/atomic"

	"sunshine/checks"
	"sunshine/models"
	"sunshine/store"
)

// CountingRules is r whose upload sessions count in early the drafts they
// checked while the upload wrote.
func CountingRules(r *Rules, early *atomic.Int64) Checker { return countingRules{r, early} }

// countingRules is Rules whose sessions count the drafts checked while the upload wrote.
type countingRules struct {
	*Rules
	early *atomic.Int64
}

func (r countingRules) Session(ctx context.Context, tx *store.Tx) Checker {
	return countingSession{r.Rules.Session(ctx, tx).(*ruleSession), r.early}
}

type countingSession struct {
	*ruleSession
	early *atomic.Int64
}

func (s countingSession) CheckCached(d *checks.Filing) ([]models.Finding, bool) {
	fs, ok := s.ruleSession.CheckCached(d)
	if ok {
		s.early.Add(1)
	}
	return fs, ok
}
