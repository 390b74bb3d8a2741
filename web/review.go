package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"net/url"
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
// publishing: corrects a misread figure in place (POST …/figures, see
// filings.Correct) and marks the page as checked (POST …/confirm).

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
	PixelW   int // the page image in pixels
	PixelH   int
	Image    string
	PDF      string // the page in the PDF itself
	Figures  []reviewFigure
	Missing  int // figures of the filing with no source (from a workbook or CSV)
	NoSource bool
	// Editable: the filing is a draft the token may write, so its figures take corrections.
	Editable  bool
	Confirmed *reviewConfirmation // of the page shown
	Message   string              // what the last correction or confirmation did
	Error     string              // why a correction was refused
	ErrorAt   string              // the anchor of the figure it names
}

type reviewPageLink struct {
	Page      int
	Figures   int
	Current   bool
	Href      string
	Confirmed *reviewConfirmation
}

// reviewConfirmation is who marked a page as checked, and when.
type reviewConfirmation struct {
	By string
	At time.Time
	// CorrectedBy and CorrectedAt: a figure of the page was corrected after
	// it was checked (the newest correction), so it is to be checked again.
	CorrectedBy string
	CorrectedAt time.Time
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
	// The correction form: the figure's keys and its value as typed in its unit ("" when not disclosed).
	TableKey, ColKey string
	Value            string
	Count            bool // a 三公 count (a whole number), not an amount
	ShowCode         bool // Code is a classification code, printed beside the name (not a row key such as total)
}

// reviewAnchor names a figure's row in the review's list: the same figure keeps it after a correction.
func reviewAnchor(table models.Table, code, col string) string {
	return "fig-" + string(table) + "-" + code + "-" + col
}

// reviewHref is the review view of one page of one PDF of a filing.
func reviewHref(id int64, sha string, page int) string {
	return "/desk/filings/" + strconv.FormatInt(id, 10) + "/review?sha=" + url.QueryEscape(sha) + "&page=" + strconv.Itoa(page)
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
	n, _ := strconv.Atoi(c.Query("page"))
	p, err := s.reviewPageOf(c, sess, t, f, c.Query("sha"), n)
	if err != nil {
		s.pageError(c, err)
		return
	}
	switch c.Query("done") {
	case "corrected":
		p.Message = s.lastCorrection(c, f.ID, t.Name)
	case "unchanged":
		p.Message = "未更改：输入的数字与保存的相同。"
	case "confirmed":
		p.Message = "已记录：第 " + strconv.Itoa(p.Page) + " 页已核对。"
	}
	s.renderReview(c, http.StatusOK, p)
}

