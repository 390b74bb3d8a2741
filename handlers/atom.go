package handlers

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/store"
	"sunshine/web"
)

// htmlFilters are the filters the change log page takes (not limit).
func htmlFilters(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"region", "dataset", "dept", "kind"} {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// The Atom feed of the change log (RFC 4287), for feed readers and harvesters.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
}

var actionChinese = map[string]string{
	store.ActionPublish:    "公开",
	store.ActionCorrection: "更正",
	store.ActionWithdrawal: "撤回",
}

// getChangesAtom is the change log as an Atom feed, filtered as the JSON
// change log is (region, dataset, dept, kind) and paged as an RFC 5005 paged
// feed: 100 entries a page, newest first, rel="first" back to the newest page
// and rel="next" to older entries while there are any.
func getChangesAtom(cat Catalogue, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := changeFilter(c, 100)
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
		// The feed's id names the filters, not the page: every page is part of one feed.
		filters := c.Request.URL.Query()
		filters.Del("after")
		page := func(q url.Values) string {
			if len(q) == 0 {
				return b + "/feeds/changes.atom"
			}
			return b + "/feeds/changes.atom?" + q.Encode()
		}
		self := page(c.Request.URL.Query())
		html := b + "/changes"
		if q := htmlFilters(filters); len(q) > 0 {
			html += "?" + q.Encode()
		}
		feed := atomFeed{Title: "阳光财政：数据发布与更正记录", ID: page(filters),
			Updated: time.Unix(0, 0).UTC().Format(time.RFC3339), Author: atomAuthor{Name: "阳光财政"},
			Links: []atomLink{{Href: self, Rel: "self", Type: "application/atom+xml"},
				{Href: page(filters), Rel: "first", Type: "application/atom+xml"},
				{Href: html, Rel: "alternate", Type: "text/html"},
				{Href: b + "/api/v1/changes" + strings.TrimPrefix(page(filters), b+"/feeds/changes.atom"), Rel: "alternate", Type: "application/json"}}}
		if len(rs) == f.Limit {
			next := c.Request.URL.Query()
			next.Set("after", httpx.EncodeCursor(httpx.ChangeCursor{ID: rs[len(rs)-1].ID}))
			feed.Links = append(feed.Links, atomLink{Href: page(next), Rel: "next", Type: "application/atom+xml"})
		}
		if len(rs) > 0 {
			feed.Updated = rs[0].CreatedAt.UTC().Format(time.RFC3339)
		}
		for _, r := range rs {
			e := exports.NewReleaseEntry(b, r)
			who := r.DeptName
			if r.Filings > 1 { // one act of several departments: one release
				who = fmt.Sprintf("%s 等 %d 个部门", r.DeptName, r.Filings)
			}
			summary := fmt.Sprintf("%s %s（部门 %s）：第 %d 版，%d 行。", actionChinese[r.Action], who, r.DeptCode, r.Number, r.Rows)
			if r.Note != "" {
				summary += "说明：" + r.Note
			}
			feed.Entries = append(feed.Entries, atomEntry{
				Title:   fmt.Sprintf("%s 第 %d 版（%s %s）", e.DatasetTitle, r.Number, actionChinese[r.Action], who),
				ID:      fmt.Sprintf("%s/api/v1/datasets/%s/releases/%d", b, r.DatasetID, r.Number),
				Updated: r.CreatedAt.UTC().Format(time.RFC3339),
				Links: []atomLink{{Href: b + web.ReleasePath(r.DatasetID, r.Number), Rel: "alternate", Type: "text/html"},
					{Href: e.Links["dataset"], Rel: "related", Type: "application/json"},
					{Href: e.Links["csv"], Rel: "enclosure", Type: "text/csv"}},
				Summary: summary,
			})
		}
		c.Header("Cache-Control", "no-cache")
		c.Status(http.StatusOK)
		c.Header("Content-Type", "application/atom+xml; charset=utf-8")
		c.Writer.WriteString(xml.Header)
		enc := xml.NewEncoder(c.Writer)
		enc.Indent("", "  ")
		if err := enc.Encode(feed); err != nil {
			httpx.Logger(c).Error("atom", "err", err)
		}
	}
}
