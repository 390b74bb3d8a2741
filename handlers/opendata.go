package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// The open-data answers whose bytes package exports writes: the bulk ZIP of
// a region-year, the catalogues harvesters read (DCAT-AP 3 as JSON-LD, DCAT-US
// data.json) and the diff of two releases. None of the first three is
// rate-limited: harvesters and bulk downloads are exactly the traffic an
// open-data service is for.

// DefaultPublisher names the publisher in the catalogues when the deployment names none.
const DefaultPublisher = exports.DefaultPublisher

// DiffAnswer lists what changed between two releases of a dataset (exports.DiffAnswer).
type DiffAnswer = exports.DiffAnswer

// publisher is the deployment's description of itself as a publisher.
func publisher(d Deps) exports.Publisher {
	return exports.Publisher{Name: d.PublisherName, License: d.LicenseURL, Email: d.ContactEmail}
}

// getBulk streams the ZIP of a region-year (exports.WriteBulk). The file
// follows the latest releases, so it is cached briefly and revalidated by an
// ETag derived from the release numbers it holds.
func getBulk(src ReleaseReader, base string, o exports.Publisher) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		region, year, err := exports.ParseBulkName(c.Param("file"))
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		rels, err := exports.BulkReleases(ctx, src, region, year)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b := httpx.BaseURL(c, base)
		etag := exports.BulkETag(b, rels)
		c.Header("ETag", etag)
		c.Header("Cache-Control", "public, max-age=60")
		if httpx.ETagMatches(c.GetHeader("If-None-Match"), etag) {
			c.Status(http.StatusNotModified)
			return
		}
		zh, ascii := exports.BulkDownloadName(rels[0].Dataset.RegionName, region, year)
		c.Header("Content-Type", "application/zip")
		c.Header("Content-Disposition", httpx.ContentDisposition("attachment", zh, ascii))
		c.Status(http.StatusOK)
		if err := exports.WriteBulk(ctx, c.Writer, src, rels, b, o); err != nil {
			if !c.Writer.Written() {
				c.Writer.Header().Del("Content-Disposition")
				c.Writer.Header().Del("Content-Type")
				httpx.RespondError(c, err)
				return
			}
			// The ZIP stops without its central directory, which every unzip reports.
			httpx.Logger(c).Error("bulk", "err", err)
		}
	}
}

// getCatalog serves a catalogue of every published dataset with its latest
// release: DCAT-AP 3 in JSON-LD for harvesters such as ckanext-dcat and the
// European data portal (dcat), or the DCAT-US 1.1 data.json data.gov-style
// harvesters read. The datasets stream out page by page.
func getCatalog(cat Catalogue, base string, o exports.Publisher, dcat bool) gin.HandlerFunc {
	write, ctype := o.WriteDataJSON, "application/json; charset=utf-8"
	if dcat {
		write, ctype = o.WriteDCAT, "application/ld+json; charset=utf-8"
	}
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		// The first page is read before the status line, so a database error is still a proper 5xx.
		first, err := cat.Datasets(ctx, store.DatasetFilter{Limit: exports.CatalogPageSize})
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.Header("Cache-Control", "no-cache")
		c.Header("Content-Type", ctype)
		c.Status(http.StatusOK)
		if err := write(ctx, c.Writer, cat, httpx.BaseURL(c, base), first); err != nil {
			// An unterminated document, which every JSON reader notices.
			httpx.Logger(c).Error("catalogue", "err", err)
		}
	}
}

// getDiff answers GET /api/v1/datasets/{id}/diff?from=N&to=M: the rows added,
// removed and changed (old and new value per field) between two releases.
func getDiff(cat Catalogue, feeds exports.FeedReader) gin.HandlerFunc {
	src := struct {
		exports.FeedReader
		Catalogue
	}{feeds, cat}
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		d, err := cat.Dataset(ctx, c.Param("id"))
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		from, err1 := strconv.Atoi(c.Query("from"))
		to, err2 := strconv.Atoi(c.DefaultQuery("to", strconv.Itoa(d.LatestRelease)))
		if err1 != nil || err2 != nil {
			httpx.RespondError(c, models.Errorf(models.EINVALID, "请用 from=N&to=M 指定要比较的两个版本（1–%d）", d.LatestRelease))
			return
		}
		ans, err := exports.Diff(ctx, src, d, from, to)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		// Two releases never change: the answer may be cached forever.
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
		c.JSON(http.StatusOK, ans)
	}
}

// releaseState reads the newest release a public answer can read: of the
// region asked for, or of any region. Every change to published data makes a
// release, so it is what the answers' ETags are computed from.
func releaseState(s *store.Store) httpx.StateFunc {
	return func(c *gin.Context, region string) (httpx.State, error) {
		rs, err := s.Changes(c.Request.Context(), store.ChangeFilter{Region: region, Limit: 1})
		if err != nil || len(rs) == 0 {
			return httpx.State{}, err
		}
		return httpx.State{ReleaseID: rs[0].ID, At: rs[0].CreatedAt}, nil
	}
}
