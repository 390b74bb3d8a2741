package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
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
	FeedReader
	Filing(ctx context.Context, id int64) (models.Filing, error)
}

// release is one resolved release of a dataset.
type release struct {
	dataset store.Dataset
	entry   store.Release
	members []int64
}

func resolveRelease(ctx context.Context, src ReleaseReader, id string, n int) (release, error) {
	d, err := src.Dataset(ctx, id)
	if err != nil {
		return release{}, err
	}
	members, err := src.ReleaseMembers(ctx, id, n)
	if err != nil {
		return release{}, err
	}
	rs, err := src.Releases(ctx, id)
	if err != nil {
		return release{}, err
	}
	r := release{dataset: d, members: members}
	for _, x := range rs {
		if x.Number == n {
			r.entry = x
		}
	}
	// The release's files are titled with the region name this release was
	// published under, not the dataset's newest one: their bytes never change.
	r.dataset.RegionName = r.entry.RegionName
	return r, nil
}

// releaseMemo remembers resolved releases. A release never changes once it
// exists, so after the first request for one its file is served without the
// four queries that find it: with them, a cached release CSV came at 0.15 of
// nginx's rate for the same bytes (make bench, docs/benchmarks.md). The map is
// emptied when full, which keeps it bounded without bookkeeping.
type releaseMemo struct {
	mu sync.Mutex
	m  map[string]release
}

const releaseMemoSize = 4096

func (rm *releaseMemo) resolve(ctx context.Context, src ReleaseReader, id string, n int) (release, error) {
	key := id + "/" + strconv.Itoa(n)
	rm.mu.Lock()
	r, ok := rm.m[key]
	rm.mu.Unlock()
	if ok {
		return r, nil
	}
	r, err := resolveRelease(ctx, src, id, n)
	if err != nil {
		return r, err
	}
	rm.mu.Lock()
	if rm.m == nil || len(rm.m) >= releaseMemoSize {
		rm.m = map[string]release{}
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
		q := feedQuery{filter: store.FeedFilter{Members: rel.members}, release: n, unit: models.Yuan}
		if u := c.Query("unit"); u != "" {
			if q.unit, err = models.ParseUnit(u); err != nil {
				httpx.RespondError(c, err)
				return
			}
		}
		q.csv = exports.CSVOptions{Unit: q.unit, BOM: c.Query("bom") == "1", ChineseHeaders: c.Query("headers") == "zh"}
		if e := c.Query("encoding"); e == "gb18030" || e == "gbk" {
			q.csv.Encoding = exports.EncodingGB18030
		}
		if file == "data.xlsx" {
			if err := exports.CheckExcelRows(int64(rel.entry.Rows)); err != nil {
				httpx.RespondError(c, err) // refused before anything is written
				return
			}
		}
		name := rel.dataset.ID + "-r" + strconv.Itoa(n)
		c.Header("Content-Type", rf.ContentType(q.csv))
		if rf.Attachment != "" {
			filename := name + rf.Attachment
			c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", filename, url.PathEscape(filename)))
		}
		key := strings.Trim(etag, `"`)
		if cache.Serve(c.Writer, c.Request, key) {
			return
		}
		c.Status(http.StatusOK)
		w, finish := cache.Tee(key, c.Writer)
		switch {
		case file == "datapackage.json":
			err = writeDataPackage(w, rel, b, license)
		case file == "filings.csv":
			err = writeFilings(ctx, src, w, rel, b, q.csv)
		case rel.dataset.Kind == models.KindThreePublic:
			err = writeRelease(ctx, w, exports.ThreePublicTable, eachThreePublic, src, q, b, file, rel.entry.Rows)
		default:
			err = writeRelease(ctx, w, exports.LineItemsTable, eachLineItem, src, q, b, file, rel.entry.Rows)
		}
		finish(err == nil)
		if err != nil {
			httpx.Logger(c).Error("download", "err", err) // the status line is gone: the client sees a cut-off body
		}
	}
}

