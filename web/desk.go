package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/filings"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// The upload desk: finance bureau staff sign in with their token, upload a
// file, read the report with every finding pointing at its cell, fix it,
// submit the clean draft for review or discard it; an admin publishes the
// submitted drafts from the review queue — without JavaScript.
//
// Sessions are kept on the server, in the database (store/desk.go, migration
// 00009), so a restart keeps clerks signed in and every replica knows every
// session. The cookie holds only a random session id (256 bits), and the
// database only its SHA-256, so neither a copy of the table nor of the logs
// signs anyone in; the token's secret is never stored anywhere after sign-in,
// and the session keeps the token's hash, the form (CSRF) token and its times.
// Server-side sessions were chosen over a signed cookie because signing out
// and revoking must take effect at once: a deleted session is gone, and every
// request reads the token again, so `sunshine token revoke` locks the desk out
// at the next click.

const (
	deskCookie      = "sunshine_desk"
	deskLoginCookie = "sunshine_desk_login" // the sign-in form's CSRF token, before there is a session
	deskIdle        = 2 * time.Hour         // a session unused this long ends
	deskMaxAge      = 12 * time.Hour        // and none outlives a working day
	deskMaxSessions = 10000
	// deskTouchEvery is how stale a session's last use may be before a
	// request writes it again: one write a minute per clerk at most, not one
	// per page, so the idle limit holds to the minute.
	deskTouchEvery = time.Minute
	// deskPurgeEvery is how often a process deletes the expired sessions
	// (at a request, and at every sign-in).
	deskPurgeEvery = 10 * time.Minute
	formMaxBytes   = 1 << 20 // a publish or sign-in form is a few fields
)

type deskSession struct {
	idHash    string
	tokenHash string
	csrf      string
	created   time.Time
	seen      time.Time
}

// deskSessions reads and writes the sessions in the store, on its clock.
type deskSessions struct {
	st        *store.Store
	now       func() time.Time
	lastPurge atomic.Int64 // UnixNano of this process's last purge
}

