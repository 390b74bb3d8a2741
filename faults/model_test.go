//go:build faults

package faults

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"sunshine/models"
)

// content is what a filing version holds, as the harness expects it: the
// scale of the 三公 file and of the line-item file last stored into it, and
// their canonical texts.
type content struct {
	tpK, liK int64
	tp, li   canon
}

func (c *content) String() string {
	if c == nil {
		return "无草稿"
	}
	sum := sha256.Sum256([]byte(c.tp))
	return fmt.Sprintf("三公 ×%d (%x), 明细 ×%d (%s)", c.tpK, sum[:4], c.liK, c.li)
}

// pubRec is an acknowledged (or, after a kill, found committed) publication.
type pubRec struct {
	id      int64
	version int
	c       content
}

// pendingOp is an operation whose answer never came (the server was killed,
// or it failed): after the restart the filing must hold either the state
// before it or the state after it, whole.
type pendingOp struct {
	upload    bool
	after     content
	publishID int64
	grp       *group
}

// slot is one filing key the harness writes to, always from one worker, so
// at most one operation on it is in flight.
type slot struct {
	key     models.FilingKey
	tpl     *template // nil for a department of a group
	grp     *group
	name    string // file name stem
	k       int64  // the version round: amounts are the template's × k
	draft   *content
	draftID int64
	pubs    []pubRec
	pending *pendingOp
	blocked bool // publication refused (error findings): the slot stays a draft
	publish bool // group departments publish only when set
}

func (s *slot) base() content {
	if s.draft != nil {
		return *s.draft
	}
	if n := len(s.pubs); n > 0 {
		return s.pubs[n-1].c
	}
	return content{}
}

func (s *slot) finished() bool {
	if s.blocked {
		return true
	}
	if s.grp != nil {
		return false // the group decides
	}
	b := s.base()
	return s.draft == nil && b.tpK == maxRounds && (s.tpl.lineItems == nil || b.liK == maxRounds)
}

// maxRounds is how many versions a department gets (a first publication and two corrections).
const maxRounds = 3

// group is a synthetic region of 40 departments uploaded in one file per kind.
type group struct {
	region string
	slots  []*slot
	k      int64
	owner  int
}

// stats counts what a run did and found.
type stats struct {
	Trials, KillsInFlight                       int
	UploadsAcked, PublishesAcked                int
	UploadsRefused, PublishesRefused            int
	UnknownUploadsCommitted, UnknownUploadsLost int
	UnknownPublishCommitted, UnknownPublishLost int
	GroupUploadsAcked, GroupUnknownCommitted    int
	GroupUnknownLost                            int
	SlotsVerified, VersionsVerified             int
	ReleasesVerified, ReleaseFilesVerified      int
	CacheFilesVerified, CacheTempFilesLeft      int
	IntegrityChecks                             int
	Failures                                    []string
}

// world is the harness's model of one deployment: every slot and what was acknowledged.
type world struct {
	mu        sync.Mutex
	d         *deployment
	files     fileCache
	templates []template
	slots     []*slot
	groups    []*group
	owners    [][]*slot // slots by worker
	nextDept  int
	nextReg   int
	st        stats
	rnd       *rand.Rand

	// release files as first seen whole: "dataset/n/file" → sha256, and ETag → that key
	relMu      sync.Mutex
	observed   map[string]string
	etagKey    map[string]string
	verifiedRl map[string]bool // "dataset/n" whose files were checked
	relList    []string        // every "dataset/n" known, for the reader
	inFlight   atomic.Int32
	killed     atomic.Bool // set just before the kill: no new request starts
	uploadSent chan struct{}
}

var client = &http.Client{
	Timeout:   2 * time.Minute,
	Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 8},
}

func (w *world) url(p string) string { return "http://" + w.d.addr + p }

// newSlot makes a department from a template under a region of its own.
func (w *world) newSlot(owner int) *slot {
	w.mu.Lock()
	defer w.mu.Unlock()
	tpl := &w.templates[w.rnd.IntN(len(w.templates))]
	w.nextDept++
	w.nextReg++
	dept := fmt.Sprintf("F%d", w.nextDept)
	region := fmt.Sprintf("97%04d", w.nextReg)
	s := &slot{tpl: tpl, k: 1, name: tpl.name + "-" + region + "-" + dept, publish: true}
	g, err := w.files.get(s.name+"-k1-tp.csv", func() []byte { return rewrite(tpl.threePublic, region, dept, 1) })
	if err != nil {
		panic(err)
	}
	for k := range g.want {
		s.key = k
	}
	w.slots = append(w.slots, s)
	w.owners[owner] = append(w.owners[owner], s)
	return s
}