// releaseETag names the exact bytes an answer will hold: the release and every option that changes them.
func releaseETag(rel release, base, file string, q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	// The base URL is part of it: the files carry absolute permalinks.
	b.WriteString(base + "|" + rel.dataset.ID + "/" + strconv.Itoa(rel.entry.Number) + "/" + file)
	for _, k := range keys {
		b.WriteString("&" + k + "=" + strings.Join(q[k], ","))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// writeRelease streams a release's rows in the format of the file name.
func writeRelease[T any](ctx context.Context, w io.Writer, table *exports.Table[T],
	each func(context.Context, FeedReader, feedQuery, string, func(T, rowKey) error) error,
	feeds FeedReader, q feedQuery, base, file string, rows int) error {
	var enc exports.Encoder[T]
	switch file {
	case "data.csv":
		enc = exports.NewCSVEncoder(w, table, q.csv)
	case "data.json":
		enc = exports.NewJSONEncoder(w, table, exports.JSONOptions{Unit: q.unit,
			Head: []exports.Member{{Key: "release", Value: q.release}, {Key: "amount_unit", Value: string(q.unit)}}})
	case "data.ndjson":
		enc = exports.NewNDJSONEncoder(w, table, exports.JSONOptions{Unit: q.unit})
	case "data.xlsx":
		xe, err := exports.NewXLSXEncoder(w, table, exports.XLSXOptions{Unit: q.unit, Rows: int64(rows)})
		if err != nil {
			return err
		}
		enc = xe
	}
	if err := each(ctx, feeds, q, base, func(row T, _ rowKey) error { return enc.Encode(row) }); err != nil {
		return err
	}
	return enc.Close()
}

// writeFilings writes the filing versions of a release, with their correction notes.
func writeFilings(ctx context.Context, src ReleaseReader, w io.Writer, rel release, base string, o exports.CSVOptions) error {
	return writeFilingRows(ctx, src, w, rel, base, o)
}

// writeDataPackage describes a release as a Frictionless Data Package with the Fiscal Data Package model.
func writeDataPackage(w io.Writer, rel release, base, license string) error {
	d := rel.dataset
	var table exports.Describer = exports.LineItemsTable
	if d.Kind == models.KindThreePublic {
		table = exports.ThreePublicTable
	}
	self := base + "/api/v1/datasets/" + url.PathEscape(d.ID) + "/releases/" + strconv.Itoa(rel.entry.Number) + "/"
	p, err := exports.DataPackage(exports.PackageInfo{
		Name:        "sunshine-" + d.ID,
		ID:          self + "datapackage.json",
		Title:       exports.DatasetTitle(d),
		Description: "阳光财政发布的" + exports.DatasetTitle(d) + "，第 " + strconv.Itoa(rel.entry.Number) + " 版。金额单位为元，空值表示未公开（不是 0）。",
		Homepage:    base + "/api/v1/datasets/" + url.PathEscape(d.ID),
		Release:     rel.entry.Number,
		Created:     rel.entry.CreatedAt,
		Keywords:    []string{"三公经费", "部门预算", "部门决算", "财政公开"},
		FiscalYear:  d.FiscalYear,
		Licenses:    licenses(license),
		Resources: []exports.Resource{
			{Name: strings.ReplaceAll(d.Kind, "_", "-"), Path: "data.csv", Title: exports.DatasetTitle(d), Table: table, Phase: d.Phase},
			{Name: "filings", Path: "filings.csv", Title: "申报版本", Table: exports.FilingsTable},
		},
	})
	if err != nil {
		return err
	}
	return p.Write(w)
}

// licenses states the deployment's licence, or none: choosing one is the publisher's decision.
func licenses(url string) []exports.License {
	if url == "" {
		return nil
	}
	return []exports.License{{Path: url, Title: "发布方声明的许可"}}
}
