//go:build faults

package faults

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sunshine/models"
	"sunshine/store"
)

var releaseFiles = []string{"data.csv", "data.json", "data.ndjson", "data.xlsx", "filings.csv", "datapackage.json"}

// verify compares the database with what was acknowledged. It runs after
// each restart, with the server up and idle. It resolves operations whose
// answer never came: each must be whole or absent.
func (w *world) verify(ctx context.Context) {
	s, err := store.Open(ctx, w.d.dsn)
	if err != nil {
		w.fail("verify: open: %v", err)
		return
	}
	defer s.Close()
	groupApplied := map[*group][]bool{}
	for _, sl := range w.slots {
		applied, isGroup := w.verifySlot(ctx, s, sl)
		if isGroup != nil {
			groupApplied[isGroup] = append(groupApplied[isGroup], applied)
		}
	}
	for g, res := range groupApplied {
		n := 0
		for _, a := range res {
			if a {
				n++
			}
		}
		if n != 0 && n != len(res) {
			w.fail("group %s: an unanswered upload is in %d of %d departments", g.region, n, len(res))
		}
		if n == len(res) {
			w.st.GroupUnknownCommitted++
		} else if n == 0 {
			w.st.GroupUnknownLost++
		}
	}
	w.verifyReleases(ctx, s)
	w.verifyCache()
}

func contentOf(ctx context.Context, s *store.Store, id int64) (content, error) {
	tp, err := s.ThreePublic(ctx, id)
	if err != nil {
		return content{}, err
	}
	li, err := s.LineItems(ctx, id)
	if err != nil {
		return content{}, err
	}
	return content{tp: canonThreePublic(tp), li: canonLineItems(li)}, nil
}

func same(a, b content) bool { return a.tp == b.tp && a.li == b.li }

// verifySlot checks one filing key. For a department of a group with an
// unanswered upload it returns whether that upload is in it.
func (w *world) verifySlot(ctx context.Context, s *store.Store, sl *slot) (applied bool, grp *group) {
	k := sl.key
	fs, err := s.Filings(ctx, store.FilingFilter{Region: k.RegionCode, Dept: k.DeptCode, Year: k.FiscalYear, Phase: k.Phase, Limit: 100})
	if err != nil {
		w.fail("%s: filings: %v", sl.name, err)
		return
	}
	var draft *models.Filing
	byID := map[int64]models.Filing{}
	npub := 0
	for i, f := range fs {
		byID[f.ID] = f
		switch f.Status {
		case models.StatusDraft:
			if draft != nil {
				w.fail("%s: two drafts (%d, %d)", sl.name, draft.ID, f.ID)
			}
			draft = &fs[i]
		case models.StatusPublished, models.StatusSuperseded:
			npub++
		default:
			w.fail("%s: filing %d is %s", sl.name, f.ID, f.Status)
		}
	}
	p := sl.pending
	// An unanswered publication: committed whole (published, with its release) or not at all.
	if p != nil && !p.upload {
		if f, ok := byID[p.publishID]; ok && f.Status != models.StatusDraft {
			sl.pubs = append(sl.pubs, pubRec{id: f.ID, version: f.Version, c: *sl.draft})
			sl.draft, sl.draftID = nil, 0
			w.st.UnknownPublishCommitted++
		} else {
			w.st.UnknownPublishLost++
		}
		sl.pending, p = nil, nil
	}
	if npub != len(sl.pubs) {
		w.fail("%s: %d published versions in the database, %d acknowledged", sl.name, npub, len(sl.pubs))
	}
	for i, rec := range sl.pubs {
		f, ok := byID[rec.id]
		want := models.StatusSuperseded
		if i == len(sl.pubs)-1 {
			want = models.StatusPublished
		}
		if !ok || f.Status != want || f.Version != rec.version {
			w.fail("%s: acknowledged publication %d (version %d) is %+v, want %s", sl.name, rec.id, rec.version, f, want)
			continue
		}
		got, err := contentOf(ctx, s, rec.id)
		if err != nil {
			w.fail("%s: %v", sl.name, err)
			continue
		}
		if !same(got, rec.c) {
			w.fail("%s: published version %d holds %v, acknowledged %v", sl.name, rec.version, &got, &rec.c)
		}
		w.st.VersionsVerified++
	}
	var got *content
	if draft != nil {
		c, err := contentOf(ctx, s, draft.ID)
		if err != nil {
			w.fail("%s: %v", sl.name, err)
			return
		}
		got = &c
	}
	match := func(want *content) bool {
		if want == nil || got == nil {
			return want == nil && got == nil
		}
		return same(*got, *want)
	}
	w.st.SlotsVerified++
	if p != nil && p.upload {
		sl.pending = nil
		switch {
		case match(&p.after):
			a := p.after
			sl.draft, sl.draftID = &a, draft.ID
			if p.grp == nil {
				w.st.UnknownUploadsCommitted++
			}
			return true, p.grp
		case match(sl.draft):
			if p.grp == nil {
				w.st.UnknownUploadsLost++
			}
			return false, p.grp
		}
		w.fail("%s: half-stored draft after an unanswered upload: holds %v, before %v, after %v", sl.name, got, sl.draft, &p.after)
		return false, p.grp
	}
	if !match(sl.draft) {
		w.fail("%s: draft holds %v, acknowledged %v", sl.name, got, sl.draft)
	} else if draft != nil && sl.draftID != 0 && draft.ID != sl.draftID {
		w.fail("%s: draft is filing %d, acknowledged %d", sl.name, draft.ID, sl.draftID)
	}
	return false, nil
}

