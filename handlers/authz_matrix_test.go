package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"sunshine/exports"
	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// statuses are the answers expected by each caller, in caller order:
//
//	no token, malformed, revoked, other region, other dept, in scope, admin, desk no CSRF, desk expired, desk with CSRF
type statuses [callerCount]int

func all(code int) statuses {
	var s statuses
	for i := range s {
		s[i] = code
	}
	return s
}

// A matrix case is one request to a route: a path with the fixture's ids,
// what it sends, and what every caller gets.
type matrixCase struct {
	what string
	path string
	body *matrixBody
	want statuses
}

// The policy, route by route. Public GETs answer everyone alike (a bad token
// is ignored on a GET); a draft exists only for a token that may write it;
// writes need a token (401), the right one (403: scope, role — uploaders do
// not publish by default, only admins withdraw); /metrics is an admin's; the
// desk knows sessions, not tokens: its pages send a caller without a live
// session to sign in (303), its forms answer 401 without one and 403 without
// the form token; behind a session the same policy holds as on the API. A
// route missing here fails the test: say who may call it.
var authzMatrix = map[string][]matrixCase{
	"GET /healthz":     {{what: "liveness", path: "/healthz", want: all(200)}},
	"GET /readyz":      {{what: "readiness", path: "/readyz", want: all(200)}},
	"GET /favicon.ico": {{what: "no icon", path: "/favicon.ico", want: all(204)}},
	"GET /metrics": {{what: "metrics", path: "/metrics",
		want: statuses{401, 401, 401, 403, 403, 403, 200, 401, 401, 401}}},

	"POST /api/v1/uploads": {{what: "an upload (admin: 003's workbook; others: 001's 2025 budget 三公)", path: "/api/v1/uploads",
		body: &matrixBody{upload: "three_public_bom.csv", uploadBy: map[caller]string{admin: "three_public_excelize.xlsx"}},
		want: statuses{401, 401, 401, 403, 403, 201, 201, 401, 401, 401}}},
	"GET /api/v1/templates/:file": {{what: "a template", path: "/api/v1/templates/three_public.csv", want: all(200)}},
	"GET /api/v1/rules":           {{what: "the rules", path: "/api/v1/rules", want: all(200)}},
	"GET /api/v1/filings/:id": {
		{what: "a published filing", path: "/api/v1/filings/{published}", want: all(200)},
		{what: "a draft-only department's draft", path: "/api/v1/filings/{draft}",
			want: statuses{401, 401, 401, 404, 404, 200, 200, 401, 401, 401}},
	},
	"GET /api/v1/filings/:id/report": {
		{what: "a published filing", path: "/api/v1/filings/{published}/report", want: all(200)},
		{what: "a draft-only department's draft", path: "/api/v1/filings/{draft}/report",
			want: statuses{401, 401, 401, 404, 404, 200, 200, 401, 401, 401}},
	},
	// The fixture's uploads are CSV and workbooks: no PDF is kept (a kept one: sources_test.go).
	"GET /api/v1/sources/:sha256/source.pdf": {{what: "a PDF nobody uploaded", path: "/api/v1/sources/" + strings.Repeat("0", 64) + "/source.pdf",
		want: all(404)}},
	"POST /api/v1/filings/:id/publish": {{what: "a draft (097)", path: "/api/v1/filings/{draftAPI}/publish",
		body: &matrixBody{json: `{"note":"矩阵：公开"}`},
		want: statuses{401, 401, 401, 404, 404, 403, 200, 401, 401, 401}}},
	"POST /api/v1/filings/:id/withdraw": {{what: "a published filing (002)", path: "/api/v1/filings/{withdrawAPI}/withdraw",
		body: &matrixBody{json: `{"note":"矩阵：撤回"}`},
		want: statuses{401, 401, 401, 403, 403, 403, 200, 401, 401, 401}}},
	// Publication acts are an admin's: the admin schedules one (never run here: the clock stays in 2026);
	// act 1 is the fixture's first publication, which ran, so cancelling it is a conflict.
	"POST /api/v1/publications": {{what: "a scheduled act of 431081's clean 2024 final drafts", path: "/api/v1/publications",
		body: &matrixBody{json: `{"region":"431081","year":2024,"phase":"final","at":"2030-01-01T00:00:00Z","note":"矩阵：定时公开"}`},
		want: statuses{401, 401, 401, 403, 403, 403, 201, 401, 401, 401}}},
	"GET /api/v1/publications": {{what: "the acts waiting", path: "/api/v1/publications?state=scheduled",
		want: statuses{401, 401, 401, 403, 403, 403, 200, 401, 401, 401}}},
	"GET /api/v1/publications/:id": {{what: "the fixture's first act", path: "/api/v1/publications/1",
		want: statuses{401, 401, 401, 403, 403, 403, 200, 401, 401, 401}}},
	"DELETE /api/v1/publications/:id": {{what: "an act that ran", path: "/api/v1/publications/1",
		want: statuses{401, 401, 401, 403, 403, 403, 409, 401, 401, 401}}},

	// The disclosure scoreboard is public; its department lists and approval dates are an admin's.
	"GET /api/v1/scoreboard": {
		{what: "431081's 2024 final", path: "/api/v1/scoreboard?region=431081&year=2024&phase=final", want: all(200)},
		{what: "the ranking", path: "/api/v1/scoreboard?year=2024&phase=final", want: all(200)},
	},
	"GET /api/v1/scoreboard.csv": {{what: "431081's 2025 budget as CSV", path: "/api/v1/scoreboard.csv?region=431081&year=2025", want: all(200)}},
	"GET /embed/scoreboard":      {{what: "431081's scoreboard embedded", path: "/embed/scoreboard?region=431081&year=2024&phase=final", want: all(200)}},
	"PUT /api/v1/scoreboard/approvals": {{what: "431081's 2024 final approved", path: "/api/v1/scoreboard/approvals",
		body: &matrixBody{json: `{"approvals":[{"region_code":"431081","fiscal_year":2024,"phase":"final","approved_on":"2025-08-01"}]}`},
		want: statuses{401, 401, 401, 403, 403, 403, 200, 401, 401, 401}}},
	"PUT /api/v1/regions/:code/years/:year/departments": {{what: "431081's 2024 department list", path: "/api/v1/regions/431081/years/2024/departments",
		body: &matrixBody{json: `{"departments":[{"dept_code":"001","dept_name":"矩阵局"}]}`},
		want: statuses{401, 401, 401, 403, 403, 403, 200, 401, 401, 401}}},

	"GET /api/v1/datasets":          {{what: "the catalogue", path: "/api/v1/datasets", want: all(200)}},
	"GET /api/v1/datasets/:id":      {{what: "a dataset", path: "/api/v1/datasets/431081-2024-final-three_public", want: all(200)}},
	"GET /api/v1/datasets/:id/diff": {{what: "releases 1→3", path: "/api/v1/datasets/431081-2024-final-three_public/diff?from=1&to=3", want: all(200)}},
	"GET /api/v1/changes":           {{what: "the change log", path: "/api/v1/changes", want: all(200)}},
	"GET /api/v1/regions":           {{what: "the regions", path: "/api/v1/regions", want: all(200)}},
	"GET /api/v1/regions/:code/departments": {
		{what: "a region's departments", path: "/api/v1/regions/431081/departments", want: all(200)},
		{what: "a region nothing of which is published", path: "/api/v1/regions/999999/departments", want: all(404)},
	},
	"GET /feeds/changes.atom":      {{what: "the Atom feed", path: "/feeds/changes.atom", want: all(200)}},
	"GET /api/v1/three-public":     {{what: "the 三公 feed", path: "/api/v1/three-public?region=431081", want: all(200)}},
	"GET /api/v1/three-public.csv": {{what: "the 三公 feed as CSV", path: "/api/v1/three-public.csv", want: all(200)}},
	"GET /api/v1/line-items":       {{what: "the line-item feed", path: "/api/v1/line-items", want: all(200)}},
	"GET /api/v1/line-items.csv":   {{what: "the line-item feed as CSV", path: "/api/v1/line-items.csv", want: all(200)}},
	"GET /api/v1/datasets/:id/releases/:n/:file": {
		{what: "release 1's CSV", path: "/api/v1/datasets/431081-2024-final-three_public/releases/1/data.csv", want: all(200)},
		{what: "release 3's XLSX", path: "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.xlsx", want: all(200)},
	},
	"GET /api/v1/datasets/:id/latest/:file": {{what: "the latest JSON", path: "/api/v1/datasets/431081-2025-budget-line_items/latest/data.json", want: all(302)}},
	"GET /api/v1/charts/three-public/:chart": {
		{what: "the ranking", path: "/api/v1/charts/three-public/ranking?region=431081&year=2024&phase=final", want: all(200)},
		{what: "a trend as SVG", path: "/api/v1/charts/three-public/trend.svg?region=431081&dept=001", want: all(200)},
		{what: "a draft-only department's trend", path: "/api/v1/charts/three-public/trend.csv?region=431081&dept=096", want: all(404)},
	},
	"GET /embed/three-public/:chart": {{what: "an embedded chart", path: "/embed/three-public/composition?region=431081&year=2024&phase=final", want: all(200)}},
	"GET /embed/embed.css":           {{what: "the embeds' style", path: "/embed/embed.css", want: all(200)}},
	"GET /api/v1/bulk/:file":         {{what: "a region-year ZIP", path: "/api/v1/bulk/431081-2024.zip", want: all(200)}},
	"GET /catalog.jsonld":            {{what: "DCAT-AP", path: "/catalog.jsonld", want: all(200)}},
	"GET /data.json":                 {{what: "DCAT-US", path: "/data.json", want: all(200)}},
	"GET /openapi.json":              {{what: "the OpenAPI document", path: "/openapi.json", want: all(200)}},
	"GET /static/*file":              {{what: "the style sheet", path: "/static/site.css", want: all(200)}},

	"GET /":                    {{what: "home", path: "/", want: all(200)}},
	"GET /regions/:code/:year": {{what: "a region's year", path: "/regions/431081/2024", want: all(200)}},
	"GET /regions/:code/departments/:dept": {
		{what: "a published department", path: "/regions/431081/departments/001", want: all(200)},
		{what: "a draft-only department", path: "/regions/431081/departments/096", want: all(404)},
	},
	"GET /datasets": {{what: "the datasets page", path: "/datasets", want: all(200)}},
	"GET /datasets/:id": {
		{what: "a dataset's page", path: "/datasets/431081-2024-final-three_public", want: all(200)},
		{what: "a dataset nobody published", path: "/datasets/431081-2024-budget-three_public", want: all(404)},
	},
	"GET /datasets/:id/releases/:n": {
		{what: "release 3's page", path: "/datasets/431081-2024-final-three_public/releases/3", want: all(200)},
		{what: "a release not made yet", path: "/datasets/431081-2024-final-three_public/releases/9", want: all(404)},
	},
	"GET /datasets/:id/diff": {{what: "releases 1→3 as a page", path: "/datasets/431081-2024-final-three_public/diff?from=1&to=3", want: all(200)}},
	"GET /filings/:id": {
		{what: "a published filing's page", path: "/filings/{published}", want: all(301)},
		{what: "a draft-only department's draft", path: "/filings/{draft}", want: all(404)},
		{what: "a published department's draft (001 v3)", path: "/filings/{leakDraft}", want: all(404)},
	},
	"GET /regions/:code/departments/:dept/:year/:phase/:version": {
		{what: "a published version", path: "/regions/431081/departments/001/2024/final/v2", want: all(200)},
		{what: "the version it superseded", path: "/regions/431081/departments/001/2024/final/v1", want: all(200)},
		{what: "a published department's draft (001 v3)", path: "/regions/431081/departments/001/2024/final/v3", want: all(404)},
		{what: "a draft-only department's draft", path: "/regions/431081/departments/096/2024/final/v1", want: all(404)},
	},
	"GET /changes": {{what: "the changes page", path: "/changes", want: all(200)}},
	"GET /rules":   {{what: "the rules page", path: "/rules", want: all(200)}},
	// The search answers everyone alike; a draft's names find nothing: the leak test below reads these pages
	// too, so they ask for part of a name (the page repeats the query, which is not a leak).
	"GET /search": {
		{what: "the search", path: "/search?q=资兴", want: all(200)},
		{what: "a search for a draft's names", path: "/search?q=草稿改名", want: all(200)},
		{what: "a search for a draft-only department", path: "/search?q=仅草稿秘密", want: all(200)},
		{what: "a search for a draft-only department's code", path: "/search?q=09", want: all(200)},
	},

	// The disclosure scoreboard's page.
	"GET /scoreboard": {{what: "the scoreboard page", path: "/scoreboard?region=431081&year=2024&phase=final", want: all(200)}},

	// The desk: the sign-in page or the desk itself, 200 either way.
	"GET /desk": {{what: "the desk", path: "/desk", want: all(200)}},
	// Only a form the sign-in page issued (its own form token, in a cookie and the form) signs in.
	"POST /desk/login": {{what: "sign-in without the sign-in page's form token", path: "/desk/login",
		body: &matrixBody{form: url.Values{"token": {"{admin}"}}}, want: all(403)}},
	// The uploaders of 002 and of all 431081 may upload 002's file; the second and third sending are its duplicates.
	"POST /desk/upload": {{what: "an upload (002's 2025 budget line items)", path: "/desk/upload",
		body: &matrixBody{upload: "line_items_gbk_tab.csv"},
		want: statuses{401, 401, 401, 403, 200, 200, 401, 403, 401, 200}}},
	// Confirming a pending upload's filing fields: only the session that kept it can name it (another's id, or
	// one used or expired, is 404 like this one that was never issued); no file is kept here.
	"POST /desk/upload/confirm": {{what: "a pending upload never kept", path: "/desk/upload/confirm",
		body: &matrixBody{form: url.Values{"pending": {strings.Repeat("A", 43)}, "region_code": {"431081"}}},
		want: statuses{401, 401, 401, 404, 404, 404, 401, 403, 401, 404}}},
	// "Open filing number" only redirects to the filing's page, which decides.
	"GET /desk/open": {{what: "open a draft by number", path: "/desk/open?id={draft}", want: all(303)}},
	"GET /desk/filings/:id": {{what: "a draft-only department's draft", path: "/desk/filings/{draft}",
		want: statuses{303, 303, 303, 404, 404, 200, 303, 200, 303, 200}}},
	// The review view of a filing with no figure from a PDF says so; it has no page to render.
	"GET /desk/filings/:id/review": {{what: "a draft-only department's draft", path: "/desk/filings/{draft}/review",
		want: statuses{303, 303, 303, 404, 404, 200, 303, 200, 303, 200}}},
	"GET /desk/filings/:id/pages/:page": {{what: "a page of a draft read from no PDF", path: "/desk/filings/{draft}/pages/1.png",
		want: statuses{303, 303, 303, 404, 404, 404, 303, 404, 303, 404}}},
	// Correcting a figure from the review view: whoever may write the draft (096's 合计, typed as it is: nothing changes).
	"POST /desk/filings/:id/figures": {{what: "a draft's 三公 合计", path: "/desk/filings/{draft}/figures",
		body: &matrixBody{form: url.Values{"table": {"three_public"}, "col": {"total"}, "amount": {"246813.57"}}},
		want: statuses{401, 401, 401, 404, 404, 303, 401, 403, 401, 303}}},
	// Marking a page as checked: only a page the draft's figures were read from (096's come from a CSV: none).
	"POST /desk/filings/:id/confirm": {{what: "a page of a draft read from no PDF", path: "/desk/filings/{draft}/confirm",
		body: &matrixBody{form: url.Values{"page": {"1"}}},
		want: statuses{401, 401, 401, 404, 404, 404, 401, 403, 401, 404}}},
	"POST /desk/filings/:id/publish": {{what: "a draft (098)", path: "/desk/filings/{draftDesk}/publish",
		body: &matrixBody{form: url.Values{"note": {"矩阵：上传台公开"}}},
		want: statuses{401, 401, 401, 404, 404, 403, 401, 403, 401, 303}}},
	"POST /desk/filings/:id/withdraw": {{what: "a published filing (001's 2025 budget)", path: "/desk/filings/{withdrawDesk}/withdraw",
		body: &matrixBody{form: url.Values{"note": {"矩阵：上传台撤回"}}},
		want: statuses{401, 401, 401, 403, 403, 403, 401, 403, 401, 303}}},
	// Review: whoever may write a draft's department submits it (the admin's desk submits it again); the queue
	// lists a scope's submitted drafts to its uploaders and admins; only an admin publishes from it (095,
	// submitted just before: the desk routes run in name order).
	"POST /desk/filings/:id/submit": {{what: "a clean draft (095)", path: "/desk/filings/{draftQueue}/submit",
		body: &matrixBody{form: url.Values{}},
		want: statuses{401, 401, 401, 404, 404, 303, 401, 403, 401, 303}}},
	"GET /desk/queue": {{what: "the review queue", path: "/desk/queue",
		want: statuses{303, 303, 303, 200, 200, 200, 303, 200, 303, 200}}},
	"POST /desk/queue/publish": {{what: "the queued draft 095", path: "/desk/queue/publish",
		body: &matrixBody{form: url.Values{"id": {"{draftQueue}"}, "note": {"矩阵：审核队列公开"}}},
		want: statuses{401, 401, 401, 404, 404, 403, 401, 403, 401, 303}}},
	// Discarding: whoever may write the department, after a confirmation page; the in-scope uploader
	// discards 099 first, so the admin's desk (the positive control, later) finds it gone.
	"GET /desk/filings/:id/discard": {{what: "the confirmation for a draft (099)", path: "/desk/filings/{draftDiscard}/discard",
		want: statuses{303, 303, 303, 404, 404, 200, 303, 200, 303, 200}}},
	"POST /desk/filings/:id/discard": {{what: "a draft (099)", path: "/desk/filings/{draftDiscard}/discard",
		body: &matrixBody{form: url.Values{}},
		want: statuses{401, 401, 401, 404, 404, 303, 401, 403, 401, 404}}},
	"POST /desk/logout": {{what: "sign out", path: "/desk/logout", body: &matrixBody{form: url.Values{}},
		want: statuses{401, 401, 401, 303, 303, 303, 401, 403, 401, 303}}},
}

