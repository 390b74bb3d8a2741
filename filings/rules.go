package filings

import (
	"context"

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

// Check loads the draft and runs every rule over it. Each call reads the
// published filings afresh; Session shares them across the drafts of one upload.
func (r *Rules) Check(ctx context.Context, tx *store.Tx, f models.Filing) ([]models.Finding, error) {
	return r.Session(ctx, tx).Check(ctx, tx, f)
}

// Session returns a Checker for one transaction that reads each published
// filing and each region's peers at most once: an upload of forty departments
// compares every one of them with the same published peers.
func (r *Rules) Session(ctx context.Context, tx *store.Tx) Checker {
	view := &publishedView{ctx: ctx, tx: tx, latest: map[models.FilingKey]*checks.Filing{}, peers: map[peerKey][]checks.Filing{}}
	return CheckerFunc(func(ctx context.Context, tx *store.Tx, f models.Filing) ([]models.Finding, error) {
		draft, err := loadFiling(ctx, tx, f)
		if err != nil {
			return nil, err
		}
		findings := checks.Run(draft, checks.Env{Codes: r.Codes, Published: view, Severity: r.Severity})
		if view.err != nil {
			return nil, view.err
		}
		return findings, nil
	})
}

// sessioner is a Checker that can share work across the drafts of one upload.
type sessioner interface {
	Session(ctx context.Context, tx *store.Tx) Checker
}

func loadFiling(ctx context.Context, tx *store.Tx, f models.Filing) (*checks.Filing, error) {
	tp, err := tx.ThreePublic(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	items, err := tx.LineItems(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	return &checks.Filing{Filing: f, ThreePublic: tp, Items: items}, nil
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
	ctx    context.Context
	tx     *store.Tx
	latest map[models.FilingKey]*checks.Filing
	peers  map[peerKey][]checks.Filing
	err    error
}

func (v *publishedView) Latest(key models.FilingKey) (*checks.Filing, bool) {
	if f, ok := v.latest[key]; ok {
		return f, f != nil
	}
	var out *checks.Filing
	f, err := v.tx.LatestPublished(v.ctx, key)
	switch {
	case err == nil:
		out, err = loadFiling(v.ctx, v.tx, f)
		v.keep(err)
	case models.ErrorCode(err) != models.ENOTFOUND:
		v.keep(err)
	}
	v.latest[key] = out
	return out, out != nil
}

func (v *publishedView) Peers(region string, year int, phase models.Phase) []checks.Filing {
	k := peerKey{region, year, phase}
	if ps, ok := v.peers[k]; ok {
		return ps
	}
	fs, err := v.tx.PublishedFilings(v.ctx, region, year, phase)
	v.keep(err)
	ps := make([]checks.Filing, 0, len(fs))
	for _, f := range fs {
		cf, err := loadFiling(v.ctx, v.tx, f)
		if err != nil {
			v.keep(err)
			break
		}
		ps = append(ps, *cf)
	}
	v.peers[k] = ps
	return ps
}

func (v *publishedView) keep(err error) {
	if v.err == nil && err != nil {
		v.err = err
	}
}