// verifyReleases checks that every acknowledged publication has its release,
// and that every release file is served whole: the same bytes each time,
// whether generated or read back from the cache.
func (w *world) verifyReleases(ctx context.Context, s *store.Store) {
	releases := map[string][]store.Release{}
	rels := func(id string) []store.Release {
		if r, ok := releases[id]; ok {
			return r
		}
		r, err := s.Releases(ctx, id)
		if err != nil {
			w.fail("releases of %s: %v", id, err)
		}
		releases[id] = r
		return r
	}
	for _, sl := range w.slots {
		for _, rec := range sl.pubs {
			// A correction that leaves a dataset as it was makes no release of it.
			var prev *content
			for _, p := range sl.pubs {
				if p.version == rec.version-1 {
					prev = &p.c
				}
			}
			var kinds []models.Kind
			if rec.c.tp != "" && (prev == nil || prev.tp != rec.c.tp) {
				kinds = append(kinds, models.KindThreePublic)
			}
			if rec.c.li != "" && (prev == nil || prev.li != rec.c.li) {
				kinds = append(kinds, models.KindLineItems)
			}
			for _, kind := range kinds {
				id := store.DatasetID(sl.key.RegionCode, sl.key.FiscalYear, sl.key.Phase, kind)
				found := false
				for _, r := range rels(id) {
					if r.FilingID == rec.id && (r.Action == store.ActionPublish || r.Action == store.ActionCorrection) {
						found = true
					}
				}
				if !found {
					w.fail("%s: no release of %s for published filing %d", sl.name, id, rec.id)
				}
			}
		}
	}
	// Every release of every dataset: new ones fetched file by file, twice
	// (generated, then from the cache); a sample of older ones again.
	var ds []models.Dataset
	f := store.DatasetFilter{Limit: 1000}
	for {
		page, err := s.Datasets(ctx, f)
		if err != nil {
			w.fail("datasets: %v", err)
			return
		}
		ds = append(ds, page...)
		if len(page) < 1000 {
			break
		}
		last := page[len(page)-1]
		f.AfterTime, f.AfterID = last.UpdatedAt, last.ID
	}
	var fresh []string
	for _, d := range ds {
		for n := 1; n <= d.LatestRelease; n++ {
			key := d.ID + "/" + strconv.Itoa(n)
			w.relMu.Lock()
			seen := w.verifiedRl[key]
			w.relMu.Unlock()
			if !seen {
				fresh = append(fresh, key)
			}
		}
	}
	for _, key := range fresh {
		for _, file := range releaseFiles {
			for range 2 {
				if err := w.fetchRelease(ctx, key, file, true); err != nil {
					w.fail("%v", err)
				}
			}
		}
		w.relMu.Lock()
		w.verifiedRl[key] = true
		w.relList = append(w.relList, key)
		w.relMu.Unlock()
		w.st.ReleasesVerified++
	}
	w.relMu.Lock()
	list := append([]string(nil), w.relList...)
	w.relMu.Unlock()
	for i := 0; i < 12 && len(list) > 0; i++ {
		key := list[w.rnd.IntN(len(list))]
		if err := w.fetchRelease(ctx, key, releaseFiles[w.rnd.IntN(len(releaseFiles))], true); err != nil {
			w.fail("%v", err)
		}
	}
}

