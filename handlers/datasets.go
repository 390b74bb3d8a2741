package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
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

// DatasetEntry is a dataset in the catalogue (CONTRACT.md §3).
type DatasetEntry struct {
	ID         string            `json:"id"`
	RegionCode string            `json:"region_code"`
	RegionName string            `json:"region_name"`
	FiscalYear int               `json:"fiscal_year"`
	Phase      models.Phase      `json:"phase"`
	Kind       string            `json:"kind"`
	Release    int               `json:"release"`
	UpdatedAt  time.Time         `json:"updated_at"`
	Title      string            `json:"title"`
	Links      map[string]string `json:"links"`
}

// Formats are the download files of every release: link key → file name.
var Formats = []struct{ Key, File string }{
	{"csv", "data.csv"}, {"json", "data.json"}, {"ndjson", "data.ndjson"}, {"xlsx", "data.xlsx"},
	{"datapackage", "datapackage.json"},
}

// datasetTitle is the Chinese title a journalist sees: "阳光市 2024 年决算 三公经费".
func datasetTitle(d store.Dataset) string {
	what := "部门预决算公开表"
	if d.Kind == models.KindThreePublic {
		what = "三公经费"
	}
	return d.RegionName + " " + strconv.Itoa(d.FiscalYear) + " 年" + d.Phase.Chinese() + " " + what
}

// releaseLinks are the immutable URLs of one release's files.
func releaseLinks(base, id string, n int) map[string]string {
	links := map[string]string{}
	prefix := base + "/api/v1/datasets/" + url.PathEscape(id) + "/releases/" + strconv.Itoa(n) + "/"
	for _, f := range Formats {
		links[f.Key] = prefix + f.File
	}
	return links
}

func entry(base string, d store.Dataset) DatasetEntry {
	links := releaseLinks(base, d.ID, d.LatestRelease)
	links["self"] = base + "/api/v1/datasets/" + url.PathEscape(d.ID)
	links["latest_csv"] = base + "/api/v1/datasets/" + url.PathEscape(d.ID) + "/latest/data.csv"
	return DatasetEntry{ID: d.ID, RegionCode: d.RegionCode, RegionName: d.RegionName, FiscalYear: d.FiscalYear, Phase: d.Phase,
		Kind: d.Kind, Release: d.LatestRelease, UpdatedAt: d.UpdatedAt, Title: datasetTitle(d), Links: links}
}

type datasetCursor struct {
	T  time.Time `json:"t"`
	ID string    `json:"id"`
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
			var cur datasetCursor
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
			out.Data = append(out.Data, entry(b, d))
		}
		if len(ds) == f.Limit {
			last := ds[len(ds)-1]
			n := httpx.NextLink(c, b, httpx.EncodeCursor(datasetCursor{last.UpdatedAt, last.ID}))
			out.Next = &n
		}
		// The catalogue changes with every publication: caches must ask again.
		c.Header("Cache-Control", "no-cache")
		c.JSON(http.StatusOK, out)
	}
}

// ReleaseEntry is one release as the dataset page and the change log show it.
type ReleaseEntry struct {
	store.Release
	DatasetTitle string            `json:"dataset_title"`
	Links        map[string]string `json:"links"`
}

func releaseEntry(base string, r store.Release) ReleaseEntry {
	d := store.Dataset{ID: r.DatasetID, RegionName: r.RegionName, FiscalYear: r.FiscalYear, Phase: models.Phase(r.Phase), Kind: r.Kind}
	links := releaseLinks(base, r.DatasetID, r.Number)
	links["dataset"] = base + "/api/v1/datasets/" + url.PathEscape(r.DatasetID)
	links["filing"] = base + "/api/v1/filings/" + strconv.FormatInt(r.FilingID, 10)
	if r.Number > 1 {
		links["diff"] = base + "/api/v1/datasets/" + url.PathEscape(r.DatasetID) + "/diff?from=" + strconv.Itoa(r.Number-1) +
			"&to=" + strconv.Itoa(r.Number)
	}
	return ReleaseEntry{Release: r, DatasetTitle: datasetTitle(d), Links: links}
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
		}{DatasetEntry: entry(b, d), Releases: make([]ReleaseEntry, 0, len(rs))}
		for _, r := range rs {
			out.Releases = append(out.Releases, releaseEntry(b, r))
		}
		c.Header("Cache-Control", "no-cache")
		c.JSON(http.StatusOK, out)
	}
}

type changeCursor struct {
	ID int64 `json:"id"`
}

// getChanges is the change log: every release of every dataset, newest first, with correction notes.
func getChanges(cat Catalogue, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		f := store.ChangeFilter{Region: c.Query("region")}
		limit, err := httpx.IntParam(c, "limit")
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		f.Limit = httpx.Clamp(limit, 50, 1000)
		if a := c.Query("after"); a != "" {
			var cur changeCursor
			if err := httpx.DecodeCursor(a, &cur); err != nil {
				httpx.RespondError(c, err)
				return
			}
			f.BeforeID = cur.ID
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
			out.Data = append(out.Data, releaseEntry(b, r))
		}
		if len(rs) == f.Limit {
			n := httpx.NextLink(c, b, httpx.EncodeCursor(changeCursor{rs[len(rs)-1].ID}))
			out.Next = &n
		}
		c.Header("Cache-Control", "no-cache")
		c.JSON(http.StatusOK, out)
	}
}
