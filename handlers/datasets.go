package handlers

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// DatasetEntry and ReleaseEntry are the catalogue's JSON (exports.DatasetEntry, exports.ReleaseEntry).
type (
	DatasetEntry = exports.DatasetEntry
	ReleaseEntry = exports.ReleaseEntry
)

// Catalogue is what the dataset endpoints need from the store.
type Catalogue interface {
	Datasets(ctx context.Context, f store.DatasetFilter) ([]store.Dataset, error)
	Dataset(ctx context.Context, id string) (store.Dataset, error)
	Releases(ctx context.Context, datasetID string) ([]store.Release, error)
	Changes(ctx context.Context, f store.ChangeFilter) ([]store.Release, error)
	ReleaseMembers(ctx context.Context, datasetID string, number int) ([]int64, error)
	// CheckPublic is ENOTFOUND unless the region (and department) has a published version.
	CheckPublic(ctx context.Context, region, dept string) error
}

// getDatasets is the catalogue: published datasets, newest first, filterable, keyset-paged.
func getDatasets(cat Catalogue, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		f := store.DatasetFilter{Region: c.Query("region"), Kind: c.Query("kind"), Phase: models.Phase(c.Query("phase"))}
		var err error
		if f.Year, err = httpx.IntParam(c, "year"); err != nil {
			httpx.RespondError(c, err)
			return
		}
		if f.Limit, err = httpx.IntParam(c, "limit"); err != nil {
			httpx.RespondError(c, err)
			return
		}
		f.Limit = httpx.Clamp(f.Limit, 100, 1000)
		if a := c.Query("after"); a != "" {
			var cur httpx.DatasetCursor
			if err := httpx.DecodeCursor(a, &cur); err != nil {
				httpx.RespondError(c, err)
				return
			}
			f.AfterTime, f.AfterID = cur.T, cur.ID
		}
		ds, err := cat.Datasets(c.Request.Context(), f)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b := httpx.BaseURL(c, base)
		out := struct {
			Data []DatasetEntry `json:"data"`
			Next *string        `json:"next"`
		}{Data: make([]DatasetEntry, 0, len(ds))}
		for _, d := range ds {
			out.Data = append(out.Data, exports.NewDatasetEntry(b, d))
		}
		if len(ds) == f.Limit {
			last := ds[len(ds)-1]
			n := httpx.NextLink(c, b, httpx.EncodeCursor(httpx.DatasetCursor{T: last.UpdatedAt, ID: last.ID}))
			out.Next = &n
		}
		// The catalogue changes with every publication: caches must ask again.
		c.Header("Cache-Control", "no-cache")
		c.JSON(http.StatusOK, out)
	}
}

// getDataset shows one dataset and every release with its links.
func getDataset(cat Catalogue, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		d, err := cat.Dataset(c.Request.Context(), c.Param("id"))
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		rs, err := cat.Releases(c.Request.Context(), d.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b := httpx.BaseURL(c, base)
		out := struct {
			DatasetEntry
			Releases []ReleaseEntry `json:"releases"`
		}{DatasetEntry: exports.NewDatasetEntry(b, d), Releases: make([]ReleaseEntry, 0, len(rs))}
		for _, r := range rs {
			out.Releases = append(out.Releases, exports.NewReleaseEntry(b, r))
		}
		c.Header("Cache-Control", "no-cache")
		c.JSON(http.StatusOK, out)
	}
}

// changeParams are the query parameters of the change log, JSON and Atom alike.
var changeParams = []string{"region", "dataset", "dept", "kind", "limit", "after"}

// changeFilter reads the change log's filters and page: region, dataset,
// dept (a department code), kind (publish, correction, withdrawal), limit
// (def by default, at most 1,000) and the after cursor of the previous page.
func changeFilter(c *gin.Context, def int) (store.ChangeFilter, error) {
	f := store.ChangeFilter{Region: c.Query("region"), Dataset: c.Query("dataset"), Dept: c.Query("dept"), Action: c.Query("kind")}
	if f.Action != "" && !slices.Contains(store.Actions, f.Action) {
		return f, models.Errorf(models.EINVALID, "参数 kind 无效（“%s”）：可选 %s", f.Action, strings.Join(store.Actions, "、"))
	}
	limit, err := httpx.IntParam(c, "limit")
	if err != nil {
		return f, err
	}
	f.Limit = httpx.Clamp(limit, def, 1000)
	if a := c.Query("after"); a != "" {
		var cur httpx.ChangeCursor
		if err := httpx.DecodeCursor(a, &cur); err != nil {
			return f, err
		}
		f.BeforeID = cur.ID
	}
	return f, nil
}

// getChanges is the change log: every release of every dataset, newest first,
// with correction notes; filterable by region, dataset, department and kind
// of change, and keyset-paged (next).
func getChanges(cat Catalogue, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := changeFilter(c, 50)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		rs, err := cat.Changes(c.Request.Context(), f)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b := httpx.BaseURL(c, base)
		out := struct {
			Data []ReleaseEntry `json:"data"`
			Next *string        `json:"next"`
		}{Data: make([]ReleaseEntry, 0, len(rs))}
		for _, r := range rs {
			out.Data = append(out.Data, exports.NewReleaseEntry(b, r))
		}
		if len(rs) == f.Limit {
			n := httpx.NextLink(c, b, httpx.EncodeCursor(httpx.ChangeCursor{ID: rs[len(rs)-1].ID}))
			out.Next = &n
		}
		c.Header("Cache-Control", "no-cache")
		c.JSON(http.StatusOK, out)
	}
}
