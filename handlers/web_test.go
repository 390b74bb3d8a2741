package handlers_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/checks"
	"sunshine/demo"
	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// webSite is the whole service over a real store, with the rules switched on
// so that the pages have findings to show.
type webSite struct {
	h   http.Handler
	s   *store.Store
	svc *filings.Service
}

func newWebSite(t *testing.T, s *store.Store) *webSite {
	t.Helper()
	svc := &filings.Service{Store: s, Checker: &filings.Rules{}, Options: ingest.DefaultOptions()}
	h := handlers.New(handlers.Deps{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(),
		Filings: svc, Limits: handlers.UploadLimits{MaxBytes: 64 << 20, TempDir: t.TempDir()}})
	return &webSite{h: h, s: s, svc: svc}
}

// demoClock is a day on which the demo has budgets for 2021–2025 and finals for 2021–2024.
var demoClock = time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC)

// loadDemo loads the demo city through the upload path, as `sunshine demo` does.
func loadDemo(t *testing.T, w *webSite) {
	t.Helper()
	if _, err := demo.Load(context.Background(), w.svc, demoClock, t.TempDir(), nil); err != nil {
		t.Fatalf("demo: %v", err)
	}
}

func (w *webSite) get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec
}

// externalURL finds absolute and protocol-relative URLs in a page.
var externalURL = regexp.MustCompile(`(?i)(?:https?:)?//[^\s"'<>)]+`)

// assertSelfContained checks what the pages promise: nothing from another
// host, no inline script or style (CSP forbids them), and the security headers.
func assertSelfContained(t *testing.T, path string, rec *httptest.ResponseRecorder, host string) {
	t.Helper()
	body := rec.Body.String()
	for _, m := range externalURL.FindAllString(body, -1) {
		u, err := url.Parse(m)
		if err != nil || u.Host != host {
			t.Errorf("%s links to another host: %s", path, m)
		}
	}
	for _, bad := range []string{"<script", " style=", "<style", "@import", "@font-face"} {
		if strings.Contains(strings.ToLower(body), strings.ToLower(bad)) {
			t.Errorf("%s contains %q", path, bad)
		}
	}
	h := rec.Header()
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("%s CSP: %q", path, csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
		t.Errorf("%s headers: %v", path, h)
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html; charset=utf-8") {
		t.Errorf("%s content type: %q", path, h.Get("Content-Type"))
	}
}

