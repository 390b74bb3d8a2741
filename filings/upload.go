// Package filings is the workflow of a filing: uploads into drafts, the
// checks over each whole draft, publication and withdrawal.
//
// Upload reads a file with package ingest, writes every row into the open
// draft of its department × year × phase, runs the consistency rules over each
// whole draft and stores the findings — all in one transaction, so an upload
// is stored whole or not at all. The HTTP upload, `sunshine import` and
// `sunshine demo` all come through here.
package filings

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
)

// Service applies uploads.
type Service struct {
	Store   *store.Store
	Checker Checker
	Options ingest.Options
	// AllowUploaderPublish lets an uploader publish its own departments' drafts; by default only an admin may.
	AllowUploaderPublish bool
}

// Actor is who uploads: a token's holder, or the command line (admin rights).
type Actor struct {
	Name  string
	Token *models.Token // nil for the command line and the demo loader, which may write anything
}

func (a Actor) mayWrite(region, dept string) bool {
	return a.Token == nil || a.Token.MayWrite(region, dept)
}

// File is one uploaded file, already on disk (the HTTP handler spools the body;
// the CLI has the file), so that it can be hashed before it is parsed.
type File struct {
	Path string
	Name string // as the user named it
	Kind string // "" detects it from the headers
	// Fields name the filing of a workbook in the official layout where its
	// titles do not (region_code, dept_code, fiscal_year, phase, …: the upload
	// form's fields, import's and check's flags); a workbook that says
	// otherwise is refused. An uploader's token scope fills region_code, and
	// dept_code when it names one department.
	Fields map[string]string
}

// Result is what an upload did.
type Result struct {
	Upload models.Upload
	// Filings lists the drafts the upload wrote into (at most MaxListedFilings); FilingsTotal counts them all.
	Filings      []models.Filing
	FilingsTotal int
	Report       models.Report
	// Duplicate is true when the same bytes were uploaded before: nothing new was stored.
	Duplicate bool
	// Rejected is true when the file had parse findings: nothing was stored and Report lists them.
	Rejected bool
}

// MaxListedFilings caps Result.Filings (CONTRACT.md §3).
const MaxListedFilings = 1000

// ProgressFunc is told the number of rows read so far, every few thousand rows.
type ProgressFunc func(rows int)

