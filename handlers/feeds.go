package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// parseFeed reads the query of /api/v1/three-public and /api/v1/line-items.
// release=N reads as of release N of the dataset named by region, year and
// phase; unit=万元 writes amounts in 万元 (every digit kept).
func parseFeed(ctx context.Context, c *gin.Context, cat Catalogue, kind models.Kind) (exports.FeedQuery, error) {
	q := exports.FeedQuery{Unit: models.Yuan}
	f := &q.Filter
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
		if q.Unit, err = models.ParseUnit(u); err != nil {
			return q, err
		}
	}
	if q.Release, err = httpx.IntParam(c, "release"); err != nil {
		return q, err
	}
	if q.Release > 0 {
		if f.Region == "" || f.Year == 0 || f.Phase == "" {
			return q, models.Errorf(models.EINVALID, "按版本读取（release）需要同时给出 region、year 和 phase")
		}
		if f.Members, err = cat.ReleaseMembers(ctx, store.DatasetID(f.Region, f.Year, f.Phase, kind), q.Release); err != nil {
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
		var cur exports.RowKey
		if err := httpx.DecodeCursor(a, &cur); err != nil {
			return q, err
		}
		f.AfterID, f.AfterValue = cur.ID, cur.Value()
	}
	q.CSV = exports.CSVOptions{Unit: q.Unit, BOM: c.Query("bom") == "1", ChineseHeaders: c.Query("headers") == "zh"}
	switch enc := c.Query("encoding"); enc {
	case "", "utf-8", "utf8":
	case "gb18030", "gbk":
		q.CSV.Encoding = exports.EncodingGB18030
	default:
		return q, models.Errorf(models.EINVALID, "encoding 只能是 utf-8 或 gb18030，而不是“%s”", enc)
	}
	return q, nil
}

// FeedParams are the query parameters of each feed, JSON and CSV alike.
var FeedParams = map[models.Kind][]string{
	models.KindThreePublic: {"region", "dept", "year", "phase", "unit", "release", "sort", "after", "limit", "bom", "headers", "encoding", "fields", "group", "sum"},
	models.KindLineItems:   {"region", "dept", "year", "phase", "table", "code", "unit", "release", "after", "limit", "bom", "headers", "encoding", "fields", "group", "sum"},
}

