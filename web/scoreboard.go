package web

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"sunshine/httpx"
	"sunshine/models"
	"sunshine/scoreboard"
	"sunshine/store"
)

// The disclosure scoreboard's page (/scoreboard) and embed
// (/embed/scoreboard): what package scoreboard computed, printed as it is.

// scoreboardPage is parsed with the layout here, beside its handler, so the
// site's own list of pages need not change.
var scoreboardPage = template.Must(template.New("scoreboard").Funcs(templateFuncs).
	ParseFS(Templates, "templates/layout.html", "templates/scoreboard.html"))

var scoreboardEmbed = template.Must(template.New("embed_scoreboard.html").ParseFS(Templates, "templates/embed_scoreboard.html"))

type scoreboardData struct {
	page
	Query   scoreboard.Query
	Board   *scoreboard.Board
	Ranking []scoreboard.Ranked
	AsOf    string
	Years   []scoreboardLink
	Phases  []scoreboardLink
	Headers map[string]sortHeader
	Rows    []scoreboardRow
	SVG     template.HTML
	JSON    string
	CSV     string
	Embed   string // the embed's address
	Code    string // the iframe to paste
}

type scoreboardLink struct {
	Text, Href string
	Current    bool
}

type scoreboardRow struct {
	scoreboard.Department
	TimelinessText, CompletenessText string
	Missing                          []string // names of the missing tables
	Empty                            []string // names of the tables published empty
	Link                             string   // the department's page, when it disclosed
}

// scoreboardQuery is the address of the page (or the API, the embed) for q with another sort.
func scoreboardQuery(q scoreboard.Query, sortKey string) string {
	v := url.Values{}
	if q.Region != "" {
		v.Set("region", q.Region)
	}
	v.Set("year", strconv.Itoa(q.Year))
	v.Set("phase", string(q.Phase))
	if sortKey != "" {
		v.Set("sort", sortKey)
	}
	return v.Encode()
}

