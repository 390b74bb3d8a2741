package web

import (
	"bytes"
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/filings"
	"sunshine/httpx"
	"sunshine/ingest/pdfgrid"
	"sunshine/models"
)

// The desk's review view of a filing read from a PDF: the page image, as
// poppler's pdftoppm renders it, with a numbered box over every figure read
// from it, beside the figures as stored (table, code, name, column, amount
// and unit), so a clerk confirms each figure against the page before
// publishing, or corrects a misread table by uploading it again.

// reviewDPI is the resolution of the page images: a point is 2 pixels.
const reviewDPI = 144

// renderLimits bound one pdftoppm or pdfinfo run of the review view.
var renderLimits = pdfgrid.Limits{Timeout: 15 * time.Second, MemoryBytes: 1 << 30}

var reviewTemplate = template.Must(template.New("desk_review").Funcs(templateFuncs).
	ParseFS(Templates, "templates/layout.html", "templates/desk_review.html"))

type reviewPage struct {
	page
	Filing   models.Filing
	SHA256   string
	Files    []string // the PDFs the filing's figures come from, when more than one
	Pages    []reviewPageLink
	Page     int
	Width    float64 // the page in points
	Height   float64
	Image    string
	PDF      string // the page in the PDF itself
	Figures  []reviewFigure
	Missing  int // figures of the filing with no source (from a workbook or CSV)
	NoSource bool
}

type reviewPageLink struct {
	Page    int
	Figures int
	Current bool
	Href    string
}

type reviewFigure struct {
	N                int
	Table            string
	Code, Name, Col  string
	Amount           string
	Unit             string
	X, Y, W, H       float64 // the box in points
	LabelX, LabelY   float64
	Anchor, DeskLink string
}