// fetchRelease gets one release file whole and compares it with the bytes
// first seen for it (or records them). must: a failure to get it whole is an error.
func (w *world) fetchRelease(ctx context.Context, key, file string, must bool) error {
	id, n, _ := strings.Cut(key, "/")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.url("/api/v1/datasets/"+id+"/releases/"+n+"/"+file), nil)
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := client.Do(req)
	if err != nil {
		if must {
			return fmt.Errorf("%s/%s: %v", key, file, err)
		}
		return nil
	}
	defer resp.Body.Close()
	etag := strings.Trim(resp.Header.Get("ETag"), `"`)
	h := sha256.New()
	size, err := io.Copy(h, resp.Body)
	if err != nil || resp.StatusCode != 200 {
		if must {
			return fmt.Errorf("%s/%s: status %d, %d bytes, %v", key, file, resp.StatusCode, size, err)
		}
		return nil
	}
	if cl := resp.ContentLength; cl >= 0 && cl != size {
		return fmt.Errorf("%s/%s: %d bytes of %d", key, file, size, cl)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	full := key + "/" + file
	w.relMu.Lock()
	defer w.relMu.Unlock()
	if etag != "" {
		w.etagKey[etag] = full
	}
	if must {
		w.st.ReleaseFilesVerified++
	}
	if prev, ok := w.observed[full]; ok && prev != sum {
		return fmt.Errorf("%s: served %d bytes with sha256 %s, earlier %s", full, size, sum[:16], prev[:16])
	}
	w.observed[full] = sum
	return nil
}

// verifyCache hashes every file of the cache directory: each must be the
// whole file first served for its key. Temporary files a kill left behind
// are counted (they are never served).
func (w *world) verifyCache() {
	entries, err := os.ReadDir(w.d.cacheDir)
	if err != nil {
		w.fail("cache dir: %v", err)
		return
	}
	tmp := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			tmp++
			continue
		}
		b, err := os.ReadFile(filepath.Join(w.d.cacheDir, e.Name()))
		if err != nil {
			w.fail("cache file %s: %v", e.Name(), err)
			continue
		}
		sum := sha256.Sum256(b)
		w.relMu.Lock()
		key := w.etagKey[e.Name()]
		want := w.observed[key]
		w.relMu.Unlock()
		switch {
		case key == "":
			w.fail("cache file %s (%d bytes) for no file the harness has fetched", e.Name(), len(b))
		case want != hex.EncodeToString(sum[:]):
			w.fail("cache file %s (%s) holds %d bytes that differ from the file served", e.Name(), key, len(b))
		default:
			w.st.CacheFilesVerified++
		}
	}
	w.st.CacheTempFilesLeft = tmp
}

// reader fetches release files while the workers write, so that kills also
// land while release files are being generated into the cache.
func (w *world) reader(ctx context.Context) {
	var fresh []string
	for i := 0; ctx.Err() == nil; i++ {
		if i%10 == 0 {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.url("/api/v1/datasets?limit=50"), nil)
			if resp, err := client.Do(req); err == nil {
				var ans struct {
					Data []models.Dataset `json:"data"`
				}
				if json.NewDecoder(resp.Body).Decode(&ans) == nil {
					fresh = fresh[:0]
					for _, d := range ans.Data {
						fresh = append(fresh, d.ID+"/"+strconv.Itoa(d.LatestRelease))
					}
				}
				resp.Body.Close()
			}
		}
		w.relMu.Lock()
		list := w.relList
		var key string
		switch {
		case len(fresh) > 0 && (len(list) == 0 || i%2 == 0):
			key = fresh[i%len(fresh)]
		case len(list) > 0:
			key = list[(i*7919)%len(list)]
		}
		w.relMu.Unlock()
		if key == "" {
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
			continue
		}
		if err := w.fetchRelease(ctx, key, releaseFiles[i%len(releaseFiles)], false); err != nil {
			w.fail("reader: %v", err)
		}
	}
}

// referenceCheck serves every release file generated afresh (no cache) and
// compares it with what the cached server served.
func (w *world) referenceCheck(ctx context.Context) int {
	w.relMu.Lock()
	keys := make([]string, 0, len(w.observed))
	for k := range w.observed {
		keys = append(keys, k)
	}
	w.relMu.Unlock()
	for _, full := range keys {
		i := strings.LastIndex(full, "/")
		if err := w.fetchRelease(ctx, full[:i], full[i+1:], true); err != nil {
			w.fail("fresh generation: %v", err)
		}
	}
	return len(keys)
}
