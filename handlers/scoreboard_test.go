package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"sunshine/handlers"
	"sunshine/models"
	"sunshine/scoreboard"
	"sunshine/store/storetest"
)

func (w *webSite) send(t *testing.T, method, path, token, body string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, "http://localhost:8080"+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec
}

// TestScoreboard_DemoCity reads the demo city's 2025 budget scoreboard as the
// demo loads it (published on the test clock's day, 2026-03-15; the city
// approved 12 days before, three departments earlier), through the JSON, the
// CSV, the page and the embed, and checks the HTTP manners of a public feed.
func TestScoreboard_DemoCity(t *testing.T) {
	w := newWebSite(t, storetest.SQLite(t))
	loadDemo(t, w)
	_, router := loadSpec(t)
	validate := func(req *http.Request, rec *httptest.ResponseRecorder) {
		t.Helper()
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes()))}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s %s → %d does not match docs/openapi.yaml: %v", req.Method, req.URL, rec.Code, err)
		}
	}
	get := func(path string, hdr map[string]string) *httptest.ResponseRecorder {
		t.Helper()
		rec := w.send(t, "GET", path, "", "", hdr)
		if strings.HasPrefix(path, "/api/") {
			validate(httptest.NewRequest("GET", "http://localhost:8080"+path, nil), rec)
		}
		return rec
	}

	const q = "/api/v1/scoreboard?region=990101&year=2025&phase=budget"
	rec := get(q, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("scoreboard: %d %s", rec.Code, rec.Body)
	}
	var b scoreboard.Board
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	if b.RegionName != "阳光市（演示数据）" || b.ListYear != 2021 || b.RegionApproved == nil || *b.RegionApproved != "2026-03-03" ||
		b.AsOf != "2026-03-15" || len(b.Departments) != 40 {
		t.Fatalf("board: %s %d %v %s %d", b.RegionName, b.ListYear, b.RegionApproved, b.AsOf, len(b.Departments))
	}
	byCode := map[string]scoreboard.Department{}
	for _, d := range b.Departments {
		byCode[d.DeptCode] = d
	}
	for code, days := range map[string]int{"009": 26, "017": 33, "030": 41} {
		if d := byCode[code]; d.Timeliness != scoreboard.Late || d.Days == nil || *d.Days != days || !d.ApprovalOwn {
			t.Errorf("%s: %s %v; want late after %d days", code, d.Timeliness, d.Days, days)
		}
	}
	if d := byCode["004"]; d.Disclosed || d.Completeness != scoreboard.Missing || d.Timeliness != scoreboard.Overdue || *d.Days != 30 {
		t.Errorf("004 (its draft keeps an error): %+v", d)
	}
	if d := byCode["036"]; !d.Disclosed || d.Completeness != scoreboard.Incomplete || d.TablesMissing != 1 ||
		d.Tables[8].Table != models.TableStateCapitalExpenditure || d.Tables[8].State != scoreboard.TableMissing || d.OpenWarnings == 0 {
		t.Errorf("036 (no 国有资本经营预算支出表): %+v", d)
	}
	if d := byCode["001"]; d.Timeliness != scoreboard.OnTime || *d.Days != 12 || d.TablesPresent != 7 || d.TablesEmpty != 2 ||
		d.Completeness != scoreboard.Complete || *d.PublishedOn != "2026-03-15" || d.FilingID == 0 {
		t.Errorf("001: %+v", d)
	}
	s := b.Summary
	if s.Departments != 40 || s.Disclosed != 39 || s.Complete != 38 || s.Incomplete != 1 || s.Missing != 1 ||
		s.OnTime != 36 || s.Late != 3 || s.Overdue != 1 || s.Completeness != "95.0" || s.Timeliness != "90.0" {
		t.Errorf("summary: %+v", s)
	}

	// The CSV: one row per department, the same numbers.
	rec = get("/api/v1/scoreboard.csv?region=990101&year=2025&phase=budget&sort=-days", nil)
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || rec.Code != http.StatusOK || len(rows) != 41 || strings.Join(rows[0], ",") != strings.Join(handlers.ScoreboardCSVHeader, ",") {
		t.Fatalf("CSV: %d %v %d rows", rec.Code, err, len(rows))
	}
	if got := rows[1][4] + rows[2][4] + rows[3][4] + rows[4][4]; got != "030017004009" {
		t.Errorf("CSV sorted by days, most first: %s", got)
	}
	if !strings.Contains(rec.Header().Get("Content-Disposition"), "scoreboard-990101-2025-budget.csv") {
		t.Errorf("Content-Disposition: %q", rec.Header().Get("Content-Disposition"))
	}

	// The ranking: the demo city alone, first.
	rec = get("/api/v1/scoreboard?year=2025&phase=budget", nil)
	var ranking handlers.ScoreboardRanking
	if err := json.Unmarshal(rec.Body.Bytes(), &ranking); err != nil || len(ranking.Regions) != 1 || ranking.Regions[0].Rank != 1 ||
		ranking.Regions[0].Summary.Completeness != "95.0" {
		t.Fatalf("ranking: %s %v", rec.Body, err)
	}

	// HTTP manners: an ETag that a repeat matches (304), HEAD, 400 on an unknown parameter.
	etag := get(q, nil).Header().Get("ETag")
	if etag == "" || get(q, map[string]string{"If-None-Match": etag}).Code != http.StatusNotModified {
		t.Fatalf("ETag %q not honoured", etag)
	}
	if rec := w.send(t, "HEAD", q, "", "", nil); rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
		t.Errorf("HEAD: %d %d bytes, ETag %q", rec.Code, rec.Body.Len(), rec.Header().Get("ETag"))
	}
	// An unknown parameter is 400 as on every feed; a bad value of a known one 422 (EINVALID), naming it.
	for bad, want := range map[string]int{q + "&regoin=1": http.StatusBadRequest, "/api/v1/scoreboard?phase=adjusted": http.StatusUnprocessableEntity,
		"/api/v1/scoreboard?year=20x5": http.StatusUnprocessableEntity, q + "&sort=size": http.StatusUnprocessableEntity,
		"/api/v1/scoreboard?region=9901": http.StatusUnprocessableEntity} {
		if rec := get(bad, nil); rec.Code != want || !strings.Contains(rec.Body.String(), "参数") {
			t.Errorf("%s: %d %s", bad, rec.Code, rec.Body)
		}
	}

	// At midnight in China the day changes and, with it, an unpublished department's days: a new ETag.
	clock := w.s.Now
	w.s.Now = func() time.Time { return clock().Add(16 * time.Hour) } // 2026-03-16 01:30 in China
	rec = get(q, map[string]string{"If-None-Match": etag})
	var next scoreboard.Board
	if err := json.Unmarshal(rec.Body.Bytes(), &next); rec.Code != http.StatusOK || err != nil || next.AsOf != "2026-03-16" {
		t.Fatalf("the next day: %d %v %s", rec.Code, err, next.AsOf)
	}
	for _, d := range next.Departments {
		if d.DeptCode == "004" && (d.Days == nil || *d.Days != 31) {
			t.Errorf("004 the next day: %v days", d.Days)
		}
		if d.DeptCode == "001" && *d.Days != 12 {
			t.Errorf("001's days moved with the clock: %d", *d.Days)
		}
	}
	w.s.Now = clock

	// The admin's entries: tokens checked, a bad date named, and a good one moves the ETag.
	admin := makeToken(t, w.s, models.Token{Name: "财政局管理员", Role: models.RoleAdmin})
	uploader := makeToken(t, w.s, models.Token{Name: "上传员", Role: models.RoleUploader, RegionCode: "990101"})
	body := `{"approvals": [{"region_code": "990101", "fiscal_year": 2025, "phase": "budget", "dept_code": "001", "approved_on": "2026-02-01"}]}`
	for token, want := range map[string]int{"": http.StatusUnauthorized, uploader: http.StatusForbidden, "wrong": http.StatusUnauthorized} {
		if rec := w.send(t, "PUT", "/api/v1/scoreboard/approvals", token, body, nil); rec.Code != want {
			t.Errorf("PUT approvals with %q: %d, want %d", token, rec.Code, want)
		}
	}
	rec = w.send(t, "PUT", "/api/v1/scoreboard/approvals", admin,
		`{"approvals": [{"region_code": "990101", "fiscal_year": 2025, "phase": "budget", "approved_on": "2026-02-30"}]}`, nil)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "第 1 条批复日期：批复日期“2026-02-30”无效") {
		t.Errorf("bad date: %d %s", rec.Code, rec.Body)
	}
	rec = w.send(t, "PUT", "/api/v1/scoreboard/approvals", admin, `{"approvals": [], "extra": 1}`, nil)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "extra") {
		t.Errorf("unknown member: %d %s", rec.Code, rec.Body)
	}
	if rec := w.send(t, "PUT", "/api/v1/scoreboard/approvals", admin, body, nil); rec.Code != http.StatusOK {
		t.Fatalf("PUT approvals: %d %s", rec.Code, rec.Body)
	}
	if rec := get(q, map[string]string{"If-None-Match": etag}); rec.Code != http.StatusOK {
		t.Fatalf("after a new approval date the old ETag still matches: %d", rec.Code)
	}
	if err := json.Unmarshal(get(q, nil).Body.Bytes(), &b); err != nil || b.Departments[0].Timeliness != scoreboard.Late || *b.Departments[0].Days != 42 {
		t.Fatalf("001 after its own date 2026-02-01: %+v %v", b.Departments[0], err)
	}

	// A department list for 2025: one department fewer, one new that has not disclosed.
	list := `{"departments": [{"dept_code": "001", "dept_name": "中共阳光市委办公室"}, {"dept_code": "041", "dept_name": "阳光市数据局"}]}`
	if rec := w.send(t, "PUT", "/api/v1/regions/990101/years/2025/departments", uploader, list, nil); rec.Code != http.StatusForbidden {
		t.Errorf("uploader PUT list: %d", rec.Code)
	}
	rec = w.send(t, "PUT", "/api/v1/regions/990101/years/2025/departments", admin, `{"departments": [{"dept_code": "001", "dept_name": ""}]}`, nil)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "部门名单第 1 个部门") {
		t.Errorf("bad list: %d %s", rec.Code, rec.Body)
	}
	if rec := w.send(t, "PUT", "/api/v1/regions/990101/years/2025/departments", admin, list, nil); rec.Code != http.StatusOK ||
		!strings.Contains(rec.Body.String(), `"list_year":2025`) {
		t.Fatalf("PUT list: %d %s", rec.Code, rec.Body)
	}
	if err := json.Unmarshal(get(q, nil).Body.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	// 001 and 041 from the list, then the 38 that disclosed without being on it.
	if b.ListYear != 2025 || len(b.Departments) != 40 || b.Departments[1].DeptCode != "041" || b.Departments[1].Disclosed ||
		b.Departments[2].Listed || b.Summary.Missing != 1 {
		t.Fatalf("after the 2025 list: year %d, %d departments, %+v", b.ListYear, len(b.Departments), b.Departments[:3])
	}
}

