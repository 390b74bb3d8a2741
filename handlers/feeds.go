package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// feedQuery is a feed request: the filters, the release to read as of, the page and the output options.
type feedQuery struct {
	filter  store.FeedFilter
	release int
	unit    models.Unit
	csv     exports.CSVOptions
}

// parseFeed reads the query of /api/v1/three-public and /api/v1/line-items.
// release=N reads as of release N of the dataset named by region, year and
// phase; unit=万元 writes amounts in 万元 (every digit kept).
func parseFeed(ctx context.Context, c *gin.Context, cat Catalogue, kind string) (feedQuery, error) {
	q := feedQuery{unit: models.Yuan}
	f := &q.filter
	f.Region, f.Dept = c.Query("region"), c.Query("dept")
	if kind == models.KindLineItems {
		f.Table, f.Code = c.Query("table"), c.Query("code")
	}
	var err error
	// A region or department nothing of which is published is unknown here,
	// whether it does not exist or exists only in drafts: 404 either way.
	if f.Region != "" || f.Dept != "" {
		if err := cat.CheckPublic(ctx, f.Region, f.Dept); err != nil {
			return q, err
		}
	}
	if f.Year, err = httpx.IntParam(c, "year"); err != nil {
		return q, err
	}
	if p := c.Query("phase"); p != "" {
		if f.Phase, err = models.ParsePhase(p); err != nil {
			return q, err
		}
	}
	if u := c.Query("unit"); u != "" {
		if q.unit, err = models.ParseUnit(u); err != nil {
			return q, err
		}
	}
	if q.release, err = httpx.IntParam(c, "release"); err != nil {
		return q, err
	}
	if q.release > 0 {
		if f.Region == "" || f.Year == 0 || f.Phase == "" {
			return q, models.Errorf(models.EINVALID, "按版本读取（release）需要同时给出 region、year 和 phase")
		}
		if f.Members, err = cat.ReleaseMembers(ctx, store.DatasetID(f.Region, f.Year, f.Phase, kind), q.release); err != nil {
			return q, err
		}
	}
	if srt := c.Query("sort"); srt != "" {
		if kind != models.KindThreePublic || !store.ValidThreePublicSort(srt) {
			return q, models.Errorf(models.EINVALID, "sort 只能是 dept_code、fiscal_year 或 total（前加 - 为降序），而不是“%s”", srt)
		}
		f.Sort = srt
	}
	if a := c.Query("after"); a != "" {
		var cur rowKey
		if err := httpx.DecodeCursor(a, &cur); err != nil {
			return q, err
		}
		f.AfterID, f.AfterValue = cur.ID, cur.value()
	}
	q.csv = exports.CSVOptions{Unit: q.unit, BOM: c.Query("bom") == "1", ChineseHeaders: c.Query("headers") == "zh"}
	switch enc := c.Query("encoding"); enc {
	case "", "utf-8", "utf8":
	case "gb18030", "gbk":
		q.csv.Encoding = exports.EncodingGB18030
	default:
		return q, models.Errorf(models.EINVALID, "encoding 只能是 utf-8 或 gb18030，而不是“%s”", enc)
	}
	return q, nil
}

func permalink(base string, filingID int64) string {
	return base + "/api/v1/filings/" + strconv.FormatInt(filingID, 10)
}

func origin(f store.FeedFiling, release int) exports.Origin {
	return exports.Origin{FilingID: f.FilingID, Version: f.Version, Release: release, RegionCode: f.RegionCode,
		RegionName: f.RegionName, DeptCode: f.DeptCode, DeptName: f.DeptName, FiscalYear: f.FiscalYear, Phase: f.Phase}
}

// eachThreePublic streams 三公 feed rows.
func eachThreePublic(ctx context.Context, feeds FeedReader, q feedQuery, base string, fn func(exports.ThreePublicRow, rowKey) error) error {
	return feeds.EachThreePublic(ctx, q.filter, func(r store.ThreePublicRow) error {
		k := rowKey{ID: r.FeedFiling.FilingID}
		switch strings.TrimPrefix(q.filter.Sort, "-") {
		case "dept_code":
			k.S = &r.DeptCode
		case "fiscal_year":
			n := int64(r.FiscalYear)
			k.N = &n
		case "total":
			n := store.SortableTotal(r.Total)
			k.N = &n
		}
		return fn(exports.NewThreePublicRow(origin(r.FeedFiling, q.release), &r.ThreePublic, permalink(base, r.FeedFiling.FilingID)), k)
	})
}

