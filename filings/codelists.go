package filings

import (
	"context"
	"sync"

	"sunshine/checks"
	"sunshine/codes"
	"sunshine/models"
	"sunshine/store"
)

// CodeLists keeps the code lists loaded with `sunshine codes load` in memory.
// Before each upload it compares the database's code list revision with the
// one it holds (one small query) and reloads when they differ, so a running
// serve picks up lists loaded by another process at its next upload.
type CodeLists struct {
	store *store.Store
	set   *codes.Set
	mu    sync.Mutex
	seen  int64 // the revision in set; -1 before the first load
}

// NewCodeLists loads the database's code lists. An error is not fatal: the
// lists are retried before every upload (which fails while they cannot be read).
func NewCodeLists(ctx context.Context, s *store.Store) (*CodeLists, error) {
	c := &CodeLists{store: s, set: codes.NewSet(), seen: -1}
	return c, c.Refresh(ctx)
}

// Set is the lists, for Rules.Codes; Refresh updates it in place.
func (c *CodeLists) Set() *codes.Set { return c.set }

// Refresh reloads the lists when the database's revision has moved.
func (c *CodeLists) Refresh(ctx context.Context) error {
	rev, err := c.store.CodeListRevision(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if rev == c.seen {
		return nil
	}
	c.seen, err = c.store.LoadCodes(ctx, c.set)
	if err != nil {
		c.seen = -1
	}
	return err
}

// LiveRules is Rules with the code lists refreshed once per upload (per session).
type LiveRules struct {
	*Rules
	Lists *CodeLists
}

// Check runs the rules over one draft.
func (r LiveRules) Check(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error) {
	return r.Session(ctx, tx).Check(ctx, tx, draft)
}

// Session refreshes the code lists, then shares the published filings across the drafts of one upload.
func (r LiveRules) Session(ctx context.Context, tx *store.Tx) Checker {
	if err := r.Lists.Refresh(ctx); err != nil {
		return CheckerFunc(func(context.Context, *store.Tx, *checks.Filing) ([]models.Finding, error) { return nil, err })
	}
	return r.Rules.Session(ctx, tx)
}

// Unwrap returns the rules, so that GET /api/v1/rules shows the severities uploads are checked with.
func (r LiveRules) Unwrap() Checker { return r.Rules }