func newDeskSessions(st *store.Store) *deskSessions {
	ss := &deskSessions{st: st, now: time.Now}
	if st != nil {
		// Sessions age on the service's one clock, so a test can let one expire.
		ss.now = func() time.Time { return st.Now() }
	}
	return ss
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

// expiry is when a session created and last used at these times ends.
func expiry(created, seen time.Time) time.Time {
	end := seen.Add(deskIdle)
	if last := created.Add(deskMaxAge); last.Before(end) {
		end = last
	}
	return end
}

// create starts a session for a token hash and returns the cookie value; the
// session the browser held before (old, its cookie value) ends. Expired
// sessions are purged, and the least recently used ones end while there are
// deskMaxSessions.
func (ss *deskSessions) create(ctx context.Context, tokenHash, old string) (string, *deskSession, error) {
	now := ss.now()
	id := randomToken()
	s := &deskSession{idHash: sessionKey(id), tokenHash: tokenHash, csrf: randomToken(), created: now, seen: now}
	replaces := ""
	if old != "" {
		replaces = sessionKey(old)
	}
	err := ss.st.CreateDeskSession(ctx, store.DeskSession{IDHash: s.idHash, TokenHash: tokenHash, CSRF: s.csrf,
		CreatedAt: now, SeenAt: now, ExpiresAt: expiry(now, now)}, replaces, deskMaxSessions)
	if err != nil {
		return "", nil, err
	}
	ss.lastPurge.Store(now.UnixNano())
	return id, s, nil
}

// get returns the live session of a cookie value and marks it used; nil when
// there is none. An expired session is deleted.
func (ss *deskSessions) get(ctx context.Context, id string) (*deskSession, error) {
	now := ss.now()
	ss.purge(ctx, now)
	if id == "" {
		return nil, nil
	}
	k := sessionKey(id)
	d, err := ss.st.DeskSession(ctx, k)
	if models.ErrorCode(err) == models.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if now.Sub(d.SeenAt) > deskIdle || now.Sub(d.CreatedAt) > deskMaxAge || !now.Before(d.ExpiresAt) {
		return nil, ss.st.EndDeskSession(ctx, k)
	}
	s := &deskSession{idHash: k, tokenHash: d.TokenHash, csrf: d.CSRF, created: d.CreatedAt, seen: d.SeenAt}
	if now.Sub(d.SeenAt) >= deskTouchEvery {
		if err := ss.st.TouchDeskSession(ctx, k, now, expiry(d.CreatedAt, now)); err != nil {
			return nil, err
		}
		s.seen = now
	}
	return s, nil
}

// purge deletes the expired sessions when this process has not done so for
// deskPurgeEvery. A failure is left for the next time: the request goes on.
func (ss *deskSessions) purge(ctx context.Context, now time.Time) {
	last := ss.lastPurge.Load()
	if now.UnixNano()-last < int64(deskPurgeEvery) || !ss.lastPurge.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	_, _ = ss.st.PurgeDeskSessions(ctx, now)
}

func (ss *deskSessions) end(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	return ss.st.EndDeskSession(ctx, sessionKey(id))
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
	s.pending.sweep(c.Request.Context()) // the kept uploads past their hour (pending.go), every few minutes at most
	id, _ := c.Cookie(deskCookie)
	sess, err := s.desk.get(c.Request.Context(), id)
	if sess == nil || err != nil {
		return nil, nil, err
	}
	t, err := s.d.Store.TokenByHash(c.Request.Context(), sess.tokenHash)
	if models.ErrorCode(err) == models.ENOTFOUND || (err == nil && !t.Active()) {
		return nil, nil, s.desk.end(c.Request.Context(), id)
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
	// A fresh session id at every sign-in: an id planted before sign-in is worthless, and ends.
	old, _ := c.Cookie(deskCookie)
	id, _, err := s.desk.create(c.Request.Context(), hash, old)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.setCookie(c, deskCookie, id, int(deskMaxAge/time.Second))
	s.setCookie(c, deskLoginCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/desk")
}

func (s *Site) DeskLogout(c *gin.Context) {
	sess, _, ok := s.requireDesk(c, s.postForm(c))
	if !ok {
		return
	}
	if err := s.pending.endSession(c.Request.Context(), sess.idHash); err != nil {
		httpx.Logger(c).Warn("desk: pending uploads not dropped at sign-out (they expire within the hour)", slog.Any("err", err))
	}
	id, _ := c.Cookie(deskCookie)
	if err := s.desk.end(c.Request.Context(), id); err != nil {
		s.pageError(c, err)
		return
	}
	s.setCookie(c, deskCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/desk")
}

// ---- the desk's home: upload form, drafts, recent publications ----

type draftRow struct {
	Filing   models.Filing
	DeptName string
	Stats    models.ReportStats
	// Review is the draft's submission for review, nil when never submitted.
	Review *store.ReviewRequest
}

type deskHomePage struct {
	page
	Drafts     []draftRow
	MoreDraft  bool
	Recent     []changeRow
	MaxBytes   string
	Scope      string
	Message    string
	QueueCount int        // drafts of the token's scope waiting in the review queue
	Fields     filingForm // the upload form's 申报信息, filled from the token's scope
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
	if id, err := strconv.ParseInt(c.Query("id"), 10, 64); err == nil && id > 0 && c.Query("done") == "discarded" {
		p.Message = "已放弃草稿 " + strconv.FormatInt(id, 10) + "：它的数据已删除，操作已记入审计日志。"
	}
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
	reviews, err := s.d.Store.ReviewRequests(ctx, ids)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for i := range p.Drafts {
		d := &p.Drafts[i]
		d.Stats = stats[d.Filing.ID]
		d.DeptName = names[d.Filing.RegionCode+"/"+d.Filing.DeptCode]
		if r, ok := reviews[d.Filing.ID]; ok {
			d.Review = &r
		}
	}
	queue, err := s.queue(c, t)
	if err != nil {
		s.pageError(c, err)
		return
	}
	p.QueueCount = len(queue)
	if p.Fields, err = s.scopeForm(ctx, t); err != nil {
		s.pageError(c, err)
		return
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
	// Review is the draft's submission for review (nil: never submitted);
	// CanSubmit offers to submit it (a clean draft the token may submit, not
	// waiting already); NotSubmitted says why "upload and submit" did not.
	Review       *store.ReviewRequest
	CanSubmit    bool
	NotSubmitted string
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
	MaxBytes  string
	// Submitted counts the drafts "upload and submit" submitted for review.
	Submitted int
	// ThenReview is set when the clerk asked to submit the drafts once clean.
	ThenReview bool
	// Fields is the 申报信息 fieldset (desk_fields.go); Pending the id of the
	// file kept for confirming them (pending.go), "" when none is.
	Fields  filingForm
	Pending string
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
	p := deskUploadPage{page: s.deskPage("上传结果", sess, t), FileName: form.Name, MaxBytes: httpx.HumanBytes(lim.MaxBytes),
		ThenReview: c.Query("then") == "review"}
	if err != nil {
		var ferr error
		if p.Fields, ferr = s.scopeForm(c.Request.Context(), t); ferr != nil {
			s.pageError(c, ferr)
			return
		}
		s.showUploadError(c, p, err)
		return
	}
	// runUpload (desk_fields.go) asks for the filing fields when they are all that is wrong, else calls showUploaded.
	s.runUpload(c, sess, t, p, filings.File{Path: form.Path, Name: form.Name, Kind: form.Kind, Fields: form.Fields}, "")
}

// showUploaded shows the result of an upload: the drafts it wrote into, or the findings that refused it.
func (s *Site) showUploaded(c *gin.Context, t *models.Token, p deskUploadPage, res filings.Result) {
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
	reviews, err := s.d.Store.ReviewRequests(c.Request.Context(), ids)
	if err != nil {
		s.pageError(c, err)
		return
	}
	actor := filings.Actor{Name: t.Name, Token: t}
	for _, f := range res.Filings {
		u := uploadedFiling{Filing: f, DeptName: names[f.RegionCode+"/"+f.DeptCode], Stats: stats[f.ID]}
		if r, ok := reviews[f.ID]; ok {
			u.Review = &r
		}
		clean := !res.Rejected && f.Status == models.StatusDraft && u.Stats.Errors == 0 && filings.MaySubmit(t, f)
		switch {
		case p.ThenReview && clean && (u.Review == nil || !u.Review.Current):
			// "Upload and submit": each clean draft goes to the review queue.
			r, err := s.d.Filings.Submit(c.Request.Context(), f.ID, actor)
			if err != nil {
				if httpx.Status(err) >= 500 {
					s.pageError(c, err)
					return
				}
				u.NotSubmitted = models.ErrorMessage(err)
				if b := (*filings.BlockedError)(nil); errors.As(err, &b) {
					u.NotSubmitted = b.Error()
				}
				break
			}
			u.Review = &r
			p.Submitted++
		case p.ThenReview && !res.Rejected && f.Status == models.StatusDraft && u.Stats.Errors > 0:
			u.NotSubmitted = "有错误，未提交审核：请按下方报告更正后重新上传"
		}
		u.CanSubmit = clean && (u.Review == nil || !u.Review.Current)
		p.Filings = append(p.Filings, u)
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
		if c := workbookCell(f); c != "" {
			parts = append(parts, "工作簿单元格："+c)
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
	if c := workbookCell(f); c != "" {
		parts = append(parts, "工作簿单元格："+c)
	}
	v.Where = strings.Join(parts, " · ")
	return v
}

// workbookCell is where an uploaded workbook printed the finding's figure, as
// Excel shows it (表3!D12); "" when no workbook did.
func workbookCell(f models.Finding) string {
	if f.Sheet == "" || f.Cell == "" {
		return ""
	}
	return f.Sheet + "!" + f.Cell
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
	// Explanations are the prose of the PDF the draft was read from (情况说明 …),
	// for the clerk to read before it is published with them.
	Explanations []models.ExplanationSection
	CanPublish   bool
	NeedsNote    bool
	CanWithdraw  bool
	CanDiscard   bool
	// CanSubmit offers "submit for review": a draft the token may submit, with no error.
	CanSubmit bool
	// Review is the draft's submission for review (nil: never submitted).
	Review     *store.ReviewRequest
	MayView    bool
	Message    string
	Error      string
	Note       string
	PublicPage string
	Permalink  string
}

// flashMessages are the fixed messages a redirect may announce (?done=…), so no text travels in the URL.
var flashMessages = map[string]string{
	"published": "已公开。公开页面和数据集已更新。",
	"withdrawn": "已撤回。撤回说明已记入更新记录。",
	"submitted": "已提交审核：管理员会在审核队列中看到这份草稿。若再上传，需重新提交。",
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
	if p.Explanations, err = s.d.Store.Explanations(ctx, id); err != nil {
		return p, err
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
	p.CanDiscard = filings.MayDiscard(t, f)
	if f.Status == models.StatusDraft {
		rs, err := s.d.Store.ReviewRequests(ctx, []int64{f.ID})
		if err != nil {
			return p, err
		}
		if r, ok := rs[f.ID]; ok {
			p.Review = &r
		}
		p.CanSubmit = s.d.Filings != nil && filings.MaySubmit(t, f) && p.Report.Valid
	}
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

// ---- submit for review, discard ----

// DeskSubmit submits a clean draft for review: it joins the admins' queue.
func (s *Site) DeskSubmit(c *gin.Context) {
	sess, t, id, ok := s.deskFilingForm(c)
	if !ok {
		return
	}
	_, err := s.d.Filings.Submit(c.Request.Context(), id, filings.Actor{Name: t.Name, Token: t})
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/desk/filings/"+strconv.FormatInt(id, 10)+"?done=submitted")
		return
	}
	if models.ErrorCode(err) == models.ENOTFOUND {
		s.pageError(c, err)
		return
	}
	var blocked *filings.BlockedError
	if errors.As(err, &blocked) {
		err = models.Errorf(models.ECONFLICT, "这份草稿有 %d 个错误，不能提交审核；请按下方报告更正后重新上传", blocked.Report.Stats.Errors)
	}
	s.refuse(c, sess, t, err, "")
}

type deskDiscardPage struct {
	page
	Filing   models.Filing
	DeptName string
	Stats    models.ReportStats
	Rows     int
	Review   *store.ReviewRequest
}

// DeskDiscardConfirm asks whether to discard a draft, saying what goes with it.
func (s *Site) DeskDiscardConfirm(c *gin.Context) {
	sess, t, ok := s.requireDesk(c, nil)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.showError(c, http.StatusNotFound, "申报编号“"+c.Param("id")+"”无效")
		return
	}
	f, err := s.visibleFiling(ctx, t, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if !filings.MayDiscard(t, f) {
		s.showError(c, http.StatusConflict, "申报 "+strconv.FormatInt(id, 10)+" 已不是草稿，不能放弃；已公开的申报只能由管理员撤回。")
		return
	}
	p := deskDiscardPage{page: s.deskPage("放弃草稿 "+strconv.FormatInt(id, 10), sess, t), Filing: f, DeptName: f.DeptName}
	stats, err := s.d.Store.FindingCounts(ctx, []int64{id})
	if err != nil {
		s.pageError(c, err)
		return
	}
	p.Stats = stats[id]
	items, err := s.d.Store.LineItems(ctx, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	p.Rows = len(items)
	rs, err := s.d.Store.ReviewRequests(ctx, []int64{id})
	if err != nil {
		s.pageError(c, err)
		return
	}
	if r, ok := rs[id]; ok {
		p.Review = &r
	}
	s.render(c, http.StatusOK, "desk_discard", p)
}

// DeskDiscard discards a draft (the confirmation page's form) and goes back to the desk.
func (s *Site) DeskDiscard(c *gin.Context) {
	sess, t, id, ok := s.deskFilingForm(c)
	if !ok {
		return
	}
	_, err := s.d.Filings.Discard(c.Request.Context(), id, filings.Actor{Name: t.Name, Token: t})
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/desk?done=discarded&id="+strconv.FormatInt(id, 10))
		return
	}
	if code := models.ErrorCode(err); code == models.ENOTFOUND || code == models.EFORBIDDEN {
		s.pageError(c, err)
		return
	}
	s.refuse(c, sess, t, err, "")
}

// ---- the review queue ----

// queueRow is a draft waiting in the review queue, as the queue lists it.
type queueRow struct {
	Filing     models.Filing
	DeptName   string
	Stats      models.ReportStats
	Review     store.ReviewRequest
	CanPublish bool // the token may publish it and it has no error: its box is offered, ticked
}

// queue lists the drafts of the token's scope waiting for review, the longest waiting first.
func (s *Site) queue(c *gin.Context, t *models.Token) ([]queueRow, error) {
	ctx := c.Request.Context()
	region := t.RegionCode
	if t.Role == models.RoleAdmin {
		region = ""
	}
	qs, err := s.d.Store.ReviewQueue(ctx, region, 1000)
	if err != nil {
		return nil, err
	}
	var rows []queueRow
	var ids []int64
	for _, q := range qs {
		if filings.MaySee(t, q.Filing) {
			rows = append(rows, queueRow{Filing: q.Filing, DeptName: q.Filing.DeptName, Review: q.Request})
			ids = append(ids, q.Filing.ID)
		}
	}
	stats, err := s.d.Store.FindingCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	uploadersPublish := s.d.Filings != nil && s.d.Filings.AllowUploaderPublish
	for i := range rows {
		r := &rows[i]
		r.Stats = stats[r.Filing.ID]
		r.CanPublish = s.d.Filings != nil && r.Stats.Errors == 0 && filings.CanPublish(t, r.Filing, uploadersPublish)
	}
	return rows, nil
}

type deskQueuePage struct {
	page
	Rows []queueRow
	// Others are the clean drafts of the scope never submitted (or uploaded
	// into since), offered unticked beside the queue to whoever may publish them.
	Others     []queueRow
	MoreOthers bool
	CanPublish bool // some box is offered: the form and its button are shown
	NeedsNote  bool // a corrected version is in the queue: the note is required for it
	Message    string
	Error      string
	Note       string
	Checked    map[int64]bool // the boxes ticked: all publishable ones, or those posted back with an error
	Picked     map[int64]bool // the drafts beside the queue ticked, when the form comes back with an error
}

// DeskQueue lists the drafts submitted for review with their finding counts;
// whoever may publish them ticks and publishes in one act with one note.
func (s *Site) DeskQueue(c *gin.Context) {
	sess, t, ok := s.requireDesk(c, nil)
	if !ok {
		return
	}
	p, err := s.queuePage(c, sess, t)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if n, err := strconv.Atoi(c.Query("n")); err == nil && n > 0 && c.Query("done") == "published" {
		p.Message = "已公开 " + strconv.Itoa(n) + " 份申报"
		if r, err := strconv.Atoi(c.Query("r")); err == nil && r > 0 {
			p.Message += "，作为一次公开生成了 " + strconv.Itoa(r) + " 个数据集新版本"
		}
		p.Message += "。公开页面和数据集已更新。"
	}
	s.render(c, http.StatusOK, "desk_queue", p)
}

func (s *Site) queuePage(c *gin.Context, sess *deskSession, t *models.Token) (deskQueuePage, error) {
	p := deskQueuePage{page: s.deskPage("审核队列", sess, t), Checked: map[int64]bool{}, Picked: map[int64]bool{}}
	rows, err := s.queue(c, t)
	if err != nil {
		return p, err
	}
	p.Rows = rows
	if p.Others, p.MoreOthers, err = s.cleanUnqueued(c, t, rows); err != nil {
		return p, err
	}
	if len(p.Others) > 0 {
		p.CanPublish = true
	}
	for _, r := range rows {
		if r.CanPublish {
			p.CanPublish = true
			p.Checked[r.Filing.ID] = true
			if r.Filing.Version > 1 {
				p.NeedsNote = true
			}
		}
	}
	return p, nil
}

// maxOthers caps the clean drafts listed beside the queue.
const maxOthers = 500

// cleanUnqueued lists the drafts of the token's scope that it may publish, with
// no error, and not waiting in the queue: by region, year, phase and department.
func (s *Site) cleanUnqueued(c *gin.Context, t *models.Token, queued []queueRow) ([]queueRow, bool, error) {
	if s.d.Filings == nil || (t.Role != models.RoleAdmin && !s.d.Filings.AllowUploaderPublish) {
		return nil, false, nil
	}
	ctx := c.Request.Context()
	inQueue := map[int64]bool{}
	for _, r := range queued {
		inQueue[r.Filing.ID] = true
	}
	var rows []queueRow
	var ids []int64
	var after int64
	for {
		fs, err := s.d.Store.Filings(ctx, store.FilingFilter{Region: t.RegionCode, Statuses: []models.Status{models.StatusDraft}, AfterID: after, Limit: 10000})
		if err != nil {
			return nil, false, err
		}
		for _, f := range fs {
			if !inQueue[f.ID] && filings.CanPublish(t, f, s.d.Filings.AllowUploaderPublish) {
				rows = append(rows, queueRow{Filing: f, DeptName: f.DeptName, CanPublish: true})
				ids = append(ids, f.ID)
			}
		}
		if len(fs) < 10000 {
			break
		}
		after = fs[len(fs)-1].ID
	}
	stats, err := s.d.Store.FindingCounts(ctx, ids)
	if err != nil {
		return nil, false, err
	}
	clean := rows[:0]
	for _, r := range rows {
		if r.Stats = stats[r.Filing.ID]; r.Stats.Errors == 0 {
			clean = append(clean, r)
		}
	}
	sort.SliceStable(clean, func(i, j int) bool {
		a, b := clean[i].Filing, clean[j].Filing
		if a.RegionCode != b.RegionCode {
			return a.RegionCode < b.RegionCode
		}
		if a.FiscalYear != b.FiscalYear {
			return a.FiscalYear > b.FiscalYear
		}
		if a.Phase != b.Phase {
			return a.Phase < b.Phase
		}
		return a.DeptCode < b.DeptCode
	})
	if len(clean) > maxOthers {
		return clean[:maxOthers], true, nil
	}
	return clean, false, nil
}

// DeskQueuePublish publishes the ticked drafts of the queue in one act with the note.
func (s *Site) DeskQueuePublish(c *gin.Context) {
	if s.noService(c) {
		return
	}
	sess, t, ok := s.requireDesk(c, s.postForm(c))
	if !ok {
		return
	}
	ctx := c.Request.Context()
	note := strings.TrimSpace(c.PostForm("note"))
	var ids, picks []int64
	for _, field := range []struct {
		name string
		to   *[]int64
	}{{"id", &ids}, {"pick", &picks}} {
		for _, v := range c.PostFormArray(field.name) {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				s.showError(c, http.StatusNotFound, "申报编号“"+v+"”无效")
				return
			}
			*field.to = append(*field.to, id)
		}
	}
	// A draft the token may not see does not exist; one it may see but not publish is forbidden.
	uploadersPublish := s.d.Filings.AllowUploaderPublish
	for _, id := range append(slices.Clone(ids), picks...) {
		f, err := s.visibleFiling(ctx, t, id)
		if err != nil {
			s.pageError(c, err)
			return
		}
		if !filings.MayPublish(t, f, uploadersPublish) {
			s.showError(c, http.StatusForbidden, "令牌“"+t.Name+"”无权公开部门 "+f.DeptCode+" 的申报：只有管理员可以公开。")
			return
		}
	}
	act, err := s.d.Filings.PublishQueued(ctx, ids, picks, filings.Actor{Name: t.Name, Token: t}, note)
	published := act.Filings
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/desk/queue?done=published&n="+strconv.Itoa(len(published))+"&r="+strconv.Itoa(len(act.Releases)))
		return
	}
	status := httpx.Status(err)
	var blocked *filings.BlockedError
	msg := models.ErrorMessage(err)
	if errors.As(err, &blocked) {
		status, msg = http.StatusConflict, blocked.Error()
	} else if status >= 500 {
		s.pageError(c, err)
		return
	}
	p, perr := s.queuePage(c, sess, t)
	if perr != nil {
		s.showError(c, status, msg)
		return
	}
	if len(published) > 0 {
		p.Message = "已公开 " + strconv.Itoa(len(published)) + " 份申报；其余未公开，原因见下。"
	}
	p.Error, p.Note = msg, note
	p.Checked, p.Picked = map[int64]bool{}, map[int64]bool{}
	for _, id := range ids {
		p.Checked[id] = true
	}
	for _, id := range picks {
		p.Picked[id] = true
	}
	s.render(c, status, "desk_queue", p)
}