// Upload stores an upload. A file with parse findings stores nothing and comes
// back with Rejected set; a file touching a department the actor may not write
// to is refused whole with EFORBIDDEN naming the rows; the byte-identical file
// again comes back with Duplicate set and the report as it stands now.
func (s *Service) Upload(ctx context.Context, f File, actor Actor, progress ProgressFunc) (Result, error) {
	opts, err := s.Options.WithFilingFields(scopeFields(f.Fields, actor.Token))
	if err != nil {
		return Result{}, err
	}
	opts.Kind = f.Kind

	// The file is hashed, and an earlier upload of the same bytes looked for,
	// beside the reading rather than before it (a 30 MB file takes 20–30 ms
	// to hash). When one is found and the actor may see it, the write is
	// stopped and the earlier upload answers; it could not commit anyway
	// (uploads.sha256 is unique).
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	same := s.lookForSame(wctx, f.Path, actor, stop)

	var res Result
	var rejected = errors.New("rejected")
	// The store runs this again from the start when the transaction loses a
	// race with another (a deadlock on MySQL): so the file is opened, and the
	// result begun, inside it.
	err = s.Store.Write(wctx, func(tx *store.Tx) error {
		res = Result{}
		rd, err := ingest.OpenFile(f.Path, opts)
		if err != nil {
			return err
		}
		defer rd.Close()
		w := newWriter(tx, actor)
		w.hash = same.hash
		chk := s.session(ctx, tx)
		if pc, ok := chk.(prechecker); ok {
			w.pre = startPrecheck(pc)
			defer w.pre.stop()
		}
		ra := startReadAhead(rd, progress)
		defer ra.stop()
		for batch := range ra.batches {
			for _, rec := range batch {
				if err := w.add(ctx, rec); err != nil {
					return err
				}
			}
		}
		rows, err := ra.wait()
		if err != nil {
			return err
		}
		// Before anything commits, the lookup must be over: after the commit
		// it would find this very upload.
		if _, _, found := same.answer(); found {
			return errSame
		}
		sum, size, err := same.hash()
		if err != nil {
			return err
		}
		// The reader's notes (columns ignored on purpose, severity info) go
		// with the report; only its findings refuse the file.
		notes := rd.Notes()
		if fs := rd.Findings(); len(fs) > 0 {
			res.Report = models.NewReport(append(fs, notes...))
			res.Report.Partial = res.Report.Partial || rd.Partial()
			res.Rejected = true
			return rejected
		}
		if err := w.forbiddenError(); err != nil {
			return err
		}
		if dups := w.duplicateFindings(); len(dups) > 0 {
			res.Report = models.NewReport(dups)
			res.Rejected = true
			return rejected
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		if err := w.flushSources(ctx, f.Path); err != nil {
			return err
		}
		if err := w.flushCells(ctx); err != nil {
			return err
		}
		findings, err := checkDrafts(ctx, tx, chk, w.filings, w.content, w.loc, w.cleared, w.prechecked())
		if err != nil {
			return err
		}
		ids := w.filingIDs()
		if err := tx.Touch(ctx, ids...); err != nil {
			return err
		}
		up, err := tx.RecordUpload(ctx, models.Upload{SHA256: sum, Filename: f.Name, Kind: rd.Kind(), Size: size,
			Rows: rows, CreatedBy: actor.Name}, ids)
		if err != nil {
			return err
		}
		if err := tx.Audit(ctx, actor.Name, "upload", fmt.Sprintf("upload:%d", up.ID), map[string]any{
			"filename": f.Name, "sha256": sum, "kind": rd.Kind(), "rows": rows, "filings": ids}); err != nil {
			return err
		}
		res.Upload = up
		res.Report = models.NewReport(append(notes, findings...))
		res.FilingsTotal = len(ids)
		listed := make([]int64, 0, min(len(w.filings), MaxListedFilings))
		for _, fl := range w.filings[:cap(listed)] {
			listed = append(listed, fl.ID)
		}
		if len(listed) > 0 {
			if res.Filings, err = tx.FilingsByID(ctx, listed); err != nil {
				return err
			}
		}
		return nil
	})
	if dup, dupErr, ok := same.answer(); ok {
		return dup, dupErr // the write was stopped, or refused the same bytes again
	}
	if errors.Is(err, rejected) {
		return res, nil
	}
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// errSame stops a write that an earlier upload of the same bytes answers.
var errSame = errors.New("an earlier upload of the same bytes answers this one")

// sameFile hashes an upload and looks for an earlier upload of the same
// bytes, on a goroutine of its own.
type sameFile struct {
	hashed  chan struct{} // closed when sum, size and hashErr are set
	sum     string
	size    int64
	hashErr error         // the file's read error
	done    chan struct{} // closed when the lookup is over
	// found: an earlier upload answers this one (dup, dupErr); see Upload.
	found  bool
	dup    Result
	dupErr error
}

func (s *Service) lookForSame(ctx context.Context, path string, actor Actor, stopWrite func()) *sameFile {
	sf := &sameFile{hashed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(sf.done)
		sf.sum, sf.size, sf.hashErr = hashFile(path)
		close(sf.hashed)
		if sf.hashErr != nil {
			return
		}
		prev, ids, err := s.Store.UploadBySHA256(ctx, sf.sum)
		switch {
		case models.ErrorCode(err) == models.ENOTFOUND:
			return
		case err != nil:
			if ctx.Err() == nil { // not merely the upload ending first
				sf.found, sf.dupErr = true, err
				stopWrite()
			}
			return
		}
		res, err := s.duplicate(ctx, prev, ids, actor)
		if errors.Is(err, errNotYours) {
			// Someone else's file that this actor may not write: it is read as
			// new, which refuses it naming the rows, without telling what it held.
			return
		}
		if ctx.Err() != nil {
			return // the upload ended first (it failed: the same bytes cannot be stored twice)
		}
		sf.found, sf.dup, sf.dupErr = true, res, err
		stopWrite()
	}()
	return sf
}

// hash waits for the file's SHA-256 and size.
func (sf *sameFile) hash() (string, int64, error) {
	<-sf.hashed
	return sf.sum, sf.size, sf.hashErr
}

// answer waits for the lookup and says whether an earlier upload answers this one.
func (sf *sameFile) answer() (Result, error, bool) {
	<-sf.done
	return sf.dup, sf.dupErr, sf.found
}

var errNotYours = errors.New("the earlier upload touched filings the actor may not write")

// duplicate answers a byte-identical re-upload with the filings and findings
// as they stand now, provided the actor may write every one of them.
func (s *Service) duplicate(ctx context.Context, prev models.Upload, ids []int64, actor Actor) (Result, error) {
	res := Result{Upload: prev, Duplicate: true, FilingsTotal: len(ids)}
	var findings []models.Finding
	for i, id := range ids {
		f, err := s.Store.Filing(ctx, id)
		if err != nil {
			return Result{}, err
		}
		if !actor.mayWrite(f.RegionCode, f.DeptCode) {
			return Result{}, errNotYours
		}
		if i < MaxListedFilings {
			res.Filings = append(res.Filings, f)
		}
		fs, err := s.Store.Findings(ctx, id)
		if err != nil {
			return Result{}, err
		}
		findings = append(findings, fs...)
	}
	res.Report = models.NewReport(findings)
	return res, nil
}

func hashFile(path string) (sum string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	size, err = io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

// writer puts records into drafts as they stream in, buffering line items
// into batches for multi-row INSERTs.
type writer struct {
	tx     *store.Tx
	actor  Actor
	drafts map[models.FilingKey]models.Filing
	// filings in the order the file first names them.
	filings []models.Filing
	// cleared records which (filing, table) pairs this upload has replaced already.
	cleared map[tableKey]bool
	// empty marks the drafts this upload created with nothing in them yet.
	empty map[int64]bool
	// content holds what this upload wrote into the drafts it created from
	// nothing — all there is of them — so the checks need not read it back.
	content   *memory
	regions   map[string]bool // regions saved already
	threeRows map[int64][]int // rows of 三公 records per filing, to refuse two in one file
	forbidden []int
	batch     []models.LineItem
	// hash gives the upload's SHA-256 (computed beside the reading); sources
	// say where a PDF printed the figures, in the file of that hash.
	hash      func() (string, int64, error)
	sources   []models.FigureSource
	explained bool // a PDF's explanations were stored, which link to its pages
	// loc remembers the cell of each figure read from a workbook, for the findings.
	loc *ingest.Locator
	// pre checks the drafts this upload created while it goes on writing;
	// nil when the checker cannot. current is the draft of the last record.
	pre     *precheck
	current models.Filing
}

type tableKey struct {
	filing int64
	table  models.Table
}

// batchSize is how many line items the writer buffers before inserting them:
// whole prepared batches of the store, about 2,000 rows.
const batchSize = 2 * store.LineItemBatch

func newWriter(tx *store.Tx, actor Actor) *writer {
	return &writer{tx: tx, actor: actor, drafts: map[models.FilingKey]models.Filing{},
		cleared: map[tableKey]bool{}, empty: map[int64]bool{}, regions: map[string]bool{}, threeRows: map[int64][]int{},
		content: newMemory(maxRememberedRows), loc: ingest.NewLocator()}
}

func (w *writer) add(ctx context.Context, rec ingest.Record) error {
	if !w.actor.mayWrite(rec.Key.RegionCode, rec.Key.DeptCode) {
		w.forbidden = append(w.forbidden, rec.Row)
		return nil
	}
	if len(w.forbidden) > 0 {
		return nil // the upload is refused anyway; stop writing
	}
	f, err := w.draft(ctx, rec)
	if err != nil {
		return err
	}
	if f.ID != w.current.ID {
		w.moveTo(f)
	}
	if excelCell(rec.Cell) {
		w.loc.Add(rec)
	}
	if rec.Explanations != nil {
		if err := w.addExplanations(ctx, f, rec.Explanations); err != nil {
			return err
		}
	}
	if rec.Note != nil {
		if err := w.addNote(ctx, f, *rec.Note, rec.Row); err != nil {
			return err
		}
	}
	switch {
	case rec.ThreePublic != nil:
		if err := w.clearTable(ctx, f, models.TableThreePublic); err != nil { // its notes go with it
			return err
		}
		w.threeRows[f.ID] = append(w.threeRows[f.ID], rec.Row)
		w.addSources(f, rec.Sources)
		tp := *rec.ThreePublic
		tp.FilingID = f.ID
		tp.SourceRow = rec.Row
		if w.empty[f.ID] {
			w.content.putThreePublic(tp)
		}
		return w.tx.PutThreePublic(ctx, tp)
	case rec.LineItem != nil:
		li := *rec.LineItem
		li.FilingID = f.ID
		li.SourceRow = rec.Row
		if err := w.clearTable(ctx, f, li.Table); err != nil {
			return err
		}
		w.addSources(f, rec.Sources)
		if w.empty[f.ID] {
			w.content.addItem(li)
		}
		w.batch = append(w.batch, li)
		if len(w.batch) >= batchSize {
			return w.flush(ctx)
		}
	}
	return nil
}

// clearTable empties a table of the draft the first time this upload gives
// it, so that the upload replaces it (its lines and its notes).
func (w *writer) clearTable(ctx context.Context, f models.Filing, table models.Table) error {
	k := tableKey{f.ID, table}
	if w.cleared[k] {
		return nil
	}
	// A draft made by this upload from nothing has no rows to replace.
	// Buffered rows belong to other tables, which this DELETE does not touch.
	if !w.empty[f.ID] {
		if err := w.tx.DeleteTable(ctx, f.ID, table); err != nil {
			return err
		}
	}
	w.cleared[k] = true
	return nil
}

// addNote keeps a note printed under a table; a 三公 note replaces the
// record's earlier notes as the record itself does.
func (w *writer) addNote(ctx context.Context, f models.Filing, n models.TableNote, row int) error {
	n.FilingID, n.SourceRow = f.ID, row
	if err := w.clearTable(ctx, f, n.Table); err != nil {
		return err
	}
	if w.empty[f.ID] {
		w.content.addNote(n)
	}
	return w.tx.InsertTableNotes(ctx, []models.TableNote{n})
}

// draft returns the open draft for the record's filing, creating the region,
// the department and the draft on first sight. A new draft after a published
// version starts as a copy of it.
func (w *writer) draft(ctx context.Context, rec ingest.Record) (models.Filing, error) {
	if f, ok := w.drafts[rec.Key]; ok {
		return f, nil
	}
	if !w.regions[rec.Key.RegionCode] {
		if err := w.tx.PutRegion(ctx, models.Region{Code: rec.Key.RegionCode, Name: rec.RegionName}); err != nil {
			return models.Filing{}, err
		}
		w.regions[rec.Key.RegionCode] = true
	}
	if err := w.tx.PutDepartment(ctx, models.Department{RegionCode: rec.Key.RegionCode, Code: rec.Key.DeptCode, Name: rec.DeptName}); err != nil {
		return models.Filing{}, err
	}
	// The names go on the draft alone: they become public when it is published.
	f, created, err := w.tx.OpenNamedDraft(ctx, rec.Key, w.actor.Name, rec.RegionName, rec.DeptName)
	if err != nil {
		return f, err
	}
	f.DeptName = rec.DeptName
	if rec.RegionName != "" {
		f.RegionName = rec.RegionName
	}
	if created {
		prev, err := w.tx.LatestPublished(ctx, rec.Key)
		switch {
		case err == nil:
			if err := w.tx.CopyContent(ctx, prev.ID, f.ID); err != nil {
				return f, err
			}
		case models.ErrorCode(err) == models.ENOTFOUND:
			w.empty[f.ID] = true
			if w.pre != nil {
				if err := w.pre.chk.Prefetch(rec.Key); err != nil {
					return f, err
				}
			}
		default:
			return f, err
		}
	}
	w.drafts[rec.Key] = f
	w.filings = append(w.filings, f)
	return f, nil
}

// moveTo notes that the file went on from the current draft to f: the
// current one, if the upload made it from nothing, is complete unless the
// file names it again, and goes to be checked.
func (w *writer) moveTo(f models.Filing) {
	if w.pre != nil {
		w.pre.reopened(f.ID)
		if done := w.current; done.ID != 0 && w.empty[done.ID] && !w.pre.sent[done.ID] {
			if d, ok := w.content.filing(done); ok && w.pre.offer(d) {
				w.content.forget(done.ID)
			}
		}
	}
	w.current = f
}

// prechecked is what the checks found in drafts while the upload wrote (nil: none).
func (w *writer) prechecked() map[int64][]models.Finding {
	if w.pre == nil {
		return nil
	}
	return w.pre.results()
}

func (w *writer) flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	err := w.tx.InsertLineItems(ctx, w.batch)
	w.batch = w.batch[:0]
	return err
}

// addSources keeps where a PDF printed a record's figures (its table was
// cleared, with its earlier sources, before).
func (w *writer) addSources(f models.Filing, srcs []models.FigureSource) {
	for _, s := range srcs {
		s.FilingID = f.ID
		w.sources = append(w.sources, s)
	}
}

// flushSources stores the sources and, when there are any, the PDF itself
// as the upload's original, which the figures link to (page by page).
func (w *writer) flushSources(ctx context.Context, path string) error {
	if len(w.sources) == 0 && !w.explained {
		return nil
	}
	sum, _, err := w.hash()
	if err != nil {
		return err
	}
	for i := range w.sources {
		w.sources[i].SHA256 = sum
	}
	if err := w.tx.InsertFigureSources(ctx, w.sources); err != nil {
		return err
	}
	return w.tx.PutSourceFile(ctx, sum, "application/pdf", path)
}

// flushCells keeps where a workbook printed each figure (figure_cells), so
// that a finding first made when a draft is checked again later names its
// cell too. A CSV or a PDF has none.
func (w *writer) flushCells(ctx context.Context) error {
	byFiling := map[int64][]store.FigureCell{}
	w.loc.Each(func(key models.FilingKey, table models.Table, code, column, sheet, cell string) {
		if f, ok := w.drafts[key]; ok {
			byFiling[f.ID] = append(byFiling[f.ID], store.FigureCell{Table: table, Code: code, Column: column, Sheet: sheet, Cell: cell})
		}
	})
	for _, f := range w.filings {
		if cells := byFiling[f.ID]; len(cells) > 0 {
			if err := w.tx.PutFigureCells(ctx, f.ID, cells); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *writer) filingIDs() []int64 {
	ids := make([]int64, len(w.filings))
	for i, f := range w.filings {
		ids[i] = f.ID
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// excelCell reports whether s is a cell as Excel names it (D12): a
// workbook's figure. A PDF's figure has a place in words (第12行“合计”栏),
// which its sources keep instead.
func excelCell(s string) bool {
	i := 0
	for i < len(s) && i < 3 && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	if i == 0 || i == len(s) || s[i] == '0' {
		return false
	}
	for _, c := range s[i:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// forbiddenError names the rows the actor may not write, if any.
func (w *writer) forbiddenError() error {
	if len(w.forbidden) == 0 {
		return nil
	}
	return models.Errorf(models.EFORBIDDEN, "令牌“%s”无权上传区划 %s 以外或授权部门以外的数据：第 %s 行；整个文件未被接收",
		w.actor.Name, w.actor.Token.RegionCode, rowList(w.forbidden))
}

// duplicateFindings refuses a 三公 file that gives one department-year-phase twice:
// which row should win is the bureau's call, not ours.
func (w *writer) duplicateFindings() []models.Finding {
	var out []models.Finding
	for _, f := range w.filings {
		rows := w.threeRows[f.ID]
		for _, r := range rows[min(1, len(rows)):] {
			out = append(out, models.Finding{Rule: "row.duplicate", Severity: models.SeverityError, Table: string(models.TableThreePublic),
				Row: r, Message: fmt.Sprintf("第 %d 行：部门 %s %d 年%s的三公经费在第 %d 行已经给出，同一文件中只能出现一次",
					r, f.DeptCode, f.FiscalYear, f.Phase.Chinese(), rows[0])})
		}
	}
	return out
}

// rowList prints row numbers for a message: the first twenty, then how many more.
func rowList(rows []int) string {
	parts := make([]string, 0, 21)
	for i, r := range rows {
		if i == 20 {
			parts = append(parts, fmt.Sprintf("等共 %d 行", len(rows)))
			break
		}
		parts = append(parts, fmt.Sprint(r))
	}
	return strings.Join(parts, "、")
}

// scopeFields adds what an uploader's token scope says to the fields given:
// its region, and its department when it has exactly one. A field given
// explicitly is kept (a workbook or a row outside the scope is refused later
// as any upload outside it is).
func scopeFields(fields map[string]string, tok *models.Token) map[string]string {
	if tok == nil || tok.Role != models.RoleUploader || tok.RegionCode == "" {
		return fields
	}
	out := map[string]string{"region_code": tok.RegionCode}
	if len(tok.Depts) == 1 {
		out["dept_code"] = tok.Depts[0]
	}
	for k, v := range fields {
		if v != "" {
			out[k] = v
		}
	}
	return out
}