// deptOrder lists the department codes of the region table in page order.
func deptOrder(body, region string) []string {
	re := regexp.MustCompile(`<th scope="row" class="name"><a href="/regions/` + region + `/departments/([^"]+)">`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestWebPages_DemoCity(t *testing.T) {
	w := newWebSite(t, storetest.SQLite(t))
	loadDemo(t, w)
	ctx := context.Background()
	const region = "990101"

	// The figures the pages must show, read from the store.
	finals := map[string]models.NullMoney{}
	err := w.s.EachThreePublic(ctx, store.FeedFilter{Region: region, Year: 2024, Phase: models.PhaseFinal}, func(r store.ThreePublicRow) error {
		finals[r.DeptCode] = r.Total
		return nil
	})
	if err != nil || len(finals) != len(demo.Depts) {
		t.Fatalf("demo finals 2024: %d, %v", len(finals), err)
	}

	t.Run("every page is self-contained", func(t *testing.T) {
		for _, path := range []string{"/", "/regions/990101/2024", "/regions/990101/2024?sort=f_total&dir=desc",
			"/regions/990101/departments/024", "/datasets", "/datasets?kind=three_public&year=2024", "/changes", "/rules", "/desk",
			"/regions/990101/1999", "/regions/123456/2024"} {
			rec := w.get(t, path)
			if rec.Code != 200 && !strings.HasSuffix(path, "1999") && !strings.HasPrefix(path, "/regions/123456") {
				t.Errorf("%s: %d", path, rec.Code)
			}
			assertSelfContained(t, path, rec, "example.com")
		}
	})

	t.Run("home lists the region and the latest releases", func(t *testing.T) {
		body := w.get(t, "/").Body.String()
		for _, want := range []string{"阳光市（演示数据）", `href="/regions/990101/2024"`, `href="/regions/990101/2021"`,
			"最新公开", "首次公开", `href="/datasets"`, `href="/changes"`, `href="/rules"`, `href="/desk"`} {
			if !strings.Contains(body, want) {
				t.Errorf("home lacks %s", want)
			}
		}
	})

	t.Run("region year shows every department with its figures", func(t *testing.T) {
		rec := w.get(t, "/regions/990101/2024")
		body := rec.Body.String()
		if got := deptOrder(body, region); len(got) != len(demo.Depts) || got[0] != "001" || got[len(got)-1] != "040" {
			t.Fatalf("default order is by code: %v", got)
		}
		edu := finals["011"].Money.FormatRounded(models.WanYuan, 2, true)
		if !strings.Contains(body, `<td class="num ">`+edu+`</td>`) {
			t.Errorf("教育局's 2024 final total %s is not in the table", edu)
		}
		// 028's 2023 final was published with warnings: flagged, linked to them (024's
		// 2024 final was too, and was then corrected: see the department page)
		if b := w.get(t, "/regions/990101/2023").Body.String(); !strings.Contains(b, `href="/regions/990101/departments/028#findings-2023-final"`) {
			t.Errorf("the 2023 region page does not link 028's findings")
		}
		for _, want := range []string{
			"阳光市教育局", "全部部门合计", "执行率",
			// the charts, with alt text
			`src="/api/v1/charts/three-public/composition.svg?phase=final&amp;region=990101&amp;year=2024"`,
			`src="/api/v1/charts/three-public/ranking.svg?item=total&amp;phase=final&amp;region=990101&amp;year=2024"`,
			`src="/api/v1/charts/three-public/budget-vs-final.svg?region=990101&amp;year=2024"`,
			`alt="2024 年决算三公经费构成：因公出国(境)费`,
			// the downloads of the catalogue
			"/api/v1/datasets/990101-2024-final-three_public/releases/", "data.csv?bom=1", "data.xlsx", "datapackage.json",
			"/api/v1/datasets/990101-2024-budget-line_items/releases/",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("region page lacks %s", want)
			}
		}
	})

	t.Run("sorting follows the links in the header", func(t *testing.T) {
		type kv struct {
			code  string
			total models.Money
		}
		var want []kv
		for code, v := range finals {
			want = append(want, kv{code, v.Money})
		}
		sort.Slice(want, func(i, j int) bool {
			if want[i].total != want[j].total {
				return want[i].total > want[j].total
			}
			return want[i].code < want[j].code
		})
		body := w.get(t, "/regions/990101/2024?sort=f_total&dir=desc").Body.String()
		got := deptOrder(body, region)
		for i := range want {
			if i >= len(got) || got[i] != want[i].code {
				t.Fatalf("sort=f_total desc: got %v, want %v", got, want)
			}
		}
		asc := deptOrder(w.get(t, "/regions/990101/2024?sort=f_total&dir=asc").Body.String(), region)
		if asc[0] != want[len(want)-1].code || asc[len(asc)-1] != want[0].code {
			t.Errorf("sort=f_total asc: %v", asc)
		}
		// The current column links to the other direction and says how it is sorted.
		if !strings.Contains(body, `aria-sort="descending"><a href="?sort=f_total&amp;dir=asc#depts">决算▼</a>`) {
			t.Error("the sorted column's header does not offer the other direction")
		}
		byName := deptOrder(w.get(t, "/regions/990101/2024?sort=name&dir=asc").Body.String(), region)
		if byName[0] == "001" || len(byName) != len(demo.Depts) {
			t.Errorf("sort by name (pinyin) kept the code order: %v", byName)
		}
		bogus := deptOrder(w.get(t, "/regions/990101/2024?sort=drop+table&dir=sideways").Body.String(), region)
		if bogus[0] != "001" {
			t.Errorf("an unknown sort falls back to code order: %v", bogus)
		}
	})

	t.Run("department page: history, counts, reasons, findings, permalinks", func(t *testing.T) {
		rec := w.get(t, "/regions/990101/departments/024")
		body := rec.Body.String()
		final24, err := w.s.LatestPublished(ctx, models.FilingKey{RegionCode: region, DeptCode: "024", FiscalYear: 2024, Phase: models.PhaseFinal})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"阳光市卫生健康局", "2021 年", "2025 年", "因公出国(境)团组数", "国内公务接待人次", "增减变化原因",
			finals["024"].Money.FormatRounded(models.WanYuan, 2, true),
			`id="findings-2024-final"`, "更正：补充三公经费增减变化原因", // v1 lacked the reason, v2 the correction gives it
			`href="/api/v1/filings/` + itoa(final24.ID) + `"`, "/api/v1/three-public.csv?dept=024&amp;region=990101",
			`src="/api/v1/charts/three-public/trend.svg?dept=024&amp;region=990101"`, "data.csv?bom=1",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("department page lacks %s", want)
			}
		}
		if w.get(t, "/regions/990101/departments/999").Code != 404 {
			t.Error("an unknown department is not a 404")
		}
	})

	t.Run("catalogue, change log and rules", func(t *testing.T) {
		body := w.get(t, "/datasets").Body.String()
		for _, want := range []string{"阳光市（演示数据） 2024 年决算 三公经费", "data.csv?bom=1", "data.xlsx", "data.json", "datapackage.json"} {
			if !strings.Contains(body, want) {
				t.Errorf("datasets page lacks %s", want)
			}
		}
		if strings.Contains(body, `href="/datasets?after=`) {
			t.Error("the demo's 18 datasets fit on one page")
		}
		body = w.get(t, "/changes").Body.String()
		// The demo publishes each region-year-phase in one act: one release names its departments' count and opens its page.
		if !strings.Contains(body, "首次公开") || !strings.Contains(body, "个部门</a>") || !strings.Contains(body, `href="/datasets/990101-2025-budget-three_public/releases/1"`) {
			t.Errorf("change log: %.300s", body)
		}
		body = w.get(t, "/rules").Body.String()
		for _, r := range checks.Catalogue {
			if !strings.Contains(body, `id="`+r.Key+`"`) {
				t.Errorf("rules page lacks %s", r.Key)
			}
		}
	})

	t.Run("unknown region and year are HTML 404s", func(t *testing.T) {
		for _, path := range []string{"/regions/123456/2024", "/regions/990101/1999", "/regions/990101/abc"} {
			rec := w.get(t, path)
			if rec.Code != 404 || !strings.Contains(rec.Body.String(), "<!doctype html>") {
				t.Errorf("%s: %d", path, rec.Code)
			}
		}
	})
}

