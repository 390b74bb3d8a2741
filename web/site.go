package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/checks"
	"sunshine/filings"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// The HTML surface: public pages (web_pages.go) and the upload desk
// (web_desk.go), rendered on the server with html/template from the files
// embedded by package web. Every page works without JavaScript, is in
// Chinese and loads nothing from another host: styles come from /static/.

// Site is the HTML side of the service, built once per router; its methods
// are the handlers handlers/routes.go lists.
type Site struct {
	d     Config
	pages map[string]*template.Template
	css   string // the stylesheet's URL, with its content hash so a new build is never served a stale copy
	desk  *deskSessions
	// pending keeps the desk uploads refused only for their filing fields (pending.go).
	pending *pendingUploads
	sums    shaCache // SHA-256 of release files for the citations (citable.go)
}

// Config is what the pages, the desk and the embeds are built from.
type Config struct {
	Store *store.Store
	// Filings uploads, publishes and withdraws from the desk; nil leaves the desk read-only.
	Filings *filings.Service
	Limits  httpx.UploadLimits
	// BaseURL is the public address used in absolute links; "" takes it from each request.
	BaseURL string
	// SignIns limits failed sign-ins per client, shared with the API's token check.
	SignIns *httpx.SignInLimiter
	// Publisher names the publisher in the pages' citations; "" is exports.DefaultPublisher.
	Publisher string
}

// pagesCSP allows only the service's own files; there are no inline scripts or
// styles anywhere. The desk may not be framed (clickjacking a publish button).
const pagesCSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"

// Headers are the headers of every page: a strict CSP, no sniffing; the desk
// (desk true) may not be framed nor cached.
func Headers(desk bool) gin.HandlerFunc {
	csp := pagesCSP
	if desk {
		csp += "; frame-ancestors 'none'"
	}
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if desk {
			h.Set("X-Frame-Options", "DENY")
			h.Set("Cache-Control", "no-store") // drafts and CSRF tokens stay out of shared caches
		} else {
			h.Set("Cache-Control", "no-cache") // pages change with every publication
		}
		c.Next()
	}
}

// templatePages are the page files; each is parsed together with layout.html.
var templatePages = []string{"home", "region", "department", "datasets", "changes", "rules", "error",
	"dataset", "release_diff", "filing",
	"desk_login", "desk_home", "desk_upload", "desk_filing", "desk_queue", "desk_discard"}

// NewSite parses the templates (a broken one panics: a bug of this build).
func NewSite(d Config) *Site {
	s := &Site{d: d, pages: map[string]*template.Template{}, desk: newDeskSessions(d.Store)}
	s.pending = newPendingUploads(d.Store, d.Limits.TempDir, s.desk.now)
	for _, p := range templatePages {
		t := template.New(p).Funcs(templateFuncs)
		files := []string{"templates/layout.html", "templates/" + p + ".html"}
		if p == "desk_home" || p == "desk_upload" {
			files = append(files, "templates/desk_fields.html") // the upload form's 申报信息
		}
		// A broken template is a bug of this build: fail at start-up, not at the first request.
		s.pages[p] = template.Must(t.ParseFS(Templates, files...))
	}
	css, err := fs.ReadFile(Static, "static/site.css")
	if err != nil {
		panic("web: static/site.css is not embedded: " + err.Error())
	}
	sum := sha256.Sum256(css)
	s.css = "/static/site.css?v=" + hex.EncodeToString(sum[:6])
	return s
}

// Static serves the embedded files with a day of caching (their URLs carry a content hash).
func (s *Site) Static(c *gin.Context) {
	name := strings.TrimPrefix(path.Clean(c.Param("file")), "/")
	b, err := fs.ReadFile(Static, "static/"+name)
	if err != nil || name == "" {
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.String(http.StatusNotFound, "没有这个文件")
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "public, max-age=86400")
	c.Data(http.StatusOK, ctype, b)
}

// page is what the layout needs; every page's data embeds it.
type page struct {
	Title string
	Nav   string // which item of the navigation is current
	CSS   string
	Feed  string // the Atom feed the page advertises (<link rel="alternate">)
	// Desk pages: the signed-in token (nil on the sign-in page) and the session's CSRF token.
	Token *models.Token
	CSRF  string
}

func (s *Site) page(title, nav string) page {
	return page{Title: title, Nav: nav, CSS: s.css, Feed: FeedPath(nil)}
}

// render executes a page into a buffer first, so a template error is a clean 500.
func (s *Site) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		httpx.Logger(c).Error("template failed", slog.String("page", name), slog.Any("err", err))
		c.Data(http.StatusInternalServerError, "text/html; charset=utf-8",
			[]byte("<!doctype html><meta charset=utf-8><title>服务器内部错误</title><p>服务器内部错误，请稍后再试。"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

type errorPage struct {
	page
	Status  int
	Message string
}

// pageError shows err as an HTML page with the status of its domain code (errors.go).
func (s *Site) pageError(c *gin.Context, err error) {
	code := models.ErrorCode(err)
	status := httpx.Status(err)
	msg := models.ErrorMessage(err)
	if status >= 500 {
		httpx.Logger(c).Error("page failed", slog.String("code", code), slog.Any("err", err))
	}
	s.showError(c, status, msg)
}

func (s *Site) showError(c *gin.Context, status int, msg string) {
	nav := ""
	if strings.HasPrefix(c.Request.URL.Path, "/desk") {
		nav = "desk"
	}
	p := s.page(http.StatusText(status), nav)
	switch status {
	case http.StatusNotFound:
		p.Title = "页面不存在"
	case http.StatusForbidden:
		p.Title = "无权操作"
	case http.StatusUnauthorized:
		p.Title = "需要登录"
	case http.StatusServiceUnavailable:
		p.Title = "服务暂时不可用" // the database is restarting or unreachable: not an internal error
	default:
		if status >= 500 {
			p.Title = "服务器内部错误"
		} else {
			p.Title = "请求有误"
		}
	}
	s.render(c, status, "error", errorPage{page: p, Status: status, Message: msg})
	c.Abort()
}

// chinaTime is UTC+8, where every user of the service reads the clock (no tzdata needed).
var chinaTime = time.FixedZone("CST", 8*3600)

var templateFuncs = template.FuncMap{
	"wan":       wan,
	"amount":    func(n models.NullMoney, u models.Unit) string { return amountIn(n, u) },
	"count":     countText,
	"phaseName": func(p models.Phase) string { return p.Chinese() },
	"status":    statusName,
	"severity":  severityName,
	"action":    actionName,
	"kind":      kindName,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(chinaTime).Format("2006-01-02 15:04")
	},
	"whenPtr": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(chinaTime).Format("2006-01-02 15:04")
	},
	"str": func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	},
	"ruleName": ruleName,
	"add":      func(a, b int) int { return a + b },
	"csvBOM":   func(u string) string { return u + "?bom=1" },
}

