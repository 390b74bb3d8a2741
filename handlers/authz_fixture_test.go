package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// The callers of the authorisation matrix, in the order its table lists
// their statuses. Token callers send "Authorization: Bearer …"; at the desk
// the three uploaders are signed in with their tokens and post the form
// token, while the admin's token alone is no session there (the admin's desk
// sessions are the last three callers). Desk callers send the desk's session
// cookie, as a browser does, and no token.
type caller int

const (
	noToken        caller = iota
	malformedToken        // "Bearer" with garbage, or another scheme
	revokedToken          // an admin's token, revoked
	otherRegion           // an uploader of region 110101
	otherDept             // an uploader of 431081 scoped to department 002
	inScope               // an uploader of all of 431081
	admin
	deskNoCSRF   // an admin's live desk session; its forms are posted without the form token
	deskExpired  // an admin's desk session left idle past its limit
	deskWithCSRF // an admin's live desk session, forms with the token: the positive control
	callerCount
)

var callerNames = [callerCount]string{"no token", "malformed token", "revoked token", "uploader of another region",
	"uploader of another department", "uploader in scope", "admin", "desk session without CSRF token",
	"expired desk session", "desk session with CSRF token"}

func (c caller) String() string { return callerNames[c] }

// The distinctive figures of the drafts: none may reach a public answer.
const (
	// leakThreePublic is a bureau's draft: a 2024 final of department 001
	// (published, corrected) with 合计 987,654.32 元 renaming the department
	// and the region, and a department 096 that exists only in this draft.
	leakThreePublic = "区划代码,区划名称,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n" +
		"431081,草稿改名市,001,草稿改名财政局,2024,决算,元,\"987,654.32\",0,0,587654.32,400000.00\n" +
		"431081,草稿改名市,096,仅草稿秘密部门,2024,决算,元,246813.57,0,0,146813.57,100000.00\n"
	// leakLineItems adds line items with the same figure to department 001's draft.
	leakLineItems = "区划代码,部门编码,部门名称,年度,阶段,单位,表,科目编码,科目名称,栏目,金额\n" +
		"431081,001,草稿改名财政局,2024,决算,元,general_expenditure,total,合计,total,987654.32\n" +
		"431081,001,草稿改名财政局,2024,决算,元,general_expenditure,total,合计,basic,987654.32\n"
	// matrixDrafts are the drafts the matrix publishes: 097 through the API, 098 at the desk, 095 from the
	// desk's review queue; and 099, which it discards at the desk.
	matrixDrafts = "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n" +
		"431081,097,资兴市矩阵甲局,2024,决算,万元,1.00,0,0,0.50,0.50\n" +
		"431081,098,资兴市矩阵乙局,2024,决算,万元,2.00,0,0,1.00,1.00\n" +
		"431081,095,资兴市矩阵丙局,2025,预算,万元,3.00,0,0,1.50,1.50\n" +
		"431081,099,资兴市矩阵丁局,2025,预算,万元,4.00,0,0,2.00,2.00\n"
)

// authzFixture is the whole service over a real database holding
// published filings of 431081 (三公 2024 final, corrected; line items 2025
// budget), the drafts above, tokens made through the store as `sunshine
// token create` makes them, three desk sessions, and the release-file cache on.
type authzFixture struct {
	*api
	clock                   *storetest.Clock
	tokens                  [callerCount]string   // the Authorization header of token callers
	desks                   [callerCount]*browser // desk sessions
	ids                     map[string]string     // path placeholders: {published}, {draft}, …
	leakDraft, draftOnlyDpt int64
}

