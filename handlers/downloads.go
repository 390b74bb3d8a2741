package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// ReleaseReader is what the downloads need from the store.
type ReleaseReader interface {
	Catalogue
	exports.ReleaseReader
}

// releaseMemo remembers resolved releases. A release never changes once it
// exists, so after the first request for one its file is served without the
// four queries that find it: with them, a cached release CSV came at 0.15 of
// nginx's rate for the same bytes (make bench, docs/benchmarks.md). The map is
// emptied when full, which keeps it bounded without bookkeeping.
type releaseMemo struct {
	mu sync.Mutex
	m  map[string]exports.Release
}

const releaseMemoSize = 4096

func (rm *releaseMemo) resolve(ctx context.Context, src ReleaseReader, id string, n int) (exports.Release, error) {
	key := id + "/" + strconv.Itoa(n)
	rm.mu.Lock()
	r, ok := rm.m[key]
	rm.mu.Unlock()
	if ok {
		return r, nil
	}
	r, err := exports.ResolveRelease(ctx, src, id, n)
	if err != nil {
		return r, err
	}
	rm.mu.Lock()
	if rm.m == nil || len(rm.m) >= releaseMemoSize {
		rm.m = map[string]exports.Release{}
	}
	rm.m[key] = r
	rm.mu.Unlock()
	return r, nil
}

// getLatest redirects the latest alias to the immutable URL of the newest release,
// so a citation of the alias can always be resolved to the exact file.
func getLatest(cat Catalogue, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		d, err := cat.Dataset(c.Request.Context(), c.Param("id"))
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		target := httpx.BaseURL(c, base) + "/api/v1/datasets/" + url.PathEscape(d.ID) + "/releases/" + strconv.Itoa(d.LatestRelease) +
			"/" + c.Param("file")
		if q := c.Request.URL.RawQuery; q != "" {
			target += "?" + q
		}
		// Short: the alias moves with every release; the file it names never does.
		c.Header("Cache-Control", "public, max-age=60")
		c.Redirect(http.StatusFound, target)
	}
}

// getReleaseFile serves one file of a release. Releases never change, so each
// answer is cached by clients for a year, revalidated by an ETag derived from
// the release and the options, and — with a FileCache — generated once and
// then served from disk at the speed of a static file.
func getReleaseFile(src ReleaseReader, base, license string, cache *FileCache) gin.HandlerFunc {
	memo := &releaseMemo{}
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		n, err := strconv.Atoi(c.Param("n"))
		if err != nil || n < 1 {
			httpx.RespondError(c, models.Errorf(models.ENOTFOUND, "版本号“%s”无效", c.Param("n")))
			return
		}
		file := c.Param("file")
		rf, ok := exports.LookupReleaseFile(file)
		if !ok {
			httpx.RespondError(c, models.Errorf(models.ENOTFOUND, "没有文件“%s”：可选 %s", file, exports.ReleaseFileNames()))
			return
		}
		rel, err := memo.resolve(ctx, src, c.Param("id"), n)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b := httpx.BaseURL(c, base)
		etag := releaseETag(rel, b, file, c.Request.URL.Query())
		c.Header("ETag", etag)
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
		if httpx.ETagMatches(c.GetHeader("If-None-Match"), etag) {
			c.Status(http.StatusNotModified)
			return
		}
		q := exports.FeedQuery{Filter: store.FeedFilter{Members: rel.Members}, Release: n, Unit: models.Yuan}
		if u := c.Query("unit"); u != "" {
			if q.Unit, err = models.ParseUnit(u); err != nil {
				httpx.RespondError(c, err)
				return
			}
		}
		q.CSV = exports.CSVOptions{Unit: q.Unit, BOM: c.Query("bom") == "1", ChineseHeaders: c.Query("headers") == "zh"}
		if e := c.Query("encoding"); e == "gb18030" || e == "gbk" {
			q.CSV.Encoding = exports.EncodingGB18030
		}
		if file == "data.xlsx" {
			if err := exports.CheckExcelRows(int64(rel.Entry.Rows)); err != nil {
				httpx.RespondError(c, err) // refused before anything is written
				return
			}
		}
		c.Header("Content-Type", rf.ContentType(q.CSV))
		// Every file is named for what it holds (region, year, phase, kind,
		// release, variant); spreadsheets are downloads, JSON opens in the browser.
		zh, ascii := exports.DownloadName(rel.Dataset, n, file, c.Request.URL.Query())
		disposition := "inline"
		if rf.Attachment != "" {
			disposition = "attachment"
		}
		c.Header("Content-Disposition", httpx.ContentDisposition(disposition, zh, ascii))
		if file != "datapackage.json" {
			// The file's Table Schema and model (RFC 8288 describedby).
			c.Header("Link", "<"+exports.ReleaseURL(b, rel.Dataset.ID, n)+`datapackage.json>; rel="describedby"; type="application/json"`)
		}
		key := strings.Trim(etag, `"`)
		if cache.Serve(c.Writer, c.Request, key) {
			return
		}
		c.Status(http.StatusOK)
		w, finish := cache.Tee(key, c.Writer)
		err = exports.WriteReleaseFile(ctx, w, src, rel, file, b, license, q)
		finish(err == nil)
		if err != nil {
			// The status line is gone: the connection is closed unfinished, so
			// the client sees a broken download rather than a short one.
			httpx.Logger(c).Error("download", "err", err)
			httpx.Abort(c.Request)
		}
	}
}

// releaseETag names the exact bytes an answer will hold: the release and every option that changes them.
func releaseETag(rel exports.Release, base, file string, q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	// The base URL is part of it: the files carry absolute permalinks.
	b.WriteString(exports.FormatVersion + "|" + base + "|" + rel.Dataset.ID + "/" + strconv.Itoa(rel.Entry.Number) + "/" + file)
	for _, k := range keys {
		b.WriteString("&" + k + "=" + strings.Join(q[k], ","))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}