// reviewPageOf builds the review view of page n (0: the first with a figure) of the PDF sha ("": the first).
func (s *Site) reviewPageOf(c *gin.Context, sess *deskSession, t *models.Token, f models.Filing, sha string, n int) (reviewPage, error) {
	ctx := c.Request.Context()
	id := strconv.FormatInt(f.ID, 10)
	p := reviewPage{page: s.deskPage("核对 PDF · 申报 "+id, sess, t), Filing: f, Editable: filings.MayCorrect(t, f)}
	srcs, err := s.d.Store.FigureSources(ctx, f.ID)
	if err != nil {
		return p, err
	}
	if len(srcs) == 0 {
		p.NoSource = true
		return p, nil
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
	if files[sha] {
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
	if perPage[n] > 0 {
		p.Page = n
	}
	confirmed, err := s.confirmations(c, f, p.SHA256)
	if err != nil {
		return p, err
	}
	for i := range p.Pages {
		l := &p.Pages[i]
		l.Current = l.Page == p.Page
		l.Href = reviewHref(f.ID, p.SHA256, l.Page)
		l.Confirmed = confirmed[l.Page]
	}
	p.Confirmed = confirmed[p.Page]
	file, _, err := s.d.Store.SourceFile(ctx, p.SHA256)
	if err != nil {
		return p, err
	}
	p.Width, p.Height, err = pdfgrid.PageSize(ctx, s.d.Store.OpenSource(ctx, file), p.Page, renderLimits)
	if err != nil {
		return p, err
	}
	p.PixelW, p.PixelH = int(math.Round(p.Width*reviewDPI/72)), int(math.Round(p.Height*reviewDPI/72))
	p.Image = "/desk/filings/" + id + "/pages/" + strconv.Itoa(p.Page) + ".png?sha=" + p.SHA256
	p.PDF = models.SourcePath(p.SHA256) + "#page=" + strconv.Itoa(p.Page)

	items, err := s.d.Store.LineItems(ctx, f.ID)
	if err != nil {
		return p, err
	}
	tp, err := s.d.Store.ThreePublic(ctx, f.ID)
	if err != nil {
		return p, err
	}
	bySource := map[string]models.FigureSource{}
	for _, src := range srcs {
		bySource[src.Key()] = src
	}
	add := func(src models.FigureSource, fig reviewFigure) {
		fig.N = len(p.Figures) + 1
		fig.X, fig.Y, fig.W, fig.H = src.X0, src.Y0, src.X1-src.X0, src.Y1-src.Y0
		fig.LabelX, fig.LabelY = src.X1+1, src.Y0+7
		fig.Anchor = reviewAnchor(src.Table, src.Code, src.Column)
		fig.DeskLink = "/desk/filings/" + id + "#" + cellID(string(src.Table), src.Code, src.Column)
		p.Figures = append(p.Figures, fig)
	}
	for _, it := range items {
		src, ok := bySource[models.FigureKey(it.Table, it.Code, it.Column)]
		if !ok {
			if it.Amount.Valid {
				p.Missing++
			}
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
		_, keyed := spec.Row(it.Code)
		add(src, reviewFigure{Table: spec.Name(f.Phase), Code: it.Code, ShowCode: !keyed, Name: name, Col: col, Amount: amountIn(it.Amount, it.Unit),
			Unit: string(it.Unit), TableKey: string(it.Table), ColKey: it.Column, Value: typedAmount(it.Amount, it.Unit, it.Decimals)})
	}
	if tp != nil {
		spec, _ := models.LookupTable(string(models.TableThreePublic))
		for _, a := range models.ThreePublicAmounts {
			src, ok := bySource[models.FigureKey(models.TableThreePublic, "", a.Key)]
			if !ok || src.SHA256 != p.SHA256 || src.Page != p.Page {
				continue
			}
			add(src, reviewFigure{Table: spec.Name(f.Phase), Name: a.Chinese, Amount: amountIn(*a.Get(tp), tp.Unit), Unit: string(tp.Unit),
				TableKey: string(models.TableThreePublic), ColKey: a.Key, Value: typedAmount(*a.Get(tp), tp.Unit, tp.Decimals)})
		}
		for _, cnt := range models.ThreePublicCounts {
			src, ok := bySource[models.FigureKey(models.TableThreePublic, "", cnt.Key)]
			if !ok || src.SHA256 != p.SHA256 || src.Page != p.Page {
				continue
			}
			v := *cnt.Get(tp)
			value := ""
			if v.Valid {
				value = strconv.FormatInt(v.Count, 10)
			}
			add(src, reviewFigure{Table: spec.Name(f.Phase), Name: cnt.Chinese, Amount: countText(v),
				TableKey: string(models.TableThreePublic), ColKey: cnt.Key, Value: value, Count: true})
		}
	}
	return p, nil
}

// typedAmount is a figure as a clerk would type it in its unit: its printed
// decimals, no thousands separators; "" when it is not disclosed.
func typedAmount(n models.NullMoney, u models.Unit, d models.Decimals) string {
	if !n.Valid {
		return ""
	}
	if !u.Valid() {
		u = models.Yuan
	}
	return n.Money.FormatPrinted(u, d, false)
}

// confirmations reads who last marked each page of the PDF sha as checked
// (the audit log), and who corrected a figure of it since, if anyone did.
func (s *Site) confirmations(c *gin.Context, f models.Filing, sha string) (map[int]*reviewConfirmation, error) {
	log, err := s.d.Store.AuditLog(c.Request.Context(), "filing:"+strconv.FormatInt(f.ID, 10), 10000)
	if err != nil {
		return nil, err
	}
	out := map[int]*reviewConfirmation{}
	corrected := map[int]*reviewConfirmation{} // the newest correction of each page not yet matched to a check
	for _, e := range log {                    // newest first
		if e.Action != filings.AuditConfirmPage && e.Action != filings.AuditCorrect {
			continue
		}
		var d struct {
			SHA256 string `json:"sha256"`
			Page   int    `json:"page"`
		}
		if json.Unmarshal([]byte(e.Detail), &d) != nil || d.SHA256 != sha || out[d.Page] != nil {
			continue
		}
		if e.Action == filings.AuditCorrect {
			if corrected[d.Page] == nil {
				corrected[d.Page] = &reviewConfirmation{CorrectedBy: e.Actor, CorrectedAt: e.At}
			}
			continue
		}
		conf := &reviewConfirmation{By: e.Actor, At: e.At}
		if x := corrected[d.Page]; x != nil {
			conf.CorrectedBy, conf.CorrectedAt = x.CorrectedBy, x.CorrectedAt
		}
		out[d.Page] = conf
	}
	return out, nil
}

// lastCorrection is the message of the newest correction by actor to the
// filing, made in the last few minutes: the flash after the redirect (no text travels in the URL).
func (s *Site) lastCorrection(c *gin.Context, filingID int64, actor string) string {
	log, err := s.d.Store.AuditLog(c.Request.Context(), "filing:"+strconv.FormatInt(filingID, 10), 50)
	if err != nil {
		return ""
	}
	for _, e := range log {
		if e.Action != filings.AuditCorrect || e.Actor != actor {
			continue
		}
		var d struct {
			Message string `json:"message"`
		}
		if s.d.Store.Now().Sub(e.At) > 10*time.Minute || json.Unmarshal([]byte(e.Detail), &d) != nil {
			return ""
		}
		return d.Message
	}
	return ""
}

// reviewForm reads what every form of the review view posts: the desk
// session, its token and the draft (deskFilingForm), and the page of the PDF
// the form was on (sha, page).
func (s *Site) reviewForm(c *gin.Context) (sess *deskSession, t *models.Token, id int64, sha string, pageNo int, ok bool) {
	if sess, t, id, ok = s.deskFilingForm(c); !ok {
		return
	}
	pageNo, _ = strconv.Atoi(c.PostForm("page"))
	return sess, t, id, c.PostForm("sha"), pageNo, true
}

// DeskCorrect corrects one figure of a draft from the review view: POST
// /desk/filings/{id}/figures (table, code, col, amount; sha and page of the
// view), to whoever may write the draft, while it is a draft. It answers with
// the review page again, at the figure, saying what changed and what the
// checks found; a figure that cannot be read is refused (400) naming it.
func (s *Site) DeskCorrect(c *gin.Context) {
	sess, t, id, sha, pageNo, ok := s.reviewForm(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	corr := filings.Correction{FilingID: id, Table: models.Table(c.PostForm("table")), Code: c.PostForm("code"),
		Column: c.PostForm("col"), Text: c.PostForm("amount")}
	// The page the audit names is where the figure was read from, whatever the form says.
	srcs, err := s.d.Store.FigureSources(ctx, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, src := range srcs {
		if src.Key() == models.FigureKey(corr.Table, corr.Code, corr.Column) && (corr.SHA256 == "" || src.SHA256 == sha) {
			corr.SHA256, corr.Page = src.SHA256, src.Page
		}
	}
	got, err := s.d.Filings.Correct(ctx, corr, filings.Actor{Name: t.Name, Token: t})
	anchor := reviewAnchor(corr.Table, corr.Code, corr.Column)
	if err == nil {
		done := "corrected"
		if !got.Changed {
			done = "unchanged"
		}
		c.Redirect(http.StatusSeeOther, reviewHref(id, sha, pageNo)+"&done="+done+"#"+anchor)
		return
	}
	s.refuseReview(c, sess, t, id, sha, pageNo, err, anchor, corr.Text)
}

// refuseReview shows the review page again with why a form was refused; a
// filing the token may not see, or may not write, is the error page.
func (s *Site) refuseReview(c *gin.Context, sess *deskSession, t *models.Token, id int64, sha string, pageNo int, err error, anchor, typed string) {
	status := httpx.Status(err)
	if code := models.ErrorCode(err); status >= 500 || code == models.ENOTFOUND || code == models.EFORBIDDEN {
		s.pageError(c, err)
		return
	}
	f, ferr := s.d.Store.Filing(c.Request.Context(), id)
	if ferr != nil || !filings.MaySee(t, f) {
		s.showError(c, status, models.ErrorMessage(err))
		return
	}
	p, perr := s.reviewPageOf(c, sess, t, f, sha, pageNo)
	if perr != nil {
		s.showError(c, status, models.ErrorMessage(err))
		return
	}
	if models.ErrorCode(err) == models.EINVALID {
		status = http.StatusBadRequest // the form's figure, not the request, is wrong: said on the page
	}
	p.Error, p.ErrorAt = models.ErrorMessage(err), anchor
	for i := range p.Figures {
		if p.Figures[i].Anchor == anchor {
			p.Figures[i].Value = typed // what was typed, to be mended
		}
	}
	s.renderReview(c, status, p)
}

// DeskConfirmPage marks a page of the review view as checked: POST
// /desk/filings/{id}/confirm (sha, page), to whoever may write the draft; an
// audit entry (filings.ConfirmPage), shown on the view's list of pages.
func (s *Site) DeskConfirmPage(c *gin.Context) {
	sess, t, id, sha, pageNo, ok := s.reviewForm(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if _, err := s.visibleFiling(ctx, t, id); err != nil {
		s.pageError(c, err)
		return
	}
	srcs, err := s.d.Store.FigureSources(ctx, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	cited := false
	for _, src := range srcs {
		cited = cited || (src.SHA256 == sha && src.Page == pageNo)
	}
	if !cited {
		s.pageError(c, models.Errorf(models.ENOTFOUND, "申报 %d 没有从第 %d 页读入的数字", id, pageNo))
		return
	}
	if err := s.d.Filings.ConfirmPage(ctx, id, sha, pageNo, filings.Actor{Name: t.Name, Token: t}); err != nil {
		s.refuseReview(c, sess, t, id, sha, pageNo, err, "", "")
		return
	}
	c.Redirect(http.StatusSeeOther, reviewHref(id, sha, pageNo)+"&done=confirmed")
}

func (s *Site) renderReview(c *gin.Context, status int, p reviewPage) {
	var buf bytes.Buffer
	if err := reviewTemplate.ExecuteTemplate(&buf, "layout", p); err != nil {
		httpx.Logger(c).Error("template failed", slog.String("page", "desk_review"), slog.Any("err", err))
		c.Data(http.StatusInternalServerError, "text/html; charset=utf-8",
			[]byte("<!doctype html><meta charset=utf-8><title>服务器内部错误</title><p>服务器内部错误，请稍后再试。"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
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
	png, err := pdfgrid.RenderPage(ctx, s.d.Store.OpenSource(ctx, file), n, reviewDPI, renderLimits)
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
	f, err := s.visibleFiling(c.Request.Context(), t, id)
	if err != nil {
		s.pageError(c, err)
		return f, false
	}
	return f, true
}

// visibleFiling reads a filing the token may see; one it may not does not
// exist for it (ENOTFOUND, as an unknown id).
func (s *Site) visibleFiling(ctx context.Context, t *models.Token, id int64) (models.Filing, error) {
	f, err := s.d.Store.Filing(ctx, id)
	if err == nil && !filings.MaySee(t, f) {
		err = models.Errorf(models.ENOTFOUND, "申报 %d 不存在", id)
	}
	return f, err
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