// newGroup makes a synthetic region whose 40 departments are uploaded together.
func (w *world) newGroup(owner int) *group {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.nextReg++
	g := &group{region: fmt.Sprintf("98%04d", w.nextReg), k: 1, owner: owner}
	f, err := w.files.get(g.name(1, "tp"), func() []byte { tp, _ := groupFiles(g.region); return rewrite(tp, "", "", 1) })
	if err != nil {
		panic(err)
	}
	for key := range f.want {
		s := &slot{key: key, grp: g, k: 1, name: "group-" + g.region + "-" + key.DeptCode}
		g.slots = append(g.slots, s)
		w.slots = append(w.slots, s)
	}
	// A few departments of each group are published; the others stay drafts.
	for i, s := range g.slots {
		s.publish = i < 3
	}
	w.groups = append(w.groups, g)
	return g
}

func (g *group) name(k int64, kind string) string {
	return fmt.Sprintf("group-%s-k%d-%s.csv", g.region, k, kind)
}

// file returns the bytes and expected content of a slot's file of one kind at scale k.
func (w *world) file(s *slot, kind string, k int64) genFile {
	var gen func() []byte
	var name string
	if s.grp != nil {
		g := s.grp
		name = g.name(k, kind)
		gen = func() []byte {
			tp, li := groupFiles(g.region)
			if kind == "tp" {
				return rewrite(tp, "", "", k)
			}
			return rewrite(li, "", "", k)
		}
	} else {
		name = fmt.Sprintf("%s-k%d-%s.csv", s.name, k, kind)
		src := s.tpl.threePublic
		if kind == "li" {
			src = s.tpl.lineItems
		}
		region, dept := s.key.RegionCode, s.key.DeptCode
		gen = func() []byte { return rewrite(src, region, dept, k) }
	}
	g, err := w.files.get(name, gen)
	if err != nil {
		panic(err)
	}
	return g
}

// after is the content a slot's filing holds once a file of kind at scale k is stored into it.
func after(s *slot, f genFile, kind string, k int64) content {
	c := s.base()
	if kind == "tp" {
		c.tpK, c.tp = k, f.want[s.key]
	} else {
		c.liK, c.li = k, f.want[s.key]
	}
	return c
}

// uploadAnswer is the part of a 201 the harness reads.
type uploadAnswer struct {
	Filings []struct {
		ID         int64  `json:"id"`
		RegionCode string `json:"region_code"`
		DeptCode   string `json:"dept_code"`
		FiscalYear int    `json:"fiscal_year"`
		Phase      string `json:"phase"`
		Status     string `json:"status"`
	} `json:"filings"`
}

// post sends a request and reads the whole answer; ok is false when no whole
// answer came (the server died, the connection broke).
func (w *world) post(ctx context.Context, path, ctype string, body []byte, signal bool) (status int, resp []byte, ok bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url(path), bytes.NewReader(body))
	if err != nil {
		return 0, nil, false
	}
	req.Header.Set("Authorization", "Bearer "+w.d.admin)
	req.Header.Set("Content-Type", ctype)
	w.inFlight.Add(1)
	defer w.inFlight.Add(-1)
	if signal {
		select {
		case w.uploadSent <- struct{}{}:
		default:
		}
	}
	r, err := client.Do(req)
	if err != nil {
		return 0, nil, false
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return r.StatusCode, nil, false
	}
	return r.StatusCode, b, true
}

func (w *world) upload(ctx context.Context, name string, b []byte, signal bool) (int, uploadAnswer, bool) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(b)
	mw.Close()
	status, resp, ok := w.post(ctx, "/api/v1/uploads", mw.FormDataContentType(), buf.Bytes(), signal)
	var ans uploadAnswer
	if ok && status/100 == 2 {
		if err := json.Unmarshal(resp, &ans); err != nil {
			ok = false
		}
	}
	return status, ans, ok
}

// definiteRefusal is an answer after which nothing may have been stored.
func definiteRefusal(status int) bool {
	return status == 422 || status == 409 || status == 403 || status == 400
}

func (w *world) fail(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.st.Failures = append(w.st.Failures, fmt.Sprintf(format, args...))
}

// uploadSlot stores one file into a template slot's draft.
func (w *world) uploadSlot(ctx context.Context, s *slot, kind string) {
	f := w.file(s, kind, s.k)
	aft := after(s, f, kind, s.k)
	w.mu.Lock()
	s.pending = &pendingOp{upload: true, after: aft}
	w.mu.Unlock()
	status, ans, ok := w.upload(ctx, fmt.Sprintf("%s-k%d-%s.csv", s.name, s.k, kind), f.bytes, kind == "li")
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case ok && (status == 201 || status == 200):
		if len(ans.Filings) != 1 || ans.Filings[0].DeptCode != s.key.DeptCode || ans.Filings[0].Status != "draft" {
			w.st.Failures = append(w.st.Failures, fmt.Sprintf("%s: upload answered %+v", s.name, ans.Filings))
			return
		}
		s.draft, s.draftID, s.pending = &aft, ans.Filings[0].ID, nil
		w.st.UploadsAcked++
	case ok && definiteRefusal(status):
		s.pending = nil
		w.st.UploadsRefused++
	}
}

