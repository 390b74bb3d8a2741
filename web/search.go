package web

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
)

// The search page is one more page file (templatePages, site.go).
func init() { templatePages = append(templatePages, "search") }

// searchLimit is how many results of each kind the search page shows.
const searchLimit = 50

// searchMaxRunes caps the query: a longer one is cut, and the page says so.
const searchMaxRunes = 50

type searchPage struct {
	page
	Query       string
	Cut         bool // the query was longer than searchMaxRunes
	Searched    bool
	Regions     []searchHit
	Departments []searchHit
	Datasets    []searchHit
	More        bool
	Limit       int
}

// searchHit is one result: what it is, where its page is, and a line about it.
type searchHit struct {
	Code, Name, Href, Detail string
	// Extra is a second link (a dataset's CSV) and its label.
	Extra, ExtraLabel string
}

// Search is the site search (GET /search?q=): public regions, departments
// and datasets whose published name or code contains every word of q, each
// linked to its page. A form and a list: it works without JavaScript.
func (s *Site) Search(c *gin.Context) {
	q := strings.TrimSpace(c.Query("q"))
	p := searchPage{page: s.page("搜索", "search"), Limit: searchLimit}
	if utf8.RuneCountInString(q) > searchMaxRunes {
		q, p.Cut = string([]rune(q)[:searchMaxRunes]), true
	}
	p.Query = q
	if q != "" {
		p.Title = "搜索：" + q
		p.Searched = true
		ctx := c.Request.Context()
		res, err := s.d.Store.Search(ctx, q, searchLimit)
		if err != nil {
			s.pageError(c, err)
			return
		}
		// A region links to its newest published year; one whose versions were all withdrawn, to its datasets.
		years, err := s.d.Store.PublishedYears(ctx)
		if err != nil {
			s.pageError(c, err)
			return
		}
		newest := map[string]int{}
		for _, y := range years {
			if y.FiscalYear > newest[y.RegionCode] {
				newest[y.RegionCode] = y.FiscalYear
			}
		}
		p.More = res.More
		for _, r := range res.Regions {
			h := searchHit{Code: r.Code, Name: r.Name, Href: "/datasets?region=" + url.QueryEscape(r.Code)}
			if y := newest[r.Code]; y != 0 {
				h.Href = "/regions/" + url.PathEscape(r.Code) + "/" + strconv.Itoa(y)
				h.Detail = "最新公开年度 " + strconv.Itoa(y) + " 年"
			}
			p.Regions = append(p.Regions, h)
		}
		for _, d := range res.Departments {
			p.Departments = append(p.Departments, searchHit{Code: d.Code, Name: d.Name, Detail: d.RegionName + "（" + d.RegionCode + "）",
				Href: "/regions/" + url.PathEscape(d.RegionCode) + "/departments/" + url.PathEscape(d.Code)})
		}
		for _, d := range res.Datasets {
			dl := datasetDownloads(d)
			p.Datasets = append(p.Datasets, searchHit{Code: d.ID, Name: dl.Title,
				Href:   "/datasets/" + url.PathEscape(d.ID),
				Detail: "第 " + strconv.Itoa(d.LatestRelease) + " 版 · 更新于 " + dl.UpdatedAt,
				Extra:  exports.ReleaseLinks("", d.ID, d.LatestRelease)["csv"] + "?bom=1", ExtraLabel: "CSV（Excel）"})
		}
	}
	s.render(c, 200, "search", p)
}