func TestWebPages_ThousandsSeparatorsAndNotDisclosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		w := newWebSite(t, s)
		publishedFixture(t, a) // 001 and 002 of 431081, 2024 final, and a correction of 001
		// 001's 2025 budget leaves 公务接待费 blank: not disclosed, which is not 0.
		blank := "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n" +
			"431081,001,资兴市财政局,2025,预算,万元,12.35,0,0,8.50,\n"
		up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "blank.csv", []byte(blank), ""))
		a.publish(t, up.Filings[0].ID, "")

		body := w.get(t, "/regions/431081/2024").Body.String()
		if !strings.Contains(body, ">1,020.50<") {
			t.Errorf("教育局's 1,020.50 万元 is not printed with a thousands separator")
		}
		if !strings.Contains(body, ">12.00<") || strings.Contains(body, ">12.35<") {
			t.Error("the corrected figure (12.00) must replace the superseded one (12.35)")
		}
		if !strings.Contains(body, `<td class="num none">—</td>`) {
			t.Error("a department without a budget shows —")
		}

		body = w.get(t, "/regions/431081/2025").Body.String()
		if !strings.Contains(body, `<td class="num nd">未公开</td>`) {
			t.Errorf("the undisclosed 公务接待费 must read 未公开: %s", body)
		}
		body = w.get(t, "/regions/431081/departments/001").Body.String()
		for _, want := range []string{"未公开", "已被更正版取代", "更正公务接待费：原表多记 0.35 万元", "第 2 版"} {
			if !strings.Contains(body, want) {
				t.Errorf("department page lacks %s", want)
			}
		}
		body = w.get(t, "/changes").Body.String()
		if !strings.Contains(body, "更正公务接待费：原表多记 0.35 万元") || !strings.Contains(body, "与上一版比较") {
			t.Error("the change log shows the correction note and the diff link")
		}
	})
}