// uploadGroup stores one file for all 40 departments of a group.
func (w *world) uploadGroup(ctx context.Context, g *group, kind string) {
	f := w.file(g.slots[0], kind, g.k)
	afters := make([]content, len(g.slots))
	w.mu.Lock()
	for i, s := range g.slots {
		afters[i] = after(s, f, kind, g.k)
		s.pending = &pendingOp{upload: true, after: afters[i], grp: g}
	}
	w.mu.Unlock()
	status, ans, ok := w.upload(ctx, g.name(g.k, kind), f.bytes, true)
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case ok && (status == 201 || status == 200):
		ids := map[string]int64{}
		for _, fr := range ans.Filings {
			ids[fr.DeptCode] = fr.ID
		}
		for i, s := range g.slots {
			id, found := ids[s.key.DeptCode]
			if !found {
				w.st.Failures = append(w.st.Failures, fmt.Sprintf("%s: group upload answer lacks %s", g.region, s.key.DeptCode))
				continue
			}
			a := afters[i]
			s.draft, s.draftID, s.pending = &a, id, nil
		}
		w.st.UploadsAcked++
		w.st.GroupUploadsAcked++
	case ok && definiteRefusal(status):
		for _, s := range g.slots {
			s.pending = nil
		}
		w.st.UploadsRefused++
	}
}

func (w *world) publishSlot(ctx context.Context, s *slot) {
	w.mu.Lock()
	id, n := s.draftID, len(s.pubs)
	s.pending = &pendingOp{publishID: id}
	w.mu.Unlock()
	body := []byte("{}")
	if n > 0 {
		body, _ = json.Marshal(map[string]string{"note": fmt.Sprintf("更正：金额按第 %d 轮重新上传（故障测试）", s.k)})
	}
	status, resp, ok := w.post(ctx, "/api/v1/filings/"+strconv.FormatInt(id, 10)+"/publish", "application/json", body, false)
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case ok && status == 200:
		var ans struct {
			Filing models.Filing `json:"filing"`
		}
		if err := json.Unmarshal(resp, &ans); err != nil || ans.Filing.ID != id || ans.Filing.Status != models.StatusPublished {
			w.st.Failures = append(w.st.Failures, fmt.Sprintf("%s: publish answered %s", s.name, resp))
			return
		}
		s.pubs = append(s.pubs, pubRec{id: id, version: ans.Filing.Version, c: *s.draft})
		s.draft, s.draftID, s.pending = nil, 0, nil
		w.st.PublishesAcked++
	case ok && definiteRefusal(status):
		s.pending = nil
		s.blocked = true
		w.st.PublishesRefused++
	}
}

// step does one operation of worker owner.
func (w *world) step(ctx context.Context, owner int) {
	if w.killed.Load() {
		<-ctx.Done()
		return
	}
	w.mu.Lock()
	var ready []*slot
	for _, s := range w.owners[owner] {
		if s.pending == nil && !s.finished() {
			ready = append(ready, s)
		}
	}
	var groups []*group
	for _, g := range w.groups {
		if g.owner == owner && g.k <= maxRounds-1 {
			groups = append(groups, g)
		}
	}
	roll := w.rnd.IntN(100)
	w.mu.Unlock()

	switch {
	case len(groups) == 0 && roll < 15:
		w.newGroup(owner)
		return
	case len(ready) < 4 && roll < 60:
		ready = append(ready, w.newSlot(owner))
	}
	if len(groups) > 0 && roll < 30 && w.groupStep(ctx, groups[0]) {
		return
	}
	if len(ready) == 0 {
		return
	}
	s := ready[w.rnd.IntN(len(ready))]
	b := s.base()
	switch {
	case b.tpK != s.k:
		w.uploadSlot(ctx, s, "tp")
	case s.tpl.lineItems != nil && b.liK != s.k:
		w.uploadSlot(ctx, s, "li")
	case s.draft != nil:
		w.publishSlot(ctx, s)
	case s.k < maxRounds:
		w.mu.Lock()
		s.k++
		w.mu.Unlock()
		w.uploadSlot(ctx, s, "tp")
	}
}

// groupStep uploads a group's next file, publishes one of its departments, or
// starts its next round; false when something of it is still unresolved.
func (w *world) groupStep(ctx context.Context, g *group) bool {
	w.mu.Lock()
	for _, s := range g.slots {
		if s.pending != nil {
			w.mu.Unlock()
			return false
		}
	}
	b := g.slots[0].base()
	var toPublish *slot
	allDone := true
	for _, s := range g.slots {
		if s.publish && !s.blocked && s.draft != nil {
			allDone = false
			if toPublish == nil {
				toPublish = s
			}
		}
	}
	w.mu.Unlock()
	switch {
	case b.tpK != g.k:
		w.uploadGroup(ctx, g, "tp")
	case b.liK != g.k:
		w.uploadGroup(ctx, g, "li")
	case toPublish != nil:
		w.publishSlot(ctx, toPublish)
	case allDone:
		w.mu.Lock()
		g.k++
		w.mu.Unlock()
		if g.k <= maxRounds-1 {
			w.uploadGroup(ctx, g, "tp")
		}
	}
	return true
}
