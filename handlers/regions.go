package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// RegionLister is what the region and department listings need from the store.
type RegionLister interface {
	RegionSummaries(ctx context.Context, p store.RegionPage) ([]store.RegionSummary, error)
	DepartmentSummaries(ctx context.Context, region string, p store.RegionPage) ([]store.DepartmentSummary, error)
	// Region is ENOTFOUND unless the region has a published version.
	Region(ctx context.Context, code string) (models.Region, error)
}

// RegionLevel is a region's administrative level as its code's GB/T 2260
// structure tells it: "central" (000000), "province" (xx0000), "prefecture"
// (xxxx00) or "county", with its Chinese name; "" when the code is not under
// a GB/T 2260 province (the demo's 990101), where the level is not known.
func RegionLevel(code string) (level, name string) {
	if code == "000000" {
		return "central", "中央"
	}
	if len(code) != 6 || !provinces[code[:2]] {
		return "", ""
	}
	switch {
	case code[2:] == "0000":
		return "province", "省级"
	case code[4:] == "00":
		return "prefecture", "地级"
	}
	return "county", "县级"
}

// provinces are the first two digits of the GB/T 2260 province-level divisions.
var provinces = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range []string{"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
		"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"} {
		m[p] = true
	}
	return m
}()

// RegionEntry is a region in GET /api/v1/regions: its published name, its
// level when its code tells it, and what it has published now.
type RegionEntry struct {
	Code        string            `json:"code"`
	Name        string            `json:"name"`
	Level       *string           `json:"level"`      // null when not known
	LevelName   *string           `json:"level_name"` // 省级, 地级, 县级, 中央
	Departments int               `json:"departments"`
	Filings     int               `json:"filings"`
	Datasets    int               `json:"datasets"`
	Years       []int             `json:"years"`
	Links       map[string]string `json:"links"`
}

// RegionRef is the region a department listing belongs to.
type RegionRef struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Level     *string `json:"level"`
	LevelName *string `json:"level_name"`
}

// DepartmentEntry is a department in GET /api/v1/regions/{code}/departments.
type DepartmentEntry struct {
	Code       string            `json:"code"`
	Name       string            `json:"name"`
	ParentCode *string           `json:"parent_code"`
	Filings    int               `json:"filings"`
	Years      []int             `json:"years"`
	Links      map[string]string `json:"links"`
}

func regionRef(r models.Region) RegionRef {
	ref := RegionRef{Code: r.Code, Name: r.Name}
	if l, n := RegionLevel(r.Code); l != "" {
		ref.Level, ref.LevelName = &l, &n
	}
	return ref
}

// codeCursor is a position in a listing by code: the last code of the previous page.
type codeCursor struct {
	Code string `json:"code"`
}

// regionPage reads limit and after, the keyset cursor (the last code of the previous page).
func regionPage(c *gin.Context) (store.RegionPage, error) {
	var p store.RegionPage
	limit, err := httpx.IntParam(c, "limit")
	if err != nil {
		return p, err
	}
	p.Limit = httpx.Clamp(limit, 100, 1000)
	if a := c.Query("after"); a != "" {
		var cur codeCursor
		if err := httpx.DecodeCursor(a, &cur); err != nil {
			return p, err
		}
		p.After = cur.Code
	}
	return p, nil
}

// getRegions lists the regions with published data, by code, keyset-paged.
func getRegions(rl RegionLister, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := regionPage(c)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		rs, err := rl.RegionSummaries(c.Request.Context(), p)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b := httpx.BaseURL(c, base)
		out := struct {
			Data []RegionEntry `json:"data"`
			Next *string       `json:"next"`
		}{Data: make([]RegionEntry, 0, len(rs))}
		for _, r := range rs {
			ref := regionRef(r.Region)
			q := "?region=" + url.QueryEscape(r.Code)
			e := RegionEntry{Code: r.Code, Name: r.Name, Level: ref.Level, LevelName: ref.LevelName,
				Departments: r.Departments, Filings: r.Filings, Datasets: r.Datasets, Years: r.Years,
				Links: map[string]string{
					"departments":  b + "/api/v1/regions/" + url.PathEscape(r.Code) + "/departments",
					"datasets":     b + "/api/v1/datasets" + q,
					"three_public": b + "/api/v1/three-public" + q,
					"line_items":   b + "/api/v1/line-items" + q,
					"changes":      b + "/api/v1/changes" + q,
				}}
			if e.Years == nil {
				e.Years = []int{}
			} else {
				e.Links["page"] = b + "/regions/" + url.PathEscape(r.Code) + "/" + strconv.Itoa(e.Years[0])
			}
			out.Data = append(out.Data, e)
		}
		if len(rs) == p.Limit {
			n := httpx.NextLink(c, b, httpx.EncodeCursor(codeCursor{Code: rs[len(rs)-1].Code}))
			out.Next = &n
		}
		// The list changes with every publication: caches must ask again (the ETag makes that cheap).
		c.Header("Cache-Control", "no-cache")
		c.JSON(http.StatusOK, out)
	}
}

// getRegionDepartments lists a region's departments with published data, by
// code, keyset-paged; a region nothing of which was published is 404.
func getRegionDepartments(rl RegionLister, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		r, err := rl.Region(ctx, c.Param("code"))
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		p, err := regionPage(c)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		ds, err := rl.DepartmentSummaries(ctx, r.Code, p)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b := httpx.BaseURL(c, base)
		out := struct {
			Region RegionRef         `json:"region"`
			Data   []DepartmentEntry `json:"data"`
			Next   *string           `json:"next"`
		}{Region: regionRef(r), Data: make([]DepartmentEntry, 0, len(ds))}
		for _, d := range ds {
			q := "?region=" + url.QueryEscape(r.Code) + "&dept=" + url.QueryEscape(d.Code)
			e := DepartmentEntry{Code: d.Code, Name: d.Name, Filings: d.Filings, Years: d.Years,
				Links: map[string]string{
					"page":         b + "/regions/" + url.PathEscape(r.Code) + "/departments/" + url.PathEscape(d.Code),
					"three_public": b + "/api/v1/three-public" + q,
					"line_items":   b + "/api/v1/line-items" + q,
					"trend":        b + "/api/v1/charts/three-public/trend" + q,
				}}
			if d.ParentCode != "" {
				e.ParentCode = &d.ParentCode
			}
			if e.Years == nil {
				e.Years = []int{}
			}
			out.Data = append(out.Data, e)
		}
		if len(ds) == p.Limit {
			n := httpx.NextLink(c, b, httpx.EncodeCursor(codeCursor{Code: ds[len(ds)-1].Code}))
			out.Next = &n
		}
		c.Header("Cache-Control", "no-cache")
		c.JSON(http.StatusOK, out)
	}
}
