package filings

import (
	"context"
	"sync"

	"sunshine/checks"
	"sunshine/codes"
	"sunshine/models"
	"sunshine/store"
)

// Rules is the Checker that runs package checks over a whole draft, with the
// database's published filings as the context of the cross-filing rules.
type Rules struct {
	// Codes are the classification lists by year; nil means the starter lists.
	Codes *codes.Set
	// Severity holds the deployment's overrides (see checks.Env).
	Severity map[string]models.Severity
}

// Check runs every rule over the draft. Each call reads the published
// filings afresh; Session shares them across the drafts of one transaction.
func (r *Rules) Check(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error) {
	return r.Session(ctx, tx).Check(ctx, tx, draft)
}

// Session returns a Checker for one transaction that reads each published
// filing and each region's peers at most once: an upload of forty departments
// compares every one of them with the same published peers. Its Check may be
// called from several goroutines; reads of the database are serialised.
func (r *Rules) Session(ctx context.Context, tx *store.Tx) Checker {
	view := &publishedView{ctx: ctx, tx: tx, latest: map[models.FilingKey]*checks.Filing{}, peers: map[peerKey][]checks.Filing{}}
	return CheckerFunc(func(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error) {
		findings := checks.Run(draft, checks.Env{Codes: r.Codes, Published: view, Severity: r.Severity})
		if err := view.error(); err != nil {
			return nil, err
		}
		return findings, nil
	})
}

type peerKey struct {
	region string
	year   int
	phase  models.Phase
}

// publishedView answers checks.Published from the database inside the upload's
// transaction. The interface has no error return, so the first database error
// is kept and reported by the checker after the rules have run.
type publishedView struct {
	mu     sync.Mutex // the rules run on several goroutines; the transaction is one connection
	ctx    context.Context
	tx     *store.Tx
	latest map[models.FilingKey]*checks.Filing
	peers  map[peerKey][]checks.Filing
	err    error
}

func (v *publishedView) Latest(key models.FilingKey) (*checks.Filing, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if f, ok := v.latest[key]; ok {
		return f, f != nil
	}
	var out *checks.Filing
	f, err := v.tx.LatestPublished(v.ctx, key)
	switch {
	case err == nil:
		out, err = loadPublished(v.ctx, v.tx, f)
		v.keep(err)
	case models.ErrorCode(err) != models.ENOTFOUND:
		v.keep(err)
	}
	v.latest[key] = out
	return out, out != nil
}

func (v *publishedView) Peers(region string, year int, phase models.Phase) []checks.Filing {
	v.mu.Lock()
	defer v.mu.Unlock()
	k := peerKey{region, year, phase}
	if ps, ok := v.peers[k]; ok {
		return ps
	}
	fs, err := v.tx.PublishedFilings(v.ctx, region, year, phase)
	v.keep(err)
	ps := make([]checks.Filing, 0, len(fs))
	for _, f := range fs {
		cf, err := loadPublished(v.ctx, v.tx, f)
		if err != nil {
			v.keep(err)
			break
		}
		ps = append(ps, *cf)
	}
	v.peers[k] = ps
	return ps
}

func (v *publishedView) error() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.err
}

func (v *publishedView) keep(err error) {
	if v.err == nil && err != nil {
		v.err = err
	}
}

// loadPublished reads what the cross-filing rules look at in a published
// filing — its 三公 record and its tables' totals — not every line item.
func loadPublished(ctx context.Context, tx *store.Tx, f models.Filing) (*checks.Filing, error) {
	tp, err := tx.ThreePublic(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	items, err := tx.LineItemsWithCodes(ctx, f.ID, checks.PublishedRowCodes())
	if err != nil {
		return nil, err
	}
	return &checks.Filing{Filing: f, ThreePublic: tp, Items: items}, nil
}
