package handlers

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/store"
)

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

// getChangesAtom lists the newest 100 releases as an Atom feed.
func getChangesAtom(cat Catalogue, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		rs, err := cat.Changes(c.Request.Context(), store.ChangeFilter{Region: c.Query("region"), Limit: 100})
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b := httpx.BaseURL(c, base)
		feed := atomFeed{Title: "阳光财政：数据发布与更正记录", ID: b + "/feeds/changes.atom",
			Updated: time.Unix(0, 0).UTC().Format(time.RFC3339), Author: atomAuthor{Name: "阳光财政"},
			Links: []atomLink{{Href: b + "/feeds/changes.atom", Rel: "self", Type: "application/atom+xml"},
				{Href: b + "/api/v1/changes", Rel: "alternate", Type: "application/json"}}}
		if len(rs) > 0 {
			feed.Updated = rs[0].CreatedAt.UTC().Format(time.RFC3339)
		}
		for _, r := range rs {
			e := exports.NewReleaseEntry(b, r)
			summary := fmt.Sprintf("%s %s（部门 %s）：第 %d 版，%d 行。", actionChinese[r.Action], r.DeptName, r.DeptCode, r.Number, r.Rows)
			if r.Note != "" {
				summary += "说明：" + r.Note
			}
			feed.Entries = append(feed.Entries, atomEntry{
				Title:   fmt.Sprintf("%s 第 %d 版（%s %s）", e.DatasetTitle, r.Number, actionChinese[r.Action], r.DeptName),
				ID:      fmt.Sprintf("%s/api/v1/datasets/%s/releases/%d", b, r.DatasetID, r.Number),
				Updated: r.CreatedAt.UTC().Format(time.RFC3339),
				Links:   []atomLink{{Href: e.Links["dataset"], Rel: "alternate"}, {Href: e.Links["csv"], Rel: "enclosure", Type: "text/csv"}},
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