// TestScoreboard_PageAndEmbed renders the page (sortable by links, no
// script), the ranking and the embed.
func TestScoreboard_PageAndEmbed(t *testing.T) {
	w := newWebSite(t, storetest.SQLite(t))
	loadDemo(t, w)
	rec := w.get(t, "/scoreboard?region=990101&year=2025&phase=budget&sort=-days")
	if rec.Code != http.StatusOK {
		t.Fatalf("page: %d %s", rec.Code, rec.Body)
	}
	assertSelfContained(t, "/scoreboard", rec, "example.com")
	body := rec.Body.String()
	order := regexp.MustCompile(`<tr id="dept-(\d+)">`).FindAllStringSubmatch(body, 5)
	if len(order) < 4 || order[0][1]+order[1][1]+order[2][1]+order[3][1] != "030017004009" {
		t.Errorf("sorted by days, most first: %v", order)
	}
	for _, want := range []string{"阳光市（演示数据） 2025 年部门预算公开评分", "逾期未公开", "缺：《国有资本经营预算支出表》",
		`aria-sort="descending"`, `href="/scoreboard?phase=budget&amp;region=990101&amp;sort=days&amp;year=2025#board"`,
		"完整率 <strong>95.0%</strong>", "<svg", "/embed/scoreboard?phase=budget&amp;region=990101&amp;year=2025"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	rec = w.get(t, "/scoreboard")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "2025 年部门预算公开评分：各地排名") ||
		!strings.Contains(rec.Body.String(), `href="/scoreboard?region=990101&amp;year=2025&amp;phase=budget"`) {
		t.Errorf("ranking page: %d", rec.Code)
	}
	if rec := w.get(t, "/scoreboard?region=123456"); rec.Code != http.StatusNotFound {
		t.Errorf("a region with nothing: %d", rec.Code)
	}
	rec = w.get(t, "/embed/scoreboard?region=990101&year=2025&phase=budget")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors *") ||
		!strings.Contains(rec.Body.String(), "完整率 95.0%") || rec.Header().Get("ETag") == "" {
		t.Errorf("embed: %d %v", rec.Code, rec.Header())
	}
	if rec := w.get(t, "/embed/scoreboard?year=2025"); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("embed without a region: %d", rec.Code)
	}
}