// Scoreboard is the page: a region's departments, or, without a region, the
// ranking of regions. Columns sort with ?sort= links (no script).
func (s *Site) Scoreboard(c *gin.Context) {
	ctx, now := c.Request.Context(), s.d.Store.Now()
	q, err := scoreboard.ParseQuery(ctx, s.d.Store, c.Query("region"), c.Query("year"), c.Query("phase"), c.Query("sort"), now)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := scoreboardData{page: s.page("部门预决算公开评分", "scoreboard"), Query: q, AsOf: scoreboard.Day(now)}
	if q.Region != "" {
		b, err := scoreboard.Read(ctx, s.d.Store, q.Region, q.Year, q.Phase, now)
		if err != nil {
			s.pageError(c, err)
			return
		}
		if b.RegionName == "" && len(b.Departments) == 0 {
			s.pageError(c, models.Errorf(models.ENOTFOUND, "地区 %s 在 %d 年%s还没有部门名单，也没有公开的申报", q.Region, q.Year, q.Phase.Chinese()))
			return
		}
		b.Sort(q.Sort)
		d.Board = &b
		d.Title = b.RegionName + " " + strconv.Itoa(b.FiscalYear) + " 年部门" + b.PhaseZh + "公开评分"
		d.SVG = template.HTML(b.SVG(720))
		for _, dep := range b.Departments {
			r := scoreboardRow{Department: dep, TimelinessText: scoreboard.Labels[dep.Timeliness], CompletenessText: scoreboard.Labels[dep.Completeness]}
			for _, t := range dep.Tables {
				switch t.State {
				case scoreboard.TableMissing:
					r.Missing = append(r.Missing, t.Name)
				case scoreboard.TableEmpty:
					r.Empty = append(r.Empty, t.Name)
				}
			}
			if dep.Disclosed {
				r.Link = "/regions/" + url.PathEscape(b.RegionCode) + "/departments/" + url.PathEscape(dep.DeptCode)
			}
			d.Rows = append(d.Rows, r)
		}
		d.Headers = map[string]sortHeader{}
		for _, h := range []struct{ key, label string }{{"dept_code", "编码"}, {"dept_name", "部门"}, {"published_on", "公开日期"},
			{"days", "用时（天）"}, {"timeliness", "及时性"}, {"tables_missing", "缺表"}, {"completeness", "完整性"},
			{"not_disclosed", "未公开数字"}, {"warnings", "检查提示"}} {
			d.Headers[h.key] = scoreboardSort(q, h.key, h.label)
		}
	} else {
		d.Title = strconv.Itoa(q.Year) + " 年部门" + q.Phase.Chinese() + "公开评分：各地排名"
		if d.Ranking, err = scoreboard.ReadRanking(ctx, s.d.Store, q.Year, q.Phase, now); err != nil {
			s.pageError(c, err)
			return
		}
	}
	years, err := s.d.Store.ScoreboardYears(ctx, q.Phase)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, y := range years {
		o := q
		o.Year, o.Sort = y, ""
		d.Years = append(d.Years, scoreboardLink{Text: strconv.Itoa(y) + " 年", Href: "/scoreboard?" + scoreboardQuery(o, ""), Current: y == q.Year})
	}
	for _, p := range []models.Phase{models.PhaseBudget, models.PhaseFinal} {
		o := q
		o.Phase, o.Sort = p, ""
		d.Phases = append(d.Phases, scoreboardLink{Text: "部门" + p.Chinese(), Href: "/scoreboard?" + scoreboardQuery(o, ""), Current: p == q.Phase})
	}
	base := httpx.BaseURL(c, s.d.BaseURL)
	plain := q
	plain.Sort = ""
	d.JSON = "/api/v1/scoreboard?" + scoreboardQuery(plain, "")
	d.CSV = "/api/v1/scoreboard.csv?" + scoreboardQuery(plain, "")
	d.Embed = "/embed/scoreboard?" + scoreboardQuery(plain, "")
	d.Code = `<iframe src="` + base + d.Embed + `" width="100%" height="520" title="` + d.Title + `" loading="lazy"></iframe>`

	var buf bytes.Buffer
	if err := scoreboardPage.ExecuteTemplate(&buf, "layout", d); err != nil {
		httpx.Logger(c).Error("template failed", slog.String("page", "scoreboard"), slog.Any("err", err))
		c.Data(http.StatusInternalServerError, "text/html; charset=utf-8",
			[]byte("<!doctype html><meta charset=utf-8><title>服务器内部错误</title><p>服务器内部错误，请稍后再试。"))
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// scoreboardSort is a column header linking to the page sorted by it: figures
// descending on the first click, names ascending; the current column reverses.
func scoreboardSort(q scoreboard.Query, key, label string) sortHeader {
	h := sortHeader{Label: label, Aria: "none"}
	next := "-" + key
	if key == "dept_code" || key == "dept_name" || key == "published_on" {
		next = key
	}
	switch q.Sort {
	case key:
		h.Arrow, h.Aria, next = "▲", "ascending", "-"+key
	case "-" + key:
		h.Arrow, h.Aria, next = "▼", "descending", key
	}
	h.Href = "/scoreboard?" + scoreboardQuery(q, next) + "#board"
	return h
}

// ScoreboardEmbed is a region's scoreboard as a page for an iframe: the two
// bars, the departments as a table, the CSV of exactly those rows, the source.
func ScoreboardEmbed(src *store.Store, base, frameAncestors string) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, now := c.Request.Context(), src.Now()
		q, err := scoreboard.ParseQuery(ctx, src, c.Query("region"), c.Query("year"), c.Query("phase"), c.Query("sort"), now)
		if err == nil && q.Region == "" {
			err = models.Errorf(models.EINVALID, "嵌入页需要参数 region（地区代码），例如 /embed/scoreboard?region=990101&year=2025&phase=budget")
		}
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b, err := scoreboard.Read(ctx, src, q.Region, q.Year, q.Phase, now)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b.Sort(q.Sort)
		rows := [][]string{{"部门", "批复日期", "公开日期", "用时（天）", "及时性", "完整性", "缺表"}}
		for _, d := range b.Departments {
			days := ""
			if d.Days != nil {
				days = strconv.Itoa(*d.Days)
			}
			rows = append(rows, []string{d.DeptName, deref(d.ApprovedOn, "—"), deref(d.PublishedOn, "未公开"), days,
				scoreboard.Labels[d.Timeliness], scoreboard.Labels[d.Completeness], strconv.Itoa(d.TablesMissing)})
		}
		b0 := httpx.BaseURL(c, base)
		embedHeaders(c, frameAncestors)
		c.Header("Cache-Control", "public, max-age=60")
		c.Status(http.StatusOK)
		c.Header("Content-Type", "text/html; charset=utf-8")
		title := b.RegionName + " " + strconv.Itoa(b.FiscalYear) + " 年部门" + b.PhaseZh + "公开评分"
		err = scoreboardEmbed.Execute(c.Writer, map[string]any{
			"Title": title, "SVG": template.HTML(b.SVG(560)), "Board": b, "Rows": rows,
			"Home": b0 + "/", "Page": b0 + "/scoreboard?" + scoreboardQuery(q, ""),
			"CSV": "/api/v1/scoreboard.csv?" + scoreboardQuery(q, q.Sort),
		})
		if err != nil {
			httpx.Logger(c).Error("embed", "err", err)
		}
	}
}

func deref(p *string, none string) string {
	if p == nil {
		return none
	}
	return *p
}
