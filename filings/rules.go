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

	// checking serialises Check, which reads the transaction itself: a
	// checker that calls it is called from several goroutines at once.
	checking sync.Mutex
}

// Check runs every rule over the draft. Each call reads the published
// filings afresh; Session shares them across the drafts of one transaction.
// Calls are taken one at a time (the Checker contract: several goroutines
// call Check, and a transaction is one connection).
func (r *Rules) Check(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error) {
	r.checking.Lock()
	defer r.checking.Unlock()
	return r.Session(ctx, tx).Check(ctx, tx, draft)
}

// Session returns a Checker for one transaction that reads each published
// filing and each region's peers at most once: an upload of forty departments
// compares every one of them with the same published peers. Its Check may be
// called from several goroutines; reads of the database are serialised. It
// is also a prechecker: an upload checks its new drafts while it writes.
func (r *Rules) Session(ctx context.Context, tx *store.Tx) Checker {
	return &ruleSession{rules: r, view: NewPublishedView(ctx, tx)}
}

type ruleSession struct {
	rules *Rules
	view  *PublishedView
}

func (s *ruleSession) env(pub checks.Published) checks.Env {
	return checks.Env{Codes: s.rules.Codes, Published: pub, Severity: s.rules.Severity}
}

func (s *ruleSession) Check(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error) {
	findings := checks.Run(draft, s.env(s.view))
	if err := s.view.Err(); err != nil {
		return nil, err
	}
	return findings, nil
}

// Prefetch reads what the cross-filing rules ask about a draft of key: last
// year's filing, for a final its year's budgets, and the region's peers.
func (s *ruleSession) Prefetch(key models.FilingKey) error {
	last := key
	last.FiscalYear--
	s.view.Latest(last)
	if key.Phase == models.PhaseFinal {
		for _, phase := range []models.Phase{models.PhaseAdjusted, models.PhaseBudget} {
			k := key
			k.Phase = phase
			s.view.Latest(k)
		}
	}
	s.view.Peers(key.RegionCode, key.FiscalYear, key.Phase)
	return s.view.Err()
}

// CheckCached runs the rules with what the view holds already; ok is false
// when they asked for something it does not (the findings are then unusable).
func (s *ruleSession) CheckCached(draft *checks.Filing) ([]models.Finding, bool) {
	c := &cachedView{view: s.view}
	findings := checks.Run(draft, s.env(c))
	return findings, !c.missed
}

// cachedView answers checks.Published from a PublishedView's cache alone,
// never from the database (whose transaction another goroutine is using).
type cachedView struct {
	view   *PublishedView
	missed bool
}

func (c *cachedView) Latest(key models.FilingKey) (*checks.Filing, bool) {
	c.view.mu.Lock()
	defer c.view.mu.Unlock()
	f, ok := c.view.latest[key]
	if !ok {
		c.missed = true
	}
	return f, f != nil
}

func (c *cachedView) Peers(region string, year int, phase models.Phase) []checks.Filing {
	c.view.mu.Lock()
	defer c.view.mu.Unlock()
	ps, ok := c.view.peers[peerKey{region, year, phase}]
	if !ok {
		c.missed = true
	}
	return ps
}

type peerKey struct {
	region string
	year   int
	phase  models.Phase
}

// PublishedSource is where a PublishedView reads: a transaction (*store.Tx),
// which sees what it has itself published, or the store (*store.Store), for
// `sunshine check`, which only reads.
type PublishedSource interface {
	LatestPublished(ctx context.Context, key models.FilingKey) (models.Filing, error)
	PublishedFilings(ctx context.Context, region string, year int, phase models.Phase) ([]models.Filing, error)
	ThreePublic(ctx context.Context, filingID int64) (*models.ThreePublic, error)
	LineItemsWithCodes(ctx context.Context, filingID int64, codes []string) ([]models.LineItem, error)
}

// PublishedView answers checks.Published from the database, reading each
// published filing and each region's peers at most once. The interface has no
// error return, so the first database error is kept for Err.
type PublishedView struct {
	mu     sync.Mutex // the rules run on several goroutines; a transaction is one connection
	ctx    context.Context
	src    PublishedSource
	latest map[models.FilingKey]*checks.Filing
	peers  map[peerKey][]checks.Filing
	err    error
}

// NewPublishedView reads published filings from src.
func NewPublishedView(ctx context.Context, src PublishedSource) *PublishedView {
	return &PublishedView{ctx: ctx, src: src, latest: map[models.FilingKey]*checks.Filing{}, peers: map[peerKey][]checks.Filing{}}
}

func (v *PublishedView) Latest(key models.FilingKey) (*checks.Filing, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if f, ok := v.latest[key]; ok {
		return f, f != nil
	}
	var out *checks.Filing
	f, err := v.src.LatestPublished(v.ctx, key)
	switch {
	case err == nil:
		out, err = loadPublished(v.ctx, v.src, f)
		v.keep(err)
	case models.ErrorCode(err) != models.ENOTFOUND:
		v.keep(err)
	}
	v.latest[key] = out
	return out, out != nil
}

func (v *PublishedView) Peers(region string, year int, phase models.Phase) []checks.Filing {
	v.mu.Lock()
	defer v.mu.Unlock()
	k := peerKey{region, year, phase}
	if ps, ok := v.peers[k]; ok {
		return ps
	}
	fs, err := v.src.PublishedFilings(v.ctx, region, year, phase)
	v.keep(err)
	ps := make([]checks.Filing, 0, len(fs))
	for _, f := range fs {
		cf, err := loadPublished(v.ctx, v.src, f)
		if err != nil {
			v.keep(err)
			break
		}
		ps = append(ps, *cf)
	}
	v.peers[k] = ps
	return ps
}

// Err is the first database error the view met, if any.
func (v *PublishedView) Err() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.err
}

func (v *PublishedView) keep(err error) {
	if v.err == nil && err != nil {
		v.err = err
	}
}

// loadPublished reads what the cross-filing rules look at in a published
// filing — its 三公 record and its tables' totals — not every line item.
func loadPublished(ctx context.Context, src PublishedSource, f models.Filing) (*checks.Filing, error) {
	tp, err := src.ThreePublic(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	items, err := src.LineItemsWithCodes(ctx, f.ID, checks.PublishedRowCodes())
	if err != nil {
		return nil, err
	}
	return &checks.Filing{Filing: f, ThreePublic: tp, Items: items}, nil
}

// SeverityOverrides are the overrides uploads are checked with: those of the
// Rules that the service's checker is, or wraps (Unwrap); nil for none or a
// nil service. The rules API and the rules page show the effective severities
// from them (checks.EffectiveSeverity).
func (s *Service) SeverityOverrides() map[string]models.Severity {
	if s == nil {
		return nil
	}
	c := s.Checker
	for {
		switch r := c.(type) {
		case *Rules:
			return r.Severity
		case interface{ Unwrap() Checker }:
			c = r.Unwrap()
		default:
			return nil
		}
	}
}