// wan prints an amount as Chinese tables do: 万元, two decimals, thousands separators; "未公开" when not disclosed.
func wan(n models.NullMoney) string {
	if !n.Valid {
		return "未公开"
	}
	return n.Money.FormatRounded(models.WanYuan, 2, true)
}

// amountIn prints an amount exactly in the unit it was uploaded in ("1,234,567.00" 元).
func amountIn(n models.NullMoney, u models.Unit) string {
	if !n.Valid {
		return "未公开"
	}
	if !u.Valid() {
		u = models.Yuan
	}
	return n.Money.FormatGrouped(u)
}

func countText(n models.NullCount) string {
	if !n.Valid {
		return "未公开"
	}
	return groupDigits(strconv.FormatInt(n.Count, 10))
}

func groupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func statusName(s models.Status) string {
	switch s {
	case models.StatusDraft:
		return "草稿"
	case models.StatusPublished:
		return "已公开"
	case models.StatusSuperseded:
		return "已被更正版取代"
	case models.StatusWithdrawn:
		return "已撤回"
	}
	return string(s)
}

func severityName(s models.Severity) string {
	switch s {
	case models.SeverityError:
		return "错误"
	case models.SeverityWarning:
		return "警告"
	case models.SeverityInfo:
		return "提示"
	}
	return string(s)
}

func actionName(a string) string {
	switch a {
	case "publish":
		return "首次公开"
	case "correction":
		return "更正"
	case "withdrawal":
		return "撤回"
	}
	return a
}

func kindName(k models.Kind) string {
	switch k {
	case models.KindThreePublic:
		return "三公经费"
	case models.KindLineItems:
		return "部门预决算公开表"
	}
	return string(k)
}

// ruleName is the short Chinese name of a rule key shown beside the key in
// finding tables; the full text of each rule is on /rules.
func ruleName(key string) string {
	if name, ok := ruleShortNames[key]; ok {
		return name
	}
	if name, ok := parseRuleNames[key]; ok {
		return name
	}
	if r, ok := checks.Lookup(key); ok {
		return r.Chinese
	}
	return key
}

var ruleShortNames = map[string]string{
	"three_public.total":              "三公合计不等于各项之和",
	"three_public.vehicles":           "公务用车费不等于购置费与运行费之和",
	"three_public.vehicles_not_split": "公务用车费未分列购置和运行",
	"row.sum":                         "行合计不等于各栏之和",
	"hierarchy.sum":                   "上级科目不等于下级科目之和",
	"summary.balance":                 "收支总表不平衡",
	"table.missing":                   "缺少标准表",
	"amount.negative":                 "金额为负数",
	"row.duplicate":                   "重复的行",
	"code.unknown":                    "科目编码不在科目表中",
	"code.name_mismatch":              "科目名称与科目表不一致",
	"procurement.total":               "政府采购合计不符",
	"detail.level":                    "支出未细化到项（款）",
	"cross.summary_income":            "收支总表与收入表、支出表不一致",
	"cross.fiscal":                    "财政拨款收支总表与支出表不一致",
	"cross.basic":                     "基本支出与基本支出表不一致",
	"cross.three_public_economic":     "经济科目超过三公经费",
	"cross.operating_cost":            "机关运行经费与公用经费不符",
	"final.budget_mismatch":           "决算中的预算数与已公开预算不一致",
	"final.over_budget":               "决算数超过预算数",
	"change.reason_missing":           "未说明增减变化原因",
	"unit.suspect":                    "疑似金额单位填错",
	"count.missing":                   "缺少三公经费对应的数量",
	"count.order":                     "人次少于团组数或批次",
	"count.outlier":                   "单位成本明显偏离",
}

// parseRuleNames name the refusals of ingest, which are not in the rule catalogue.
var parseRuleNames = map[string]string{
	"cell.type":         "单元格格式错误",
	"cell.enum":         "单元格取值无效",
	"cell.required":     "必填单元格为空",
	"cell.length":       "单元格过长",
	"header.unknown":    "未知的列",
	"header.missing":    "缺少必需的列",
	"header.duplicate":  "列名重复",
	"file.empty":        "文件没有数据行",
	"file.row_limit":    "行数超过上限",
	"encoding.invalid":  "文件编码无效",
	"row.duplicate":     "重复的行",
	"row.blank":         "空行",
	"row.extra_cells":   "行的单元格多于表头",
	"row.missing_cells": "行的单元格少于表头",
}