// The authorisation matrix: every route the router serves × every kind of
// caller, against the one table above.
func TestAuthzMatrix_EveryRouteEveryCaller(t *testing.T) {
	storetest.Each(t, authzMatrixOn)
}

func authzMatrixOn(t *testing.T, s *store.Store) {
	fx := newAuthzFixture(t, s)
	routes := handlers.Routes(fx.deps)
	served := map[string]bool{}
	var keys []string
	for _, r := range routes {
		k := r.Method + " " + r.Path
		served[k] = true
		if _, ok := authzMatrix[k]; !ok {
			t.Errorf("%s has no entry in authzMatrix: say what every kind of caller gets there", k)
			continue
		}
		keys = append(keys, k)
	}
	for k := range authzMatrix {
		if !served[k] {
			t.Errorf("authzMatrix names %s, which the router does not serve", k)
		}
	}
	// Reads first, then writes; signing out ends the positive control's session, so it comes last.
	rank := func(k string) int {
		switch {
		case k == "POST /desk/logout":
			return 2
		case strings.HasPrefix(k, "POST "):
			return 1
		}
		return 0
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if rank(keys[i]) != rank(keys[j]) {
			return rank(keys[i]) < rank(keys[j])
		}
		return keys[i] < keys[j]
	})

	cells, failures := 0, 0
	for _, k := range keys {
		method := strings.Fields(k)[0]
		for _, mc := range authzMatrix[k] {
			for c := caller(0); c < callerCount; c++ {
				b := mc.body
				if b != nil && b.form != nil && b.form.Get("token") == "{admin}" {
					b = &matrixBody{form: url.Values{"token": {fx.admin}}}
				}
				w := fx.do(t, c, fx.request(t, c, method, fx.path(mc.path), b))
				cells++
				if w.Code != mc.want[c] {
					failures++
					t.Errorf("%s (%s) as %s: %d, want %d: %.300s", k, mc.what, c, w.Code, mc.want[c], w.Body)
				}
				// A desk page answers an expired session with the sign-in form, never with the desk.
				if c == deskExpired && method == "GET" && strings.Contains(w.Body.String(), "已登录") {
					t.Errorf("%s as %s shows a signed-in desk", k, c)
				}
			}
		}
	}
	t.Logf("authorisation matrix: %d routes × %d callers, %d requests (%d cases), %d unexpected", len(keys), callerCount, cells, cells/int(callerCount), failures)

	// The allowed writes happened, exactly once each; the refused ones left nothing.
	ctx := context.Background()
	status := func(id string) models.Status {
		f, err := fx.s.Filing(ctx, mustID(t, fx.ids[id]))
		if err != nil {
			t.Fatal(err)
		}
		return f.Status
	}
	if _, err := fx.s.Filing(ctx, mustID(t, fx.ids["{draftDiscard}"])); models.ErrorCode(err) != models.ENOTFOUND {
		t.Errorf("the discarded draft after the matrix: %v", err)
	}
	for id, want := range map[string]models.Status{"{draftAPI}": models.StatusPublished, "{draftDesk}": models.StatusPublished,
		"{draftQueue}":  models.StatusPublished,
		"{withdrawAPI}": models.StatusWithdrawn, "{withdrawDesk}": models.StatusWithdrawn, "{draft}": models.StatusDraft} {
		if got := status(id); got != want {
			t.Errorf("%s after the matrix: %s, want %s", id, got, want)
		}
	}
	// Uploads: the fixture's five, then the matrix's admin, in-scope uploader and desk: three.
	drafts, err := fx.s.Filings(ctx, store.FilingFilter{Region: "431081", Statuses: []models.Status{models.StatusDraft}, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range drafts {
		got[fmt.Sprintf("%s %d %s", f.DeptCode, f.FiscalYear, f.Phase)] = true
	}
	for _, want := range []string{"001 2024 final", "096 2024 final", "003 2025 budget", "002 2025 budget", "001 2025 budget"} {
		if !got[want] {
			t.Errorf("no draft %s after the matrix: %v", want, got)
		}
	}
	if len(got) != 5 {
		t.Errorf("drafts after the matrix: %v, want exactly 5 (a refused upload stores nothing)", got)
	}
}

// Nothing unpublished reaches the public: the drafts' figures (987,654.32 元
// in a draft of a published department, 246,813.57 元 in a department that
// exists only in a draft) and the names they give are searched, in every form
// the service prints amounts and names, in every public answer — each public
// GET route with real parameters, every release file of every release, the
// bulk ZIPs and XLSX files unpacked, and every link of the service's those
// answers lead to — fetched anonymously, and the API's with an out-of-scope uploader's token.
func TestAuthz_DraftFiguresReachNoPublicAnswer(t *testing.T) {
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	fx := newAuthzFixture(t, storetest.SQLite(t))
	var needles []needle
	for _, y := range []string{"987654.32", "587654.32", "246813.57", "146813.57"} {
		needles = append(needles, amountForms(y)...)
	}
	for _, n := range []string{"草稿改名财政局", "仅草稿秘密部门", "草稿改名市"} {
		needles = append(needles, nameForms(n)...)
	}
	needles = append(needles, needle{what: "department code 096", re: regexp.MustCompile(`"096"|,096,|departments/096|dept=096|>096<|\t096\t`)})

	// The needles find what they look for: the draft's figures, as its own uploader reads them.
	own := serveReq(fx.h, fx.request(t, inScope, "GET", "/api/v1/filings/"+itoa(fx.leakDraft), nil))
	for _, n := range needles[:1] {
		if n.find(own.Body.Bytes()) == nil {
			t.Fatalf("the draft's own uploader does not see %s: %s", n.what, own.Body)
		}
	}

	seeds := []string{
		"/api/v1/three-public?region=431081&dept=001", "/api/v1/three-public?region=431081&dept=096",
		"/api/v1/three-public?region=431081&year=2024&phase=final&unit=万元", "/api/v1/three-public.csv?encoding=gb18030&headers=zh",
		"/api/v1/three-public.csv?unit=万元&bom=1", "/api/v1/line-items?region=431081&dept=001&year=2024",
		"/api/v1/line-items.csv?region=431081&encoding=gb18030", "/api/v1/line-items?dept=096",
		"/api/v1/changes?region=431081", "/api/v1/datasets?region=431081", "/api/v1/datasets/431081-2024-final-three_public/diff?from=2&to=3",
		"/api/v1/bulk/431081-2024.zip", "/api/v1/bulk/431081-2025.zip",
		"/regions/431081/2024", "/regions/431081/2025", "/regions/431081/departments/002", "/regions/431081/departments/096",
	}
	for _, kind := range []string{"trend", "composition", "ranking", "budget-vs-final"} {
		for _, ext := range []string{"", ".svg", ".csv"} {
			for _, q := range []string{"region=431081&year=2024&phase=final&dept=001", "region=431081&year=2024&phase=final&dept=096",
				"region=431081&year=2024&phase=budget&dept=001", "region=431081&year=2025&phase=budget&dept=002"} {
				seeds = append(seeds, "/api/v1/charts/three-public/"+kind+ext+"?"+q, "/embed/three-public/"+kind+"?"+q)
			}
		}
	}
	cat := decode[struct {
		Data []struct {
			ID      string `json:"id"`
			Release int    `json:"release"`
		} `json:"data"`
	}](t, serveReq(fx.h, fx.request(t, noToken, "GET", "/api/v1/datasets?limit=1000", nil)))
	if len(cat.Data) < 2 {
		t.Fatalf("the catalogue lists %d datasets", len(cat.Data))
	}
	for _, d := range cat.Data {
		for n := 1; n <= d.Release; n++ {
			for _, f := range exports.ReleaseFiles {
				seeds = append(seeds, "/api/v1/datasets/"+d.ID+"/releases/"+strconv.Itoa(n)+"/"+f.Name)
			}
			seeds = append(seeds, "/api/v1/datasets/"+d.ID+"/releases/"+strconv.Itoa(n)+"/data.csv?encoding=gb18030&unit=万元")
		}
	}
	every, err := fx.s.Filings(context.Background(), store.FilingFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= every[len(every)-1].ID+1; id++ { // every filing, and one that does not exist
		seeds = append(seeds, "/api/v1/filings/"+itoa(id), "/api/v1/filings/"+itoa(id)+"/report")
	}
	for k, cases := range authzMatrix {
		if !strings.HasPrefix(k, "GET ") || strings.HasPrefix(k, "GET /desk") || k == "GET /metrics" {
			continue
		}
		for _, mc := range cases {
			seeds = append(seeds, fx.path(mc.path))
		}
	}
	for i, s := range seeds {
		seeds[i] = strings.ReplaceAll(s, "万元", url.QueryEscape("万元"))
	}

	leaks, fetched, parts := 0, 0, 0
	published := map[string]bool{} // the route kinds in which the published department's name was found: the search sees them
	for _, who := range []caller{noToken, otherRegion} {
		hdr := map[string]string{}
		if tok := fx.tokens[who]; tok != "" {
			hdr["Authorization"] = tok
		}
		// A token is read on the API's routes only; the rest answer everyone alike whatever they send.
		var keep func(string) bool
		if who != noToken {
			keep = func(u string) bool { return strings.HasPrefix(u, "/api/") }
		}
		answers := crawl(t, fx.h, seeds, 5000, hdr, keep)
		fetched += len(answers)
		byStatus := map[int]int{}
		for _, a := range answers {
			byStatus[a.status]++
			if a.status >= 500 {
				t.Errorf("%s as %s: %d", a.url, who, a.status)
			}
			for name, b := range a.parts {
				parts++
				for _, n := range needles {
					if loc := n.find(b); loc != nil {
						leaks++
						from, to := max(loc[0]-80, 0), min(loc[1]+80, len(b))
						t.Errorf("LEAK: %s (%s) as %s: %s found: …%s…", a.url, name, who, n.what, b[from:to])
					}
				}
				if bytes.Contains(b, []byte("资兴市财政局")) {
					published[routeKind(a.url, name)] = true
				}
			}
		}
		t.Logf("as %s: %d answers by status %v", who, len(answers), byStatus)
		if byStatus[200] < len(answers)*2/3 {
			t.Errorf("as %s only %d of %d answers are 200: the seeds no longer reach the data", who, byStatus[200], len(answers))
		}
	}
	// The search reached every kind of public answer that carries a department's name.
	for _, kind := range []string{"feed json", "feed csv", "atom", "bulk member", "release csv", "release xlsx member",
		"release json", "chart json", "chart svg", "chart csv", "embed", "page", "filing"} {
		if !published[kind] {
			t.Errorf("the published department's name was found in no %s: the search does not reach it (%v)", kind, published)
		}
	}
	// And it would see a leak: once the drafts are published, the same crawl finds their figures and names.
	fx.publish(t, fx.leakDraft, "矩阵：更正")
	fx.publish(t, fx.draftOnlyDpt, "")
	found := map[string]int{}
	for _, a := range crawl(t, fx.h, seeds, 5000, nil, nil) {
		for _, b := range a.parts {
			for _, n := range needles {
				if n.find(b) != nil {
					found[n.what]++
				}
			}
		}
	}
	for _, want := range []string{"987654.32", "98.77", "98.765432", "246813.57", "24.68",
		"草稿改名财政局", "草稿改名财政局 (GB18030)", "仅草稿秘密部门", "草稿改名市", "department code 096"} {
		if found[want] == 0 {
			t.Errorf("after publication, %s is found nowhere: the search would miss it (%v)", want, found)
		}
	}
	t.Logf("after publishing the drafts, the same search finds: %v", found)
	t.Logf("leak search: %d answers fetched (%d bodies and archive members) as the public and as an out-of-scope uploader; %d needles; %d leaks",
		fetched, parts, len(needles), leaks)
}

// routeKind names the kind of public answer a URL is, for the coverage check.
func routeKind(u, part string) string {
	member := part != ""
	switch {
	case strings.HasPrefix(u, "/api/v1/three-public.csv"), strings.HasPrefix(u, "/api/v1/line-items.csv"):
		return "feed csv"
	case strings.HasPrefix(u, "/api/v1/three-public"), strings.HasPrefix(u, "/api/v1/line-items"):
		return "feed json"
	case strings.HasPrefix(u, "/feeds/"):
		return "atom"
	case strings.HasPrefix(u, "/api/v1/bulk/") && member:
		return "bulk member"
	case strings.Contains(u, "/releases/") && strings.Contains(u, ".xlsx") && member:
		return "release xlsx member"
	case strings.Contains(u, "/releases/") && strings.Contains(u, "/data.csv"):
		return "release csv"
	case strings.Contains(u, "/releases/") && strings.Contains(u, ".json"):
		return "release json"
	case strings.HasPrefix(u, "/api/v1/charts/"):
		p, _, _ := strings.Cut(u, "?")
		switch {
		case strings.HasSuffix(p, ".svg"):
			return "chart svg"
		case strings.HasSuffix(p, ".csv"):
			return "chart csv"
		}
		return "chart json"
	case strings.HasPrefix(u, "/embed/"):
		return "embed"
	case strings.HasPrefix(u, "/api/v1/filings/"):
		return "filing"
	case strings.HasPrefix(u, "/api/"), strings.HasPrefix(u, "/catalog"), strings.HasPrefix(u, "/data.json"):
		return "other api"
	}
	return "page"
}
