package filings

import (
	"context"
	"runtime"
	"strings"
	"sync"

	"sunshine/checks"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
)

// Checker runs the consistency rules over one whole draft. It may read other
// filings through tx. Within one session (see Rules.Session) Check is called
// from several goroutines at once, so an implementation must not use tx
// without holding its own lock — package filings never uses tx while checks run.
type Checker interface {
	Check(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error)
}

// CheckerFunc adapts a function to Checker.
type CheckerFunc func(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error)

// Check calls f.
func (f CheckerFunc) Check(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error) {
	return f(ctx, tx, draft)
}

// sessioner is a Checker that can share work across the drafts of one transaction.
type sessioner interface {
	Session(ctx context.Context, tx *store.Tx) Checker
}

// session returns the checker for one transaction.
func (s *Service) session(ctx context.Context, tx *store.Tx) Checker {
	if sc, ok := s.Checker.(sessioner); ok {
		return sc.Session(ctx, tx)
	}
	return s.Checker
}

// checkChunk is how many drafts are held in memory at once while they are checked.
const checkChunk = 256

// checkDrafts runs the rules over each draft and stores its findings with it.
// Drafts are taken a chunk at a time: their content is loaded (from mem when
// this upload wrote all of it, else from the database), the rules run on every
// core — they are pure computation — and the findings are written back.
//
// A finding keeps the sheet and cell of the workbook figure it names. An
// upload of a workbook passes loc, where its figures were printed (nil:
// none), and written, the tables it replaced; a figure of a table the upload
// did not replace keeps the place its earlier findings gave it (a draft
// rechecked after a code list is loaded keeps every place).
//
// pre holds the findings of drafts the upload checked while it wrote them
// (see precheck), which are not checked again; nil for none.
func checkDrafts(ctx context.Context, tx *store.Tx, chk Checker, fs []models.Filing, mem *memory, loc *ingest.Locator,
	written map[tableKey]bool, pre map[int64][]models.Finding) ([]models.Finding, error) {
	var all []models.Finding
	for start := 0; start < len(fs); start += checkChunk {
		part := fs[start:min(start+checkChunk, len(fs))]
		drafts := make([]*checks.Filing, len(part))
		fresh := make([]bool, len(part)) // written whole by this upload: no earlier findings
		for i, f := range part {
			if _, ok := pre[f.ID]; ok {
				fresh[i] = true // created by this upload, checked whole already
				continue
			}
			d, ok := mem.filing(f)
			fresh[i] = ok
			if !ok {
				var err error
				if d, err = loadFiling(ctx, tx, f); err != nil {
					return nil, err
				}
			}
			drafts[i] = d
		}
		results, err := runChecks(ctx, tx, chk, drafts)
		if err != nil {
			return nil, err
		}
		for i, f := range part {
			if fs, ok := pre[f.ID]; ok {
				results[i] = fs
			}
		}
		for i, f := range part {
			var kept map[figure]place
			var stored map[figure]store.FigureCell
			if !fresh[i] {
				if kept, err = keptPlaces(ctx, tx, f.ID, written); err != nil {
					return nil, err
				}
				if stored, err = storedCells(ctx, tx, f.ID); err != nil {
					return nil, err
				}
			}
			for j := range results[i] {
				x := &results[i][j]
				x.FilingID = f.ID
				if x.Cell != "" || (loc != nil && loc.Locate(f.FilingKey, x)) {
					continue
				}
				k := figure{x.Table, x.Code, x.Column}
				if x.Table == string(models.TableThreePublic) {
					k.code, k.column = "", ""
				}
				if c, ok := stored[k]; ok {
					ingest.PlaceFinding(x, c.Sheet, c.Cell)
				} else if p, ok := kept[figure{x.Table, x.Code, x.Column}]; ok {
					x.Sheet, x.Cell, x.Message = p.sheet, p.cell, p.prefix+x.Message
				}
			}
			if err := tx.ReplaceFindings(ctx, f.ID, results[i]); err != nil {
				return nil, err
			}
			all = append(all, results[i]...)
		}
	}
	return all, nil
}

// figure names a figure of a filing as a finding does.
type figure struct{ table, code, column string }

// place is where a workbook printed a figure, and how a message starts that names it (表3!D12：).
type place struct{ sheet, cell, prefix string }

// storedCells reads where a workbook printed the filing's figures
// (figure_cells): a finding the upload's own checks did not make — one first
// made when the draft is checked again — is placed from them.
func storedCells(ctx context.Context, tx *store.Tx, filingID int64) (map[figure]store.FigureCell, error) {
	cells, err := tx.FigureCells(ctx, filingID)
	if err != nil || len(cells) == 0 {
		return nil, err
	}
	out := make(map[figure]store.FigureCell, len(cells))
	for _, c := range cells {
		out[figure{string(c.Table), c.Code, c.Column}] = c
	}
	return out, nil
}

