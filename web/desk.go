package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/filings"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// The upload desk: finance bureau staff sign in with their token, upload a
// file, read the report with every finding pointing at its cell, and publish
// or withdraw — without JavaScript.
//
// Sessions are kept on the server, in memory. The cookie holds only a random
// session id (256 bits); the token's secret is never stored anywhere after
// sign-in, and the session keeps the token's hash, the form (CSRF) token and
// its times. Server-side sessions were chosen over a signed cookie because
// signing out and revoking must take effect at once: a deleted session is gone,
// and every request reads the token again, so `sunshine token revoke` locks the
// desk out at the next click. The price is that a restart signs everyone out
// and several replicas need sticky sessions; both are acceptable for a desk
// used by a few clerks per region.

const (
	deskCookie      = "sunshine_desk"
	deskLoginCookie = "sunshine_desk_login" // the sign-in form's CSRF token, before there is a session
	deskIdle        = 2 * time.Hour         // a session unused this long ends
	deskMaxAge      = 12 * time.Hour        // and none outlives a working day
	deskMaxSessions = 10000
	formMaxBytes    = 1 << 20 // a publish or sign-in form is a few fields
)

type deskSession struct {
	tokenHash string
	csrf      string
	created   time.Time
	seen      time.Time
}

type deskSessions struct {
	mu  sync.Mutex
	m   map[string]*deskSession // by the SHA-256 of the cookie value, so the map holds no usable id
	now func() time.Time
}

func newDeskSessions() *deskSessions {
	return &deskSessions{m: map[string]*deskSession{}, now: time.Now}
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// create starts a session for a token hash and returns the cookie value.
func (ss *deskSessions) create(tokenHash string) (string, *deskSession) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := ss.now()
	ss.sweep(now)                      // sign-ins are rare: dropping the expired sessions each time keeps the map small
	for len(ss.m) >= deskMaxSessions { // still full of live sessions: end the oldest
		var oldest string
		var at time.Time
		for k, s := range ss.m {
			if oldest == "" || s.seen.Before(at) {
				oldest, at = k, s.seen
			}
		}
		delete(ss.m, oldest)
	}
	id := randomToken()
	s := &deskSession{tokenHash: tokenHash, csrf: randomToken(), created: now, seen: now}
	ss.m[sessionKey(id)] = s
	return id, s
}

func (ss *deskSessions) sweep(now time.Time) {
	for k, s := range ss.m {
		if now.Sub(s.seen) > deskIdle || now.Sub(s.created) > deskMaxAge {
			delete(ss.m, k)
		}
	}
}

// get returns the live session of a cookie value and marks it used.
func (ss *deskSessions) get(id string) *deskSession {
	if id == "" {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	k := sessionKey(id)
	s := ss.m[k]
	if s == nil {
		return nil
	}
	now := ss.now()
	if now.Sub(s.seen) > deskIdle || now.Sub(s.created) > deskMaxAge {
		delete(ss.m, k)
		return nil
	}
	s.seen = now
	return s
}

func (ss *deskSessions) end(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, sessionKey(id))
}

// validCSRF compares a form's token with the session's in constant time.
func validCSRF(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// secureRequest reports whether the browser reached us over TLS (directly or through a proxy),
// so that cookies are marked Secure there and still work on plain http://localhost.
func (s *Site) secureRequest(c *gin.Context) bool {
	return c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" || strings.HasPrefix(s.d.BaseURL, "https://")
}

func (s *Site) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/desk", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secureRequest(c), SameSite: http.SameSiteStrictMode})
}

// sameOrigin refuses a form posted from another origin when the browser says
// so; the CSRF token is the real check, this one is cheap defence in depth.
// Behind a reverse proxy the browser's host is the forwarded or configured one.
func (s *Site) sameOrigin(c *gin.Context) bool {
	o := c.GetHeader("Origin")
	if o == "" || o == "null" {
		return o == ""
	}
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	if u.Host == c.Request.Host || (u.Host != "" && u.Host == c.GetHeader("X-Forwarded-Host")) {
		return true
	}
	base, err := url.Parse(s.d.BaseURL)
	return err == nil && base.Host != "" && u.Host == base.Host
}