// DeskReview shows one page of a filing's PDF beside the figures read from
// it: GET /desk/filings/{id}/review?page=N&sha=…, to whoever may see the
// filing in the desk.
func (s *Site) DeskReview(c *gin.Context) {
	sess, t, ok := s.requireDesk(c, nil)
	if !ok {
		return
	}
	f, ok := s.reviewFiling(c, t)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	id := strconv.FormatInt(f.ID, 10)
	p := reviewPage{page: s.deskPage("核对 PDF · 申报 "+id, sess, t), Filing: f}
	srcs, err := s.d.Store.FigureSources(ctx, f.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if len(srcs) == 0 {
		p.NoSource = true
		s.renderReview(c, p)
		return
	}
	files := map[string]bool{}
	for _, src := range srcs {
		files[src.SHA256] = true
	}
	for sha := range files {
		p.Files = append(p.Files, sha)
	}
	sort.Strings(p.Files)
	p.SHA256 = p.Files[0]
	if sha := c.Query("sha"); files[sha] {
		p.SHA256 = sha
	}
	perPage := map[int]int{}
	for _, src := range srcs {
		if src.SHA256 == p.SHA256 {
			perPage[src.Page]++
		}
	}
	for n := range perPage {
		p.Pages = append(p.Pages, reviewPageLink{Page: n, Figures: perPage[n]})
	}
	sort.Slice(p.Pages, func(i, j int) bool { return p.Pages[i].Page < p.Pages[j].Page })
	p.Page = p.Pages[0].Page
	if n, err := strconv.Atoi(c.Query("page")); err == nil && perPage[n] > 0 {
		p.Page = n
	}
	for i := range p.Pages {
		l := &p.Pages[i]
		l.Current = l.Page == p.Page
		l.Href = "/desk/filings/" + id + "/review?sha=" + p.SHA256 + "&page=" + strconv.Itoa(l.Page)
	}
	file, _, err := s.d.Store.SourceFile(ctx, p.SHA256)
	if err != nil {
		s.pageError(c, err)
		return
	}
	p.Width, p.Height, err = pdfgrid.PageSize(ctx, bytes.NewReader(file.Content), p.Page, renderLimits)
	if err != nil {
		s.pageError(c, err)
		return
	}
	p.Image = "/desk/filings/" + id + "/pages/" + strconv.Itoa(p.Page) + ".png?sha=" + p.SHA256
	p.PDF = models.SourcePath(p.SHA256) + "#page=" + strconv.Itoa(p.Page)

	items, err := s.d.Store.LineItems(ctx, f.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	tp, err := s.d.Store.ThreePublic(ctx, f.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	bySource := map[string]models.FigureSource{}
	for _, src := range srcs {
		bySource[src.Key()] = src
	}
	add := func(src models.FigureSource, table, code, name, col, amount, unit string) {
		n := len(p.Figures) + 1
		p.Figures = append(p.Figures, reviewFigure{N: n, Table: table, Code: code, Name: name, Col: col, Amount: amount, Unit: unit,
			X: src.X0, Y: src.Y0, W: src.X1 - src.X0, H: src.Y1 - src.Y0, LabelX: src.X1 + 1, LabelY: src.Y0 + 7,
			Anchor: "f" + strconv.Itoa(n), DeskLink: "/desk/filings/" + id + "#" + cellID(string(src.Table), src.Code, src.Column)})
	}
	for _, it := range items {
		if !it.Amount.Valid {
			continue
		}
		src, ok := bySource[models.FigureKey(it.Table, it.Code, it.Column)]
		if !ok {
			p.Missing++
			continue
		}
		if src.SHA256 != p.SHA256 || src.Page != p.Page {
			continue
		}
		spec, _ := models.LookupTable(string(it.Table))
		col := it.Column
		if cs, ok := spec.Column(it.Column, f.Phase); ok {
			col = cs.Chinese
		}
		name := it.Name
		if name == "" {
			if rs, ok := spec.Row(it.Code); ok {
				name = rs.Chinese
			}
		}
		add(src, spec.Name(f.Phase), it.Code, name, col, amountIn(it.Amount, it.Unit), string(it.Unit))
	}
	if tp != nil {
		spec, _ := models.LookupTable(string(models.TableThreePublic))
		for _, a := range models.ThreePublicAmounts {
			src, ok := bySource[models.FigureKey(models.TableThreePublic, "", a.Key)]
			if !ok || src.SHA256 != p.SHA256 || src.Page != p.Page {
				continue
			}
			add(src, spec.Name(f.Phase), "", a.Chinese, "", amountIn(*a.Get(tp), tp.Unit), string(tp.Unit))
		}
		for _, cnt := range models.ThreePublicCounts {
			src, ok := bySource[models.FigureKey(models.TableThreePublic, "", cnt.Key)]
			if !ok || src.SHA256 != p.SHA256 || src.Page != p.Page {
				continue
			}
			add(src, spec.Name(f.Phase), "", cnt.Chinese, "", countText(*cnt.Get(tp)), "")
		}
	}
	s.renderReview(c, p)
}

func (s *Site) renderReview(c *gin.Context, p reviewPage) {
	var buf bytes.Buffer
	if err := reviewTemplate.ExecuteTemplate(&buf, "layout", p); err != nil {
		httpx.Logger(c).Error("template failed", slog.String("page", "desk_review"), slog.Any("err", err))
		c.Data(http.StatusInternalServerError, "text/html; charset=utf-8",
			[]byte("<!doctype html><meta charset=utf-8><title>服务器内部错误</title><p>服务器内部错误，请稍后再试。"))
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// DeskPageImage renders one page of a PDF a filing's figures come from:
// GET /desk/filings/{id}/pages/{n}.png?sha=…, to whoever may see the filing
// in the desk; only pages that hold a figure of it.
func (s *Site) DeskPageImage(c *gin.Context) {
	_, t, ok := s.requireDesk(c, nil)
	if !ok {
		return
	}
	f, ok := s.reviewFiling(c, t)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	n, err := strconv.Atoi(strings.TrimSuffix(c.Param("page"), ".png"))
	if err != nil || !strings.HasSuffix(c.Param("page"), ".png") {
		s.pageError(c, models.Errorf(models.ENOTFOUND, "页面“%s”不存在", c.Param("page")))
		return
	}
	srcs, err := s.d.Store.FigureSources(ctx, f.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	sha := c.Query("sha")
	cited := false
	for _, src := range srcs {
		if src.Page == n && (src.SHA256 == sha || sha == "") {
			sha, cited = src.SHA256, true
			break
		}
	}
	if !cited {
		s.pageError(c, models.Errorf(models.ENOTFOUND, "申报 %d 没有从第 %d 页读入的数字", f.ID, n))
		return
	}
	file, _, err := s.d.Store.SourceFile(ctx, sha)
	if err != nil {
		s.pageError(c, err)
		return
	}
	png, err := pdfgrid.RenderPage(ctx, bytes.NewReader(file.Content), n, reviewDPI, renderLimits)
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, "image/png", png)
}

// reviewFiling loads the filing of the request, if the token may see it.
func (s *Site) reviewFiling(c *gin.Context, t *models.Token) (models.Filing, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.pageError(c, models.Errorf(models.ENOTFOUND, "申报编号“%s”无效", c.Param("id")))
		return models.Filing{}, false
	}
	f, err := s.d.Store.Filing(c.Request.Context(), id)
	if err == nil && !filings.MaySee(t, f) {
		err = models.Errorf(models.ENOTFOUND, "申报 %d 不存在", id)
	}
	if err != nil {
		s.pageError(c, err)
		return f, false
	}
	return f, true
}

// linkSources links every figure of a filing page read from a PDF to its
// page of the PDF kept as the upload's original (…/source.pdf#page=N).
func (s *Site) linkSources(ctx context.Context, filingID int64, threePublic, counts []figureRow, tables []filingTable) error {
	srcs, err := s.d.Store.FigureSources(ctx, filingID)
	if err != nil || len(srcs) == 0 {
		return err
	}
	byAnchor := map[string]models.FigureSource{}
	for _, src := range srcs {
		byAnchor[figureAnchor(src.Table, src.Code, src.Column)] = src
	}
	link := func(r *figureRow) {
		if src, ok := byAnchor[r.Anchor]; ok {
			r.Source, r.SourcePage = src.Link(), src.Page
		}
	}
	for i := range threePublic {
		link(&threePublic[i])
	}
	for i := range counts {
		link(&counts[i])
	}
	for _, t := range tables {
		for _, row := range t.Rows {
			for _, c := range row.Cells {
				if c != nil {
					link(c)
				}
			}
		}
	}
	return nil
}