// keptPlaces reads where the filing's stored findings placed their figures,
// leaving out the tables in written (replaced since).
func keptPlaces(ctx context.Context, tx *store.Tx, filingID int64, written map[tableKey]bool) (map[figure]place, error) {
	old, err := tx.Findings(ctx, filingID)
	if err != nil {
		return nil, err
	}
	var out map[figure]place
	for _, f := range old {
		if f.Cell == "" || f.Table == "" || written[tableKey{filingID, models.Table(f.Table)}] {
			continue
		}
		ref := "!" + f.Cell + "："
		i := strings.Index(f.Message, ref)
		if i < 0 {
			continue
		}
		if out == nil {
			out = map[figure]place{}
		}
		out[figure{f.Table, f.Code, f.Column}] = place{f.Sheet, f.Cell, f.Message[:i+len(ref)]}
	}
	return out, nil
}

// runChecks checks drafts in parallel, one worker per core.
func runChecks(ctx context.Context, tx *store.Tx, chk Checker, drafts []*checks.Filing) ([][]models.Finding, error) {
	results := make([][]models.Finding, len(drafts))
	if chk == nil {
		return results, nil
	}
	errs := make([]error, len(drafts))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(drafts)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = chk.Check(ctx, tx, drafts[i])
			}
		}()
	}
	for i, d := range drafts {
		if d != nil { // nil: checked already
			next <- i
		}
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

// loadFiling reads a draft's whole content from the database.
func loadFiling(ctx context.Context, tx *store.Tx, f models.Filing) (*checks.Filing, error) {
	tp, err := tx.ThreePublic(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	items, err := tx.LineItems(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	notes, err := tx.TableNotes(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	return &checks.Filing{Filing: f, ThreePublic: tp, Items: items, Notes: notes}, nil
}

// maxRememberedRows caps the rows an upload keeps in memory for the checks
// (about 200 bytes each); past it, drafts are read back from the database.
const maxRememberedRows = 600_000

// memory holds what one upload wrote into drafts it created from nothing, up to a cap.
type memory struct {
	limit, rows int
	full        bool
	items       map[int64][]models.LineItem
	three       map[int64]*models.ThreePublic
	notes       map[int64][]models.TableNote
	// taken are drafts whose content was handed over (forget): the memory no
	// longer holds all of them, so they are read back from the database.
	taken map[int64]bool
	// lastLen is how many line items the draft last added to has: a new
	// draft's slice starts that large (files give drafts of similar sizes),
	// not growing and copying itself there row by row; at most maxPresize.
	lastLen int
}

func newMemory(limit int) *memory {
	return &memory{limit: limit, items: map[int64][]models.LineItem{}, three: map[int64]*models.ThreePublic{},
		notes: map[int64][]models.TableNote{}, taken: map[int64]bool{}}
}

// forget drops the remembered content of a draft whose content was handed
// over: later rows of it are not remembered, and filing no longer answers
// for it (it is read back from the database).
func (m *memory) forget(id int64) {
	m.rows -= len(m.items[id])
	delete(m.items, id)
	delete(m.three, id)
	delete(m.notes, id)
	m.taken[id] = true
}

func (m *memory) addNote(n models.TableNote) {
	if !m.full && !m.taken[n.FilingID] {
		m.notes[n.FilingID] = append(m.notes[n.FilingID], n)
	}
}

func (m *memory) addItem(li models.LineItem) {
	if m.full || m.taken[li.FilingID] {
		return
	}
	if m.rows++; m.rows > m.limit {
		m.full, m.items, m.three, m.notes = true, nil, nil, nil
		return
	}
	items, ok := m.items[li.FilingID]
	if !ok {
		items = make([]models.LineItem, 0, min(m.lastLen, maxPresize))
	}
	items = append(items, li)
	m.items[li.FilingID] = items
	m.lastLen = len(items)
}

// maxPresize bounds what a new draft's slice reserves on a guess (about 1 MB).
const maxPresize = 4096

func (m *memory) putThreePublic(tp models.ThreePublic) {
	if !m.full && !m.taken[tp.FilingID] {
		m.three[tp.FilingID] = &tp
	}
}

// filing returns the remembered content of f, if the upload kept it.
func (m *memory) filing(f models.Filing) (*checks.Filing, bool) {
	if m == nil || m.full || m.taken[f.ID] {
		return nil, false
	}
	items, hasItems := m.items[f.ID]
	tp, hasThree := m.three[f.ID]
	notes, hasNotes := m.notes[f.ID]
	if !hasItems && !hasThree && !hasNotes {
		return nil, false
	}
	return &checks.Filing{Filing: f, ThreePublic: tp, Items: items, Notes: notes}, true
}

// Recheck runs the rules again over the given drafts and stores their
// findings, as an upload to them would: after a code list is loaded, say.
// Filings that are not drafts are skipped (published findings are frozen).
func (s *Service) Recheck(ctx context.Context, ids []int64) ([]models.Finding, error) {
	var out []models.Finding
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var drafts []models.Filing
		for _, id := range ids {
			f, err := tx.Filing(ctx, id)
			if err != nil {
				return err
			}
			if f.Status == models.StatusDraft {
				drafts = append(drafts, f)
			}
		}
		var err error
		out, err = checkDrafts(ctx, tx, s.session(ctx, tx), drafts, nil, nil, nil, nil)
		return err
	})
	return out, err
}