// signedIn returns the session and its token, or nil when there is none or the
// token was revoked (the session is then ended).
func (s *Site) signedIn(c *gin.Context) (*deskSession, *models.Token, error) {
	id, _ := c.Cookie(deskCookie)
	sess := s.desk.get(id)
	if sess == nil {
		return nil, nil, nil
	}
	t, err := s.d.Store.TokenByHash(c.Request.Context(), sess.tokenHash)
	if models.ErrorCode(err) == models.ENOTFOUND || (err == nil && !t.Active()) {
		s.desk.end(id)
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return sess, &t, nil
}

// deskPage is the layout data of a signed-in desk page.
func (s *Site) deskPage(title string, sess *deskSession, t *models.Token) page {
	p := s.page(title, "desk")
	p.Token, p.CSRF = t, sess.csrf
	return p
}

// requireDesk is the start of every signed-in desk handler: the session, and
// for a POST a valid CSRF token (403 otherwise).
func (s *Site) requireDesk(c *gin.Context, csrf func() string) (*deskSession, *models.Token, bool) {
	sess, t, err := s.signedIn(c)
	if err != nil {
		s.pageError(c, err)
		return nil, nil, false
	}
	if sess == nil {
		if c.Request.Method == http.MethodGet {
			c.Redirect(http.StatusSeeOther, "/desk")
			c.Abort()
		} else {
			s.showError(c, http.StatusUnauthorized, "登录已过期或尚未登录，请回到上传台重新登录。")
		}
		return nil, nil, false
	}
	if c.Request.Method == http.MethodPost && (!s.sameOrigin(c) || !validCSRF(sess.csrf, csrf())) {
		s.showError(c, http.StatusForbidden, "表单校验失败（CSRF）：请回到上传台刷新页面后重新提交。")
		return nil, nil, false
	}
	return sess, t, true
}

func (s *Site) postForm(c *gin.Context) func() string {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, formMaxBytes)
	return func() string { return c.PostForm("csrf") }
}

// ---- sign in and out ----

type deskLoginPage struct {
	page
	Error string
}

func (s *Site) showLogin(c *gin.Context, status int, msg string) {
	nonce := randomToken()
	s.setCookie(c, deskLoginCookie, nonce, 3600)
	p := deskLoginPage{page: s.page("上传台登录", "desk"), Error: msg}
	p.CSRF = nonce
	s.render(c, status, "desk_login", p)
}