func TestWebStatic_ServesTheStylesheet(t *testing.T) {
	w := newWebSite(t, storetest.SQLite(t))
	home := w.get(t, "/").Body.String()
	m := regexp.MustCompile(`href="(/static/site\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(home)
	if m == nil {
		t.Fatal("the layout does not link the stylesheet")
	}
	rec := w.get(t, m[1])
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") || !strings.Contains(rec.Body.String(), "font-family") {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	if strings.Contains(rec.Body.String(), "url(") || strings.Contains(rec.Body.String(), "@import") || strings.Contains(rec.Body.String(), "@font-face") {
		t.Error("the stylesheet must not fetch anything (fonts are the system's)")
	}
	for _, p := range []string{"/static/nothing.css", "/static/", "/static/../web.go"} {
		if c := w.get(t, p).Code; c != 404 {
			t.Errorf("%s: %d", p, c)
		}
	}
}

// ---- the desk ----

// browser keeps cookies like a browser does for one host.
type browser struct {
	t       *testing.T
	h       http.Handler
	cookies map[string]*http.Cookie
	last    *httptest.ResponseRecorder
	header  map[string]string
}

func newBrowser(t *testing.T, h http.Handler) *browser {
	return &browser{t: t, h: h, cookies: map[string]*http.Cookie{}, header: map[string]string{}}
}

func (b *browser) do(req *http.Request) *httptest.ResponseRecorder {
	b.t.Helper()
	for _, c := range b.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	for k, v := range b.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	b.last = rec
	return rec
}

func (b *browser) get(path string) *httptest.ResponseRecorder {
	return b.do(httptest.NewRequest("GET", path, nil))
}

func (b *browser) post(path string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the form token of the page last shown.
func (b *browser) csrf() string {
	b.t.Helper()
	m := csrfField.FindStringSubmatch(b.last.Body.String())
	if m == nil {
		b.t.Fatalf("no CSRF field on the page: %s", b.last.Body)
	}
	return m[1]
}

func (b *browser) login(secret string) {
	b.t.Helper()
	b.get("/desk")
	rec := b.post("/desk/login", url.Values{"csrf": {b.csrf()}, "token": {secret}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/desk" {
		b.t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	if b.get("/desk").Code != 200 || !strings.Contains(b.last.Body.String(), "上传文件") {
		b.t.Fatalf("desk after login: %s", b.last.Body)
	}
}

// upload posts a file through the desk's form; csrf "" leaves the field out.
func (b *browser) upload(name string, content []byte, csrf string) *httptest.ResponseRecorder {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	mw.WriteField("kind", "")
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req := httptest.NewRequest("POST", "/desk/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// A 2024 final of 431081/001 whose 合计 is 0.30 万元 more than its parts.
const badThreePublic = "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费,国内公务接待批次,国内公务接待人次,公务用车保有量\n" +
	"431081,001,资兴市财政局,2024,决算,万元,12.65,0,0,8.50,3.85,42,310,3\n"

const goodThreePublic = "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费,国内公务接待批次,国内公务接待人次,公务用车保有量\n" +
	"431081,001,资兴市财政局,2024,决算,万元,12.35,0,0,8.50,3.85,42,310,3\n"

const correctedGoodThreePublic = "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费,国内公务接待批次,国内公务接待人次,公务用车保有量,增减变化原因\n" +
	"431081,001,资兴市财政局,2024,决算,万元,12.00,0,0,8.50,3.50,40,300,3,压减接待\n"

// A line-item table whose 合计 row does not add up: basic + project = 900,000 ≠ 1,000,000.
const badLineItems = "区划代码,部门编码,部门名称,年度,阶段,单位,表,科目编码,科目名称,栏目,金额\n" +
	"431081,002,资兴市教育局,2025,预算,元,general_expenditure,total,合计,total,\"1,000,000.00\"\n" +
	"431081,002,资兴市教育局,2025,预算,元,general_expenditure,total,合计,basic,\"800,000.00\"\n" +
	"431081,002,资兴市教育局,2025,预算,元,general_expenditure,total,合计,project,\"100,000.00\"\n"

var draftLink = regexp.MustCompile(`href="/desk/filings/(\d+)#`)

func TestDesk_SignInSetsAStrictHttpOnlyCookieWithoutTheSecret(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	w := newWebSite(t, s)
	b := newBrowser(t, w.h)

	rec := b.get("/desk")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `type="password"`) {
		t.Fatalf("sign-in page: %d", rec.Code)
	}
	h := rec.Header()
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("Cache-Control") != "no-store" ||
		h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("desk headers: %v", h)
	}
	assertSelfContained(t, "/desk", rec, "example.com")

	// The sign-in form has its own CSRF token.
	if rec := b.post("/desk/login", url.Values{"token": {a.admin}}); rec.Code != http.StatusForbidden {
		t.Fatalf("sign-in without the form token: %d", rec.Code)
	}
	b.get("/desk")
	if rec := b.post("/desk/login", url.Values{"csrf": {b.csrf()}, "token": {"sun_wrong"}}); rec.Code != http.StatusUnauthorized ||
		!strings.Contains(rec.Body.String(), "令牌无效") {
		t.Fatalf("wrong token: %d %s", rec.Code, rec.Body)
	}
	if rec := b.post("/desk/login", url.Values{"csrf": {b.csrf()}, "token": {a.revoked}}); rec.Code != http.StatusUnauthorized ||
		!strings.Contains(rec.Body.String(), "已被吊销") {
		t.Fatalf("revoked token: %d %s", rec.Code, rec.Body)
	}
	rec = b.post("/desk/login", url.Values{"csrf": {b.csrf()}, "token": {a.admin}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", rec.Code, rec.Body)
	}
	var session *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "sunshine_desk" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/desk" || session.Secure {
		t.Fatalf("session cookie: %+v", session)
	}
	if strings.Contains(session.Value, a.admin) || strings.Contains(rec.Header().Get("Set-Cookie"), a.admin) || len(session.Value) < 40 {
		t.Fatalf("the cookie must hold a random session id, not the token: %q", session.Value)
	}
	if b.get("/desk").Code != 200 || !strings.Contains(b.last.Body.String(), "已登录：<strong>管理员</strong>") {
		t.Fatalf("signed in: %s", b.last.Body)
	}
	// The file picker offers every format the upload reads, PDFs and old .xls workbooks too.
	for _, ext := range []string{".csv", ".xlsx", ".xls,", ".pdf"} {
		if !strings.Contains(b.last.Body.String(), ext) {
			t.Errorf("the upload form's accept= leaves out %s", strings.TrimSuffix(ext, ","))
		}
	}

	// Behind a TLS proxy the cookie is Secure.
	tls := newBrowser(t, w.h)
	tls.header["X-Forwarded-Proto"] = "https"
	tls.get("/desk")
	rec = tls.post("/desk/login", url.Values{"csrf": {tls.csrf()}, "token": {a.zixing}})
	secure := false
	for _, c := range rec.Result().Cookies() {
		if c.Name == "sunshine_desk" {
			secure = c.Secure && c.HttpOnly && c.SameSite == http.SameSiteStrictMode
		}
	}
	if !secure {
		t.Fatalf("cookie over TLS: %v", rec.Header().Values("Set-Cookie"))
	}

	// Signing out needs the form token, then ends the session on the server.
	old := b.cookies["sunshine_desk"].Value
	if rec := b.post("/desk/logout", url.Values{}); rec.Code != http.StatusForbidden {
		t.Fatalf("sign out without CSRF: %d", rec.Code)
	}
	b.get("/desk")
	if rec := b.post("/desk/logout", url.Values{"csrf": {b.csrf()}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", rec.Code)
	}
	replay := newBrowser(t, w.h)
	replay.cookies["sunshine_desk"] = &http.Cookie{Name: "sunshine_desk", Value: old}
	if rec := replay.get("/desk"); !strings.Contains(rec.Body.String(), `type="password"`) {
		t.Fatal("a signed-out session id still works")
	}

	// Revoking the token locks its sessions out at the next click.
	b.login(a.zixing)
	if err := s.RevokeToken(context.Background(), "资兴财政局", "test"); err != nil {
		t.Fatal(err)
	}
	if rec := b.get("/desk"); !strings.Contains(rec.Body.String(), `type="password"`) {
		t.Fatal("a revoked token's session still works")
	}
}

func TestDesk_FormsWithoutTheCSRFTokenAreRefused(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	w := newWebSite(t, s)
	b := newBrowser(t, w.h)
	b.login(a.admin)
	token := b.csrf()

	for name, rec := range map[string]*httptest.ResponseRecorder{
		"upload without token":   b.upload("a.csv", []byte(goodThreePublic), ""),
		"upload with wrong":      b.upload("a.csv", []byte(goodThreePublic), token+"x"),
		"publish without token":  b.post("/desk/filings/1/publish", url.Values{}),
		"publish with wrong":     b.post("/desk/filings/1/publish", url.Values{"csrf": {otherFirst(token)}}),
		"withdraw without token": b.post("/desk/filings/1/withdraw", url.Values{"note": {"x"}}),
	} {
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "CSRF") {
			t.Errorf("%s: %d", name, rec.Code)
		}
	}
	// Nothing was stored by the refused upload.
	fs, err := s.Filings(context.Background(), store.FilingFilter{})
	if err != nil || len(fs) != 0 {
		t.Fatalf("filings after refused forms: %v %v", fs, err)
	}
	// A form posted from another origin is refused even with the token.
	b.header["Origin"] = "https://evil.example"
	if rec := b.upload("a.csv", []byte(goodThreePublic), token); rec.Code != http.StatusForbidden {
		t.Errorf("cross-origin upload: %d", rec.Code)
	}
	delete(b.header, "Origin")
	// Without a session the forms answer 401 and pages send you to sign in.
	anon := newBrowser(t, w.h)
	if rec := anon.post("/desk/filings/1/publish", url.Values{"csrf": {token}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("publish without session: %d", rec.Code)
	}
	if rec := anon.get("/desk/filings/1"); rec.Code != http.StatusSeeOther {
		t.Errorf("filing page without session: %d", rec.Code)
	}
}

func TestDesk_UploadReportPointsAtTheCellAndPublishIsRefusedUntilFixed(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	w := newWebSite(t, s)
	b := newBrowser(t, w.h)
	b.login(a.admin)

	rec := b.upload("资兴市三公.csv", []byte(badThreePublic), b.csrf())
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "三公合计不等于各项之和") || !strings.Contains(body, "three_public.total") {
		t.Fatalf("upload with an error: %d %s", rec.Code, body)
	}
	m := draftLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the finding does not link to its draft: %s", body)
	}
	id := m[1]
	if !strings.Contains(body, `href="/desk/filings/`+id+`#c-three_public--total"`) || !strings.Contains(body, "源文件第 2 行") ||
		!strings.Contains(body, "栏：合计") {
		t.Errorf("the finding must point at table, row and column: %s", body)
	}
	assertSelfContained(t, "/desk/upload", rec, "example.com")

	// The draft's page renders the record with the offending cell highlighted.
	rec = b.get("/desk/filings/" + id)
	body = rec.Body.String()
	if rec.Code != 200 || !regexp.MustCompile(`<td id="c-three_public--total" class="num flag-error" title="1\. [^"]*">12\.65<a class="mark" href="#f-1">1</a>`).MatchString(body) {
		t.Fatalf("highlighted cell: %s", body)
	}
	if !strings.Contains(body, `id="f-1"`) || !strings.Contains(body, "公开这份申报") {
		t.Errorf("filing page: %s", body)
	}

	// Publishing is refused with the report.
	rec = b.post("/desk/filings/"+id+"/publish", url.Values{"csrf": {b.csrf()}})
	body = rec.Body.String()
	if rec.Code != http.StatusConflict || !strings.Contains(body, "草稿有 1 个错误，不能公开") || !strings.Contains(body, "three_public.total") ||
		!strings.Contains(body, "flag-error") {
		t.Fatalf("publish with errors: %d %s", rec.Code, body)
	}
	if f, _ := s.Filing(context.Background(), mustID(t, id)); f.Status != models.StatusDraft {
		t.Fatalf("status after refused publish: %s", f.Status)
	}

	// Fixed and uploaded again: it publishes.
	b.get("/desk")
	rec = b.upload("资兴市三公（更正）.csv", []byte(goodThreePublic), b.csrf())
	// A 三公-only statement is complete as what it is: no error, nothing missing.
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "个错误</span>") || !strings.Contains(rec.Body.String(), "可以公开") {
		t.Fatalf("fixed upload: %d %s", rec.Code, rec.Body)
	}
	b.get("/desk/filings/" + id)
	rec = b.post("/desk/filings/"+id+"/publish", url.Values{"csrf": {b.csrf()}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/desk/filings/"+id+"?done=published" {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	if body := b.get(rec.Header().Get("Location")).Body.String(); !strings.Contains(body, "已公开。") || !strings.Contains(body, "撤回已公开的申报") {
		t.Errorf("after publishing: %s", body)
	}

	// A new version needs its correction note: the field is shown and required.
	b.get("/desk")
	rec = b.upload("资兴市三公（第二版）.csv", []byte(correctedGoodThreePublic), b.csrf())
	v2 := draftIDs(rec.Body.String())
	if len(v2) != 1 || v2[0] == id {
		t.Fatalf("second version: %v %s", v2, rec.Body)
	}
	body = b.get("/desk/filings/" + v2[0]).Body.String()
	if !strings.Contains(body, `<textarea id="note" name="note" rows="3" required`) || !strings.Contains(body, "第 2 版") {
		t.Fatalf("the correction note field: %s", body)
	}
	rec = b.post("/desk/filings/"+v2[0]+"/publish", url.Values{"csrf": {b.csrf()}, "note": {"  "}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "更正说明") {
		t.Fatalf("publish v2 without note: %d %s", rec.Code, rec.Body)
	}
	rec = b.post("/desk/filings/"+v2[0]+"/publish", url.Values{"csrf": {b.csrf()}, "note": {"更正公务接待费"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("publish v2: %d %s", rec.Code, rec.Body)
	}
	if body := w.get(t, "/changes").Body.String(); !strings.Contains(body, "更正公务接待费") {
		t.Error("the correction note is in the change log")
	}

	// Withdrawal: an uploader may not, an admin may with a note.
	up := newBrowser(t, w.h)
	up.login(a.zixing001)
	up.get("/desk/filings/" + v2[0])
	if strings.Contains(up.last.Body.String(), "撤回已公开的申报") {
		t.Error("an uploader is offered the withdraw form")
	}
	if rec := up.post("/desk/filings/"+v2[0]+"/withdraw", url.Values{"csrf": {up.csrf()}, "note": {"x"}}); rec.Code != http.StatusForbidden {
		t.Errorf("uploader withdraw: %d", rec.Code)
	}
	b.get("/desk/filings/" + v2[0])
	if rec := b.post("/desk/filings/"+v2[0]+"/withdraw", url.Values{"csrf": {b.csrf()}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("withdraw without note: %d %s", rec.Code, rec.Body)
	}
	if rec := b.post("/desk/filings/"+v2[0]+"/withdraw", url.Values{"csrf": {b.csrf()}, "note": {"数据有误，暂时撤回"}}); rec.Code != http.StatusSeeOther {
		t.Errorf("withdraw: %d %s", rec.Code, rec.Body)
	}
	if f, _ := s.Filing(context.Background(), mustID(t, v2[0])); f.Status != models.StatusWithdrawn {
		t.Errorf("after withdraw: %s", f.Status)
	}
}

func TestDesk_LineItemFindingsHighlightTheirCellInTheTableGrid(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	w := newWebSite(t, s)
	b := newBrowser(t, w.h)
	b.login(a.zixing)
	rec := b.upload("明细.csv", []byte(badLineItems), b.csrf())
	ids := draftIDs(rec.Body.String())
	if rec.Code != 200 || len(ids) == 0 || !strings.Contains(rec.Body.String(), "row.sum") {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	body := b.get("/desk/filings/" + ids[0]).Body.String()
	// The 合计 row's 合计 cell is flagged; its parts are marked only as taking part.
	if !regexp.MustCompile(`<td id="c-general_expenditure-total-total" class="num flag-error" title="源文件第 2 行\n1\. [^"]*">1,000,000\.00<a class="mark"`).MatchString(body) {
		t.Fatalf("flagged cell in the grid: %s", body)
	}
	if regexp.MustCompile(`id="c-general_expenditure-total-basic" class="num flag-(error|warning|info)`).MatchString(body) {
		t.Error("a part of the sum is flagged as the error")
	}
	if !strings.Contains(body, `id="c-general_expenditure-total-basic" class="num flag-part"`) {
		t.Errorf("a part of the sum is not marked as taking part: %s", body)
	}
	if !strings.Contains(body, "一般公共预算支出表") || !strings.Contains(body, "基本支出") || !strings.Contains(body, "（单位：元）") {
		t.Errorf("the grid names the table and its columns: %s", body)
	}

	// An uploader sees only the drafts of its scope.
	other := newBrowser(t, w.h)
	other.login(a.zixing001)
	if strings.Contains(other.last.Body.String(), "/desk/filings/"+ids[0]) {
		t.Error("department 002's draft is listed for a token of department 001")
	}
	if rec := other.get("/desk/filings/" + ids[0]); rec.Code != 404 {
		t.Errorf("another department's draft: %d", rec.Code)
	}
	if !strings.Contains(b.get("/desk").Body.String(), "/desk/filings/"+ids[0]) {
		t.Error("the region's token does not list the draft")
	}
	// The uploader may not publish (only an admin may, by default) and is told so.
	if rec := b.post("/desk/filings/"+ids[0]+"/publish", url.Values{"csrf": {b.csrf()}}); rec.Code != http.StatusConflict && rec.Code != http.StatusForbidden {
		t.Errorf("uploader publish: %d", rec.Code)
	}
}

func TestDesk_UnreadableFileShowsTheParseReport(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	w := newWebSite(t, s)
	b := newBrowser(t, w.h)
	b.login(a.admin)
	bad := "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n" +
		"431081,001,资兴市财政局,2024,决算,万元,十二,0,0,8.50,3.85\n"
	rec := b.upload("坏文件.csv", []byte(bad), b.csrf())
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "未保存任何数据") || !strings.Contains(body, "文件第 2 行") ||
		!strings.Contains(body, "cell.type") {
		t.Fatalf("parse report: %d %s", rec.Code, body)
	}
	rec = b.upload("empty.csv", nil, b.csrf())
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("empty file: %d %s", rec.Code, rec.Body)
	}
}

// otherFirst is the token with its first character changed: same length, not equal.
func otherFirst(token string) string {
	if token[0] == 'A' {
		return "B" + token[1:]
	}
	return "A" + token[1:]
}

func draftIDs(body string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`href="/desk/filings/(\d+)"`).FindAllStringSubmatch(body, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