// eachLineItem streams line-item feed rows.
func eachLineItem(ctx context.Context, feeds FeedReader, q feedQuery, base string, fn func(exports.LineItemRow, rowKey) error) error {
	return feeds.EachLineItem(ctx, q.filter, func(r store.LineItemRow) error {
		return fn(exports.NewLineItemRow(origin(r.FeedFiling, q.release), &r.LineItem, permalink(base, r.FeedFiling.FilingID)), rowKey{ID: r.ID})
	})
}

// getFeedJSON serves a page of a feed as JSON with a next link (keyset: no
// offset scans however deep the page).
func getFeedJSON[T any](cat Catalogue, table *exports.Table[T], each func(context.Context, FeedReader, feedQuery, string, func(T, rowKey) error) error,
	feeds FeedReader, kind, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, err := parseFeed(c.Request.Context(), c, cat, kind)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		limit, err := httpx.IntParam(c, "limit")
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		q.filter.Limit = httpx.Clamp(limit, 100, 10000)
		b := httpx.BaseURL(c, base)
		head := []exports.Member{{Key: "amount_unit", Value: string(q.unit)}}
		if q.release > 0 {
			head = append(head, exports.Member{Key: "release", Value: q.release})
		}
		c.Header("Content-Type", "application/json; charset=utf-8")
		cacheFor(c, q.release)
		enc := exports.NewJSONEncoder(c.Writer, table, exports.JSONOptions{Unit: q.unit, Head: head})
		n, last := 0, rowKey{}
		err = each(c.Request.Context(), feeds, q, b, func(row T, k rowKey) error {
			n, last = n+1, k
			return enc.Encode(row)
		})
		if err != nil {
			// The status line is gone; the document stays unterminated, which a client notices.
			httpx.Logger(c).Error("feed", "err", err)
			return
		}
		var next any
		if n == q.filter.Limit {
			next = httpx.NextLink(c, b, httpx.EncodeCursor(last))
		}
		if err := enc.CloseWith(exports.Member{Key: "next", Value: next}); err != nil {
			httpx.Logger(c).Error("feed", "err", err)
		}
	}
}

// getFeedCSV streams every matching row as CSV (no paging: it is a download).
func getFeedCSV[T any](cat Catalogue, table *exports.Table[T], each func(context.Context, FeedReader, feedQuery, string, func(T, rowKey) error) error,
	feeds FeedReader, kind, base, name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, err := parseFeed(c.Request.Context(), c, cat, kind)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		csvHeaders(c, name, q.csv)
		cacheFor(c, q.release)
		enc := exports.NewCSVEncoder(c.Writer, table, q.csv)
		err = each(c.Request.Context(), feeds, q, httpx.BaseURL(c, base), func(row T, _ rowKey) error { return enc.Encode(row) })
		if err == nil {
			err = enc.Close()
		}
		if err != nil {
			httpx.Logger(c).Error("feed csv", "err", err)
		}
	}
}

func csvHeaders(c *gin.Context, name string, o exports.CSVOptions) {
	charset := "utf-8"
	if o.Encoding == exports.EncodingGB18030 {
		charset = "gb18030"
	}
	c.Header("Content-Type", "text/csv; charset="+charset)
	c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", name, url.PathEscape(name)))
	c.Status(http.StatusOK)
}

// cacheFor: what is read as of a release never changes; the live feed changes with every publication.
func cacheFor(c *gin.Context, release int) {
	if release > 0 {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "public, max-age=60")
	}
}

// rowKey is the keyset position of the feeds: the last row's id and, when the
// rows are sorted by a column, that column's value.
type rowKey struct {
	ID int64   `json:"id"`
	S  *string `json:"s,omitempty"`
	N  *int64  `json:"n,omitempty"`
}

func (k rowKey) value() any {
	switch {
	case k.S != nil:
		return *k.S
	case k.N != nil:
		return *k.N
	}
	return nil
}