func (s *Site) DeskLogin(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, formMaxBytes)
	nonce, _ := c.Cookie(deskLoginCookie)
	if !s.sameOrigin(c) || !validCSRF(nonce, c.PostForm("csrf")) {
		s.showError(c, http.StatusForbidden, "表单校验失败（CSRF）：请重新打开登录页面后再登录。")
		return
	}
	secret := strings.TrimSpace(c.PostForm("token"))
	if secret == "" {
		s.showLogin(c, http.StatusUnprocessableEntity, "请填写令牌。")
		return
	}
	if wait := s.d.SignIns.Wait(c.ClientIP()); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(wait))
		s.showLogin(c, http.StatusTooManyRequests, httpx.SignInMessage(wait)+"。")
		return
	}
	hash := models.HashToken(secret)
	t, err := s.d.Store.TokenByHash(c.Request.Context(), hash)
	if models.ErrorCode(err) == models.ENOTFOUND {
		s.d.SignIns.Fail(c.ClientIP())
		s.showLogin(c, http.StatusUnauthorized, "令牌无效：请核对后重新输入。")
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	if !t.Active() {
		s.d.SignIns.Fail(c.ClientIP())
		s.showLogin(c, http.StatusUnauthorized, "令牌已被吊销：请向管理员申请新的令牌。")
		return
	}
	// A fresh session id at every sign-in: an id planted before sign-in is worthless.
	if old, _ := c.Cookie(deskCookie); old != "" {
		s.desk.end(old)
	}
	id, _ := s.desk.create(hash)
	s.setCookie(c, deskCookie, id, int(deskMaxAge/time.Second))
	s.setCookie(c, deskLoginCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/desk")
}

func (s *Site) DeskLogout(c *gin.Context) {
	if _, _, ok := s.requireDesk(c, s.postForm(c)); !ok {
		return
	}
	id, _ := c.Cookie(deskCookie)
	s.desk.end(id)
	s.setCookie(c, deskCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/desk")
}

// ---- the desk's home: upload form, drafts, recent publications ----

type draftRow struct {
	Filing   models.Filing
	DeptName string
	Stats    models.ReportStats
}

type deskHomePage struct {
	page
	Drafts    []draftRow
	MoreDraft bool
	Recent    []changeRow
	MaxBytes  string
	Scope     string
}

func tokenScope(t *models.Token) string {
	if t.Role == models.RoleAdmin {
		return "管理员：全部区划和部门"
	}
	s := "区划 " + t.RegionCode
	if len(t.Depts) > 0 {
		s += "，部门 " + strings.Join(t.Depts, "、")
	} else {
		s += " 的全部部门"
	}
	return s
}

func (s *Site) DeskHome(c *gin.Context) {
	sess, t, err := s.signedIn(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if sess == nil {
		s.showLogin(c, http.StatusOK, "")
		return
	}
	ctx := c.Request.Context()
	p := deskHomePage{page: s.deskPage("上传台", sess, t), MaxBytes: httpx.HumanBytes(s.maxBytes()), Scope: tokenScope(t)}
	// Every open draft of the token's scope, the most recently changed first.
	const maxDrafts = 500
	var after int64
	for {
		fs, err := s.d.Store.Filings(ctx, store.FilingFilter{Region: t.RegionCode, Statuses: []models.Status{models.StatusDraft},
			AfterID: after, Limit: 10000})
		if err != nil {
			s.pageError(c, err)
			return
		}
		for _, f := range fs {
			if filings.MaySee(t, f) {
				p.Drafts = append(p.Drafts, draftRow{Filing: f})
			}
		}
		if len(fs) < 10000 {
			break
		}
		after = fs[len(fs)-1].ID
	}
	sort.SliceStable(p.Drafts, func(i, j int) bool { return p.Drafts[i].Filing.UpdatedAt.After(p.Drafts[j].Filing.UpdatedAt) })
	if len(p.Drafts) > maxDrafts {
		p.Drafts, p.MoreDraft = p.Drafts[:maxDrafts], true
	}
	ids := make([]int64, len(p.Drafts))
	for i, d := range p.Drafts {
		ids[i] = d.Filing.ID
	}
	stats, err := s.d.Store.FindingCounts(ctx, ids)
	if err != nil {
		s.pageError(c, err)
		return
	}
	names, err := s.deptNames(c, p.Drafts)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for i := range p.Drafts {
		d := &p.Drafts[i]
		d.Stats = stats[d.Filing.ID]
		d.DeptName = names[d.Filing.RegionCode+"/"+d.Filing.DeptCode]
	}
	rs, err := s.d.Store.Changes(ctx, store.ChangeFilter{Region: t.RegionCode, Limit: 50})
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, r := range rs {
		if t.MayWrite(r.RegionCode, r.DeptCode) && len(p.Recent) < 15 {
			p.Recent = append(p.Recent, newChangeRow(r))
		}
	}
	s.render(c, http.StatusOK, "desk_home", p)
}

// deptNames maps "region/dept" to the department's name for the given drafts:
// the name each draft was given, which the desk shows its uploader (the public
// sees it only once published).
func (s *Site) deptNames(_ *gin.Context, drafts []draftRow) (map[string]string, error) {
	out := map[string]string{}
	for _, d := range drafts {
		out[d.Filing.RegionCode+"/"+d.Filing.DeptCode] = d.Filing.DeptName
	}
	return out, nil
}

func (s *Site) maxBytes() int64 {
	if s.d.Limits.MaxBytes > 0 {
		return s.d.Limits.MaxBytes
	}
	return 64 << 20
}

// DeskOpen takes the "open filing number" form to the filing's page.
func (s *Site) DeskOpen(c *gin.Context) {
	id, err := strconv.ParseInt(strings.TrimSpace(c.Query("id")), 10, 64)
	if err != nil || id <= 0 {
		c.Redirect(http.StatusSeeOther, "/desk")
		return
	}
	c.Redirect(http.StatusSeeOther, "/desk/filings/"+strconv.FormatInt(id, 10))
}

// ---- upload ----

// findingView is a finding as the desk lists it: numbered, located in words,
// and linked to its cell in the rendering of the draft.
type findingView struct {
	N int
	models.Finding
	RuleName string
	Where    string
	Link     string
}

type uploadedFiling struct {
	Filing   models.Filing
	DeptName string
	Stats    models.ReportStats
}

type deskUploadPage struct {
	page
	FileName  string
	Error     string
	Rejected  bool
	Duplicate bool
	Result    filings.Result
	Filings   []uploadedFiling
	Findings  []findingView
}

// noService answers the desk's write forms on a router built without the upload service.
func (s *Site) noService(c *gin.Context) bool {
	if s.d.Filings != nil {
		return false
	}
	s.showError(c, http.StatusServiceUnavailable, "上传服务未启用。")
	return true
}

func (s *Site) DeskUpload(c *gin.Context) {
	if s.noService(c) {
		return
	}
	lim := s.d.Limits
	lim.MaxBytes = s.maxBytes()
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, lim.MaxBytes)
	sess, t, err := s.signedIn(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if sess == nil {
		s.showError(c, http.StatusUnauthorized, "登录已过期或尚未登录，请回到上传台重新登录。")
		return
	}
	form, err := httpx.ReadUploadForm(c.Request, lim, func(got string) bool { return s.sameOrigin(c) && validCSRF(sess.csrf, got) })
	if err == nil {
		httpx.LiftBodyDeadline(c)
	}
	if form.Path != "" {
		defer os.Remove(form.Path)
	}
	if errors.Is(err, httpx.ErrBadCSRF) {
		s.showError(c, http.StatusForbidden, "表单校验失败（CSRF）：请回到上传台刷新页面后重新上传。")
		return
	}
	p := deskUploadPage{page: s.deskPage("上传结果", sess, t), FileName: form.Name}
	if err != nil {
		s.showUploadError(c, p, err)
		return
	}
	res, err := s.d.Filings.Upload(c.Request.Context(), filings.File{Path: form.Path, Name: form.Name, Kind: form.Kind, Fields: form.Fields},
		filings.Actor{Name: t.Name, Token: t}, nil)
	if err != nil {
		s.showUploadError(c, p, err)
		return
	}
	p.Result, p.Rejected, p.Duplicate = res, res.Rejected, res.Duplicate
	if res.Rejected {
		p.Error = httpx.RejectedMessage(res.Report)
	}
	ids := make([]int64, 0, len(res.Filings))
	var drafts []draftRow
	for _, f := range res.Filings {
		ids = append(ids, f.ID)
		drafts = append(drafts, draftRow{Filing: f})
	}
	stats, err := s.d.Store.FindingCounts(c.Request.Context(), ids)
	if err != nil {
		s.pageError(c, err)
		return
	}
	names, err := s.deptNames(c, drafts)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, f := range res.Filings {
		p.Filings = append(p.Filings, uploadedFiling{Filing: f, DeptName: names[f.RegionCode+"/"+f.DeptCode], Stats: stats[f.ID]})
	}
	phases := map[int64]models.Phase{}
	for _, f := range res.Filings {
		phases[f.ID] = f.Phase
	}
	for i, f := range res.Report.Findings {
		v := viewFinding(i+1, f, phases[f.FilingID], res.Rejected)
		if !res.Rejected && f.FilingID != 0 {
			v.Link = deskCellLink(f.FilingID, f)
		}
		p.Findings = append(p.Findings, v)
	}
	status := http.StatusOK
	if res.Rejected {
		status = http.StatusUnprocessableEntity
	}
	s.render(c, status, "desk_upload", p)
}

func (s *Site) showUploadError(c *gin.Context, p deskUploadPage, err error) {
	status := httpx.Status(err)
	if status >= 500 {
		s.pageError(c, err)
		return
	}
	p.Error = models.ErrorMessage(err)
	p.Rejected = true
	s.render(c, status, "desk_upload", p)
}

// viewFinding locates a finding in words: the table, row and column it points at.
func viewFinding(n int, f models.Finding, phase models.Phase, parse bool) findingView {
	v := findingView{N: n, Finding: f, RuleName: ruleName(f.Rule)}
	var parts []string
	if parse {
		// Parse findings name the file's row and the header as written.
		if f.Row > 0 {
			parts = append(parts, "文件第 "+strconv.Itoa(f.Row)+" 行")
		}
		if f.Column != "" {
			parts = append(parts, "列“"+f.Column+"”")
		}
		if f.Value != "" {
			parts = append(parts, "值“"+f.Value+"”")
		}
		v.Where = strings.Join(parts, " · ")
		return v
	}
	if f.Table != "" {
		parts = append(parts, "表："+tableName(f.Table, phase))
	}
	if f.Code != "" {
		parts = append(parts, "行（科目）："+f.Code)
	}
	if f.Column != "" {
		parts = append(parts, "栏："+columnName(f.Table, f.Column, phase))
	}
	if f.Row > 0 {
		parts = append(parts, "源文件第 "+strconv.Itoa(f.Row)+" 行")
	}
	v.Where = strings.Join(parts, " · ")
	return v
}

func tableName(table string, phase models.Phase) string {
	if spec, ok := models.LookupTable(table); ok {
		return spec.Name(phase)
	}
	return table
}

// columnName is a column's Chinese header: the 三公 template's, or the standard table's.
func columnName(table, col string, phase models.Phase) string {
	if table == string(models.TableThreePublic) || table == "" {
		for _, a := range models.ThreePublicAmounts {
			if a.Key == col {
				return a.Chinese
			}
		}
		for _, n := range models.ThreePublicCounts {
			if n.Key == col {
				return n.Chinese
			}
		}
		if col == "change_reason" {
			return "增减变化原因"
		}
	}
	if spec, ok := models.LookupTable(table); ok {
		if cs, ok := spec.Column(col, models.PhaseFinal); ok {
			return cs.Chinese
		}
	}
	return col
}

func deskCellLink(filingID int64, f models.Finding) string {
	link := "/desk/filings/" + strconv.FormatInt(filingID, 10)
	if f.Table != "" && f.Column != "" {
		return link + "#" + cellID(f.Table, f.Code, f.Column)
	}
	return link + "#findings"
}

// ---- one filing: report, tables, publish, withdraw ----

// tableNoteView is a note under a table as the desk lists it.
type tableNoteView struct {
	Table, Note string
	Row         int
}

type deskFilingPage struct {
	page
	Filing      models.Filing
	DeptName    string
	RegionName  string
	Report      models.Report
	Findings    []findingView
	ThreePublic *grid
	Tables      []grid
	TableNotes  []tableNoteView // the notes printed under the tables (本部门无…，此表为空表)
	CanPublish  bool
	NeedsNote   bool
	CanWithdraw bool
	MayView     bool
	Message     string
	Error       string
	Note        string
	PublicPage  string
	Permalink   string
}

// flashMessages are the fixed messages a redirect may announce (?done=…), so no text travels in the URL.
var flashMessages = map[string]string{
	"published": "已公开。公开页面和数据集已更新。",
	"withdrawn": "已撤回。撤回说明已记入更新记录。",
}

func (s *Site) DeskFiling(c *gin.Context) {
	sess, t, ok := s.requireDesk(c, nil)
	if !ok {
		return
	}
	p, err := s.filingPage(c, sess, t)
	if err != nil {
		s.pageError(c, err)
		return
	}
	p.Message = flashMessages[c.Query("done")]
	s.render(c, http.StatusOK, "desk_filing", p)
}

// filingPage loads a filing the token may see: published versions to any
// signed-in user, drafts only within the token's scope (to others they do not exist).
func (s *Site) filingPage(c *gin.Context, sess *deskSession, t *models.Token) (deskFilingPage, error) {
	ctx := c.Request.Context()
	var p deskFilingPage
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return p, models.Errorf(models.ENOTFOUND, "申报编号“%s”无效", c.Param("id"))
	}
	f, err := s.d.Store.Filing(ctx, id)
	if err != nil {
		return p, err
	}
	if !filings.MaySee(t, f) {
		return p, models.Errorf(models.ENOTFOUND, "申报 %d 不存在", id)
	}
	p = deskFilingPage{page: s.deskPage("申报 "+strconv.FormatInt(id, 10), sess, t), Filing: f,
		Permalink: "/api/v1/filings/" + strconv.FormatInt(id, 10)}
	// The names this version was given (a draft's own, a published version's frozen ones).
	p.DeptName, p.RegionName = f.DeptName, f.RegionName
	p.Title = p.DeptName + " " + strconv.Itoa(f.FiscalYear) + " 年" + f.Phase.Chinese() + "（第 " + strconv.Itoa(f.Version) + " 版）"
	fs, err := s.d.Store.Findings(ctx, id)
	if err != nil {
		return p, err
	}
	p.Report = models.NewReport(fs)
	for i, fd := range p.Report.Findings {
		v := viewFinding(i+1, fd, f.Phase, false)
		if fd.Table != "" && fd.Column != "" {
			v.Link = "#" + cellID(fd.Table, fd.Code, fd.Column)
		}
		p.Findings = append(p.Findings, v)
	}
	tp, err := s.d.Store.ThreePublic(ctx, id)
	if err != nil {
		return p, err
	}
	items, err := s.d.Store.LineItems(ctx, id)
	if err != nil {
		return p, err
	}
	marks := cellMarks(p.Findings)
	if tp != nil {
		g := threePublicGrid(tp, f.DeptCode, f.Phase, marks)
		p.ThreePublic = &g
	}
	p.Tables = lineItemGrids(items, f.Phase, marks)
	notes, err := s.d.Store.TableNotes(ctx, id)
	if err != nil {
		return p, err
	}
	for _, n := range notes {
		p.TableNotes = append(p.TableNotes, tableNoteView{Table: tableName(string(n.Table), f.Phase), Note: n.Note, Row: n.SourceRow})
	}
	// A link whose cell is not in the rendering (a missing table, say) goes to the report instead.
	present := map[string]bool{}
	for _, g := range append(p.Tables, derefGrid(p.ThreePublic)...) {
		for _, r := range g.Rows {
			for _, cell := range r.Cells {
				if cell.ID != "" {
					present[cell.ID] = true
				}
			}
		}
	}
	for i := range p.Findings {
		if l := p.Findings[i].Link; l != "" && !present[strings.TrimPrefix(l, "#")] {
			p.Findings[i].Link = ""
		}
	}

	p.NeedsNote = f.Version > 1
	p.CanPublish = filings.CanPublish(t, f, s.d.Filings != nil && s.d.Filings.AllowUploaderPublish)
	p.CanWithdraw = filings.CanWithdraw(t, f)
	if f.Status != models.StatusDraft {
		p.PublicPage = "/regions/" + url.PathEscape(f.RegionCode) + "/departments/" + url.PathEscape(f.DeptCode)
	}
	return p, nil
}

// deskFilingForm is the start of the desk's filing forms (publish, withdraw):
// a signed-in desk, a valid CSRF token and a filing id, or a page saying which is wrong.
func (s *Site) deskFilingForm(c *gin.Context) (sess *deskSession, t *models.Token, id int64, ok bool) {
	if s.noService(c) {
		return nil, nil, 0, false
	}
	if sess, t, ok = s.requireDesk(c, s.postForm(c)); !ok {
		return nil, nil, 0, false
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.showError(c, http.StatusNotFound, "申报编号“"+c.Param("id")+"”无效")
		return nil, nil, 0, false
	}
	return sess, t, id, true
}

func (s *Site) DeskPublish(c *gin.Context) {
	sess, t, id, ok := s.deskFilingForm(c)
	if !ok {
		return
	}
	note := strings.TrimSpace(c.PostForm("note"))
	if f, err := s.d.Store.Filing(c.Request.Context(), id); err == nil && !filings.MaySee(t, f) {
		s.showError(c, http.StatusNotFound, "申报 "+strconv.FormatInt(id, 10)+" 不存在")
		return
	}
	_, err := s.d.Filings.Publish(c.Request.Context(), id, filings.Actor{Name: t.Name, Token: t}, note)
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/desk/filings/"+strconv.FormatInt(id, 10)+"?done=published")
		return
	}
	s.refuse(c, sess, t, err, note)
}

func (s *Site) DeskWithdraw(c *gin.Context) {
	sess, t, id, ok := s.deskFilingForm(c)
	if !ok {
		return
	}
	if !filings.MayWithdraw(t) {
		s.showError(c, http.StatusForbidden, "只有管理员可以撤回已公开的申报。")
		return
	}
	note := strings.TrimSpace(c.PostForm("note"))
	_, err := s.d.Filings.Withdraw(c.Request.Context(), id, filings.Actor{Name: t.Name, Token: t}, note)
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/desk/filings/"+strconv.FormatInt(id, 10)+"?done=withdrawn")
		return
	}
	s.refuse(c, sess, t, err, note)
}

// refuse shows the filing page again with why the action was refused: a draft
// with errors shows its report (409), a missing note asks for it (422).
func (s *Site) refuse(c *gin.Context, sess *deskSession, t *models.Token, err error, note string) {
	status := http.StatusInternalServerError
	msg := ""
	var blocked *filings.BlockedError
	if errors.As(err, &blocked) {
		status, msg = http.StatusConflict, blocked.Error()+"。请按下方报告逐条修改后重新上传。"
	} else if st := httpx.Status(err); st < 500 {
		status, msg = st, models.ErrorMessage(err)
	} else {
		s.pageError(c, err)
		return
	}
	p, perr := s.filingPage(c, sess, t)
	if perr != nil {
		s.showError(c, status, msg)
		return
	}
	p.Error, p.Note = msg, note
	s.render(c, status, "desk_filing", p)
}