func newAuthzFixture(t *testing.T, s *store.Store) *authzFixture {
	t.Helper()
	clock := storetest.NewClock()
	s.Now = clock.Now
	fx := &authzFixture{api: newAPI(t, s), clock: clock, ids: map[string]string{}}
	a := fx.api
	// The matrix sends many bad tokens on purpose; the sign-in limit has its own test.
	a.deps.SignInLimit = handlers.SignInLimit{Every: time.Millisecond, Burst: 1 << 20}
	a.deps.Registry = prometheus.NewRegistry()
	// The release-file cache on, as `sunshine serve` runs by default.
	cache, err := handlers.NewFileCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a.deps.Cache = cache
	a.h = handlers.New(a.deps)

	fx.tokens[malformedToken] = "Bearer not-a-token at all"
	fx.tokens[revokedToken] = "Bearer " + a.revoked
	fx.tokens[otherRegion] = "Bearer " + makeToken(t, s, models.Token{Name: "外区上传员", Role: models.RoleUploader, RegionCode: "110101"})
	fx.tokens[otherDept] = "Bearer " + makeToken(t, s, models.Token{Name: "资兴教育局上传员", Role: models.RoleUploader, RegionCode: "431081", Depts: []string{"002"}})
	fx.tokens[inScope] = "Bearer " + a.zixing
	fx.tokens[admin] = "Bearer " + a.admin

	publishedFixture(t, a) // 001 and 002, 2024 final; 001 corrected: release 3
	li := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "line_items_utf8.csv", nil, ""))
	a.publish(t, li.Filings[0].ID, "")
	drafts := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "drafts.csv", []byte(matrixDrafts), ""))
	leak := decode[handlers.UploadAnswer](t, a.upload(t, a.zixing, "草稿.csv", []byte(leakThreePublic), ""))
	leakLI := decode[handlers.UploadAnswer](t, a.upload(t, a.zixing, "草稿明细.csv", []byte(leakLineItems), ""))

	byDept := func(refs []handlers.FilingRef, dept string) int64 {
		for _, f := range refs {
			if f.DeptCode == dept && f.Status == models.StatusDraft {
				return f.ID
			}
		}
		t.Fatalf("no draft of %s in %+v", dept, refs)
		return 0
	}
	fx.leakDraft, fx.draftOnlyDpt = byDept(leak.Filings, "001"), byDept(leak.Filings, "096")
	if byDept(leakLI.Filings, "001") != fx.leakDraft {
		t.Fatalf("the line items went to another draft: %+v", leakLI.Filings)
	}
	published := func(dept string, year int, phase models.Phase) int64 {
		fs, err := s.Filings(context.Background(), store.FilingFilter{Region: "431081", Dept: dept, Year: year, Phase: phase,
			Statuses: []models.Status{models.StatusPublished}})
		if err != nil || len(fs) != 1 {
			t.Fatalf("published %s %d %s: %v %v", dept, year, phase, fs, err)
		}
		return fs[0].ID
	}
	id := func(n int64) string { return itoa(n) }
	fx.ids["{published}"] = id(published("001", 2024, models.PhaseFinal))
	fx.ids["{draft}"] = id(fx.draftOnlyDpt)
	fx.ids["{draftAPI}"] = id(byDept(drafts.Filings, "097"))
	fx.ids["{draftDesk}"] = id(byDept(drafts.Filings, "098"))
	fx.ids["{draftQueue}"] = id(byDept(drafts.Filings, "095"))
	fx.ids["{draftDiscard}"] = id(byDept(drafts.Filings, "099"))
	fx.ids["{withdrawAPI}"] = id(published("002", 2024, models.PhaseFinal))
	fx.ids["{withdrawDesk}"] = id(published("001", 2025, models.PhaseBudget))
	fx.ids["{leakDraft}"] = id(fx.leakDraft)

	// Desk sessions: one signed in and left idle past the limit, then the live ones.
	for _, c := range []caller{deskExpired, deskNoCSRF, deskWithCSRF, otherRegion, otherDept, inScope} {
		fx.desks[c] = newBrowser(t, a.h)
		token := a.admin
		if h := fx.tokens[c]; h != "" {
			token = strings.TrimPrefix(h, "Bearer ")
		}
		fx.desks[c].login(token)
		if c == deskExpired {
			clock.Advance(3 * time.Hour) // the desk ends a session unused for 2 hours
		}
	}
	return fx
}

// path fills a route's placeholders with ids of the fixture.
func (fx *authzFixture) path(p string) string {
	for k, v := range fx.ids {
		p = strings.ReplaceAll(p, k, v)
	}
	return p
}

// matrixBody is what a matrix request sends.
type matrixBody struct {
	form     url.Values        // a desk form (urlencoded), csrf added by the callers who send it
	json     string            // an API body
	upload   string            // else a multipart upload of this file from testdata,
	uploadBy map[caller]string // or of another for these callers
}

// request builds the request a caller sends for path and b.
func (fx *authzFixture) request(t *testing.T, c caller, method, path string, b *matrixBody) *http.Request {
	t.Helper()
	csrf := ""
	if fx.desks[c] != nil && c != deskNoCSRF && c != deskExpired && method == http.MethodPost && strings.HasPrefix(path, "/desk") {
		d := fx.desks[c]
		d.get("/desk")
		csrf = d.csrf()
	}
	var req *http.Request
	switch {
	case b == nil:
		req = httptest.NewRequest(method, path, nil)
	case b.form != nil:
		form := url.Values{}
		for k, vs := range b.form {
			for _, v := range vs {
				form.Add(k, fx.path(v)) // a form may name the fixture's ids too
			}
		}
		if csrf != "" {
			form.Set("csrf", csrf)
		}
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case b.json != "":
		req = httptest.NewRequest(method, path, strings.NewReader(b.json))
		req.Header.Set("Content-Type", "application/json")
	default:
		name := b.upload
		if f, ok := b.uploadBy[c]; ok {
			name = f
		}
		content, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		if csrf != "" {
			mw.WriteField("csrf", csrf)
		}
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
		mw.Close()
		req = httptest.NewRequest(method, path, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
	}
	if h := fx.tokens[c]; h != "" {
		req.Header.Set("Authorization", h)
	}
	return req
}

// do sends a caller's request: desk callers through their browser (cookies kept).
func (fx *authzFixture) do(t *testing.T, c caller, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	if d := fx.desks[c]; d != nil && (c >= deskNoCSRF || strings.HasPrefix(req.URL.Path, "/desk")) {
		return d.do(req)
	}
	return serveReq(fx.h, req)
}