// feedShape reads fields= (the columns to write, by their names in the unit
// asked) and group= + sum= (sums per group): the table to write, and the
// grouper when the answer is grouped.
func feedShape[T any](c *gin.Context, table *exports.Table[T], u models.Unit) (*exports.Table[T], *exports.Grouper[T], error) {
	split := func(name string) []string {
		var out []string
		for _, v := range strings.Split(c.Query(name), ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	fields, group, sum := split("fields"), split("group"), split("sum")
	if len(group) > 0 || len(sum) > 0 {
		if len(fields) > 0 {
			return nil, nil, models.Errorf(models.EINVALID, "fields 不能与 group、sum 同用：分组合计的列就是 group 与 sum 所列")
		}
		g, err := exports.NewGrouper(table, group, sum, u)
		return table, g, err
	}
	if c.Request.URL.Query().Has("fields") {
		t, err := table.Select(fields, u)
		return t, nil, err
	}
	return table, nil, nil
}

// getFeedJSON serves a page of a feed as JSON with a next link (keyset: no
// offset scans however deep the page). A grouped answer reads every matching
// row and answers every group at once.
func getFeedJSON[T any](cat Catalogue, table *exports.Table[T], each func(context.Context, exports.FeedReader, exports.FeedQuery, string, func(T, exports.RowKey) error) error,
	feeds exports.FeedReader, kind models.Kind, base, tempDir string) gin.HandlerFunc {
	all := table
	return func(c *gin.Context) {
		q, err := parseFeed(c.Request.Context(), c, cat, kind)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		table, grouper, err := feedShape(c, all, q.Unit)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		if grouper != nil {
			if c.Query("limit") != "" || c.Query("after") != "" {
				httpx.RespondError(c, models.Errorf(models.EINVALID, "分组合计一次给出全部分组，不分页：请去掉 limit 和 after"))
				return
			}
			c.Header("Content-Type", "application/json; charset=utf-8")
			cacheFor(c, q.Release)
			head := []exports.Member{{Key: "amount_unit", Value: string(q.Unit)}, {Key: "group", Value: strings.Split(c.Query("group"), ",")}}
			err := each(c.Request.Context(), feeds, q, httpx.BaseURL(c, base), func(row T, _ exports.RowKey) error { grouper.Add(&row); return nil })
			if err != nil {
				httpx.RespondError(c, err)
				return
			}
			enc := exports.NewJSONEncoder(c.Writer, grouper.Table(), exports.JSONOptions{Unit: q.Unit, Head: head})
			for _, r := range grouper.Rows() {
				if err := enc.Encode(r); err != nil {
					break
				}
			}
			if err := enc.CloseWith(exports.Member{Key: "next", Value: nil}); err != nil {
				httpx.Logger(c).Error("feed", "err", err)
			}
			return
		}
		limit, err := httpx.IntParam(c, "limit")
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		q.Filter.Limit = httpx.Clamp(limit, 100, 10000)
		b := httpx.BaseURL(c, base)
		head := []exports.Member{{Key: "amount_unit", Value: string(q.Unit)}}
		if q.Release > 0 {
			head = append(head, exports.Member{Key: "release", Value: q.Release})
		}
		// The page is held (pageSpool) until its last row is known, so that
		// its next page goes out in a Link header whatever its size, and a
		// failure half-way is answered with an error status, not a cut body.
		spool := &pageSpool{dir: tempDir}
		defer spool.Close()
		enc := exports.NewJSONEncoder(spool, table, exports.JSONOptions{Unit: q.Unit, Head: head})
		n, last := 0, exports.RowKey{}
		err = each(c.Request.Context(), feeds, q, b, func(row T, k exports.RowKey) error {
			n, last = n+1, k
			return enc.Encode(row)
		})
		var next any
		if err == nil && n == q.Filter.Limit {
			next = httpx.NextLink(c, b, httpx.EncodeCursor(last))
		}
		if err == nil {
			err = enc.CloseWith(exports.Member{Key: "next", Value: next})
		}
		if err != nil {
			c.Header("Link", "")
			httpx.RespondError(c, err)
			return
		}
		c.Header("Content-Type", "application/json; charset=utf-8")
		cacheFor(c, q.Release)
		c.Status(http.StatusOK)
		if _, err := spool.WriteTo(c.Writer); err != nil {
			httpx.Logger(c).Error("feed", "err", err)
		}
	}
}

// getFeedCSV streams every matching row as CSV (no paging: it is a download).
func getFeedCSV[T any](cat Catalogue, table *exports.Table[T], each func(context.Context, exports.FeedReader, exports.FeedQuery, string, func(T, exports.RowKey) error) error,
	feeds exports.FeedReader, kind models.Kind, base, name string) gin.HandlerFunc {
	all := table
	return func(c *gin.Context) {
		q, err := parseFeed(c.Request.Context(), c, cat, kind)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		table, grouper, err := feedShape(c, all, q.Unit)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		if grouper != nil {
			err := each(c.Request.Context(), feeds, q, httpx.BaseURL(c, base), func(row T, _ exports.RowKey) error { grouper.Add(&row); return nil })
			if err != nil {
				httpx.RespondError(c, err)
				return
			}
			csvHeaders(c, strings.TrimSuffix(name, ".csv")+"-grouped.csv", q.CSV)
			cacheFor(c, q.Release)
			enc := exports.NewCSVEncoder(c.Writer, grouper.Table(), q.CSV)
			for _, r := range grouper.Rows() {
				if err = enc.Encode(r); err != nil {
					break
				}
			}
			if err == nil {
				err = enc.Close()
			}
			if err != nil {
				httpx.Logger(c).Error("feed csv", "err", err)
			}
			return
		}
		csvHeaders(c, name, q.CSV)
		cacheFor(c, q.Release)
		enc := exports.NewCSVEncoder(c.Writer, table, q.CSV)
		err = each(c.Request.Context(), feeds, q, httpx.BaseURL(c, base), func(row T, _ exports.RowKey) error { return enc.Encode(row) })
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
	c.Header("Content-Disposition", httpx.ContentDisposition("attachment", name, name))
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
