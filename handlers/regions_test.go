package handlers_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"sunshine/handlers"
	"sunshine/store"
	"sunshine/store/storetest"
)

// draftNames upload a draft renaming 431081's region and department 001, a
// department (096) and a region (110101) that exist only in drafts.
const draftNames = "区划代码,区划名称,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n" +
	"431081,草稿改名市,001,草稿改名财政局,2025,预算,万元,1.00,0,0,0.50,0.50\n" +
	"431081,草稿改名市,096,仅草稿秘密部门,2025,预算,万元,1.00,0,0,0.50,0.50\n" +
	"110101,仅草稿区,001,仅草稿区财政局,2025,预算,万元,1.00,0,0,0.50,0.50\n"

type regionList struct {
	Data []handlers.RegionEntry `json:"data"`
	Next *string                `json:"next"`
}

type deptList struct {
	Region handlers.RegionRef         `json:"region"`
	Data   []handlers.DepartmentEntry `json:"data"`
	Next   *string                    `json:"next"`
}

func TestRegions_ListPublishedNamesCountsAndConditional(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		publishedFixture(t, a)
		uw := a.upload(t, a.admin, "草稿.csv", []byte(draftNames), "")
		if uw.Code != 201 {
			t.Fatalf("draft upload: %d %s", uw.Code, uw.Body)
		}
		secret := []string{"草稿", "仅草稿", "096", "110101"}
		noSecret := func(what string, w *httptest.ResponseRecorder) {
			t.Helper()
			for _, n := range secret {
				if strings.Contains(w.Body.String(), n) {
					t.Errorf("%s shows a draft's %q: %s", what, n, w.Body)
				}
			}
		}

		w := a.get(t, "/api/v1/regions")
		if w.Code != 200 || w.Header().Get("ETag") == "" || w.Header().Get("Access-Control-Allow-Origin") != "*" ||
			w.Header().Get("Cache-Control") != "no-cache" || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("regions: %d %v %s", w.Code, w.Header(), w.Body)
		}
		noSecret("the region list", w)
		rs := decode[regionList](t, w)
		if len(rs.Data) != 1 || rs.Next != nil {
			t.Fatalf("regions: %s", w.Body)
		}
		r := rs.Data[0]
		if r.Code != "431081" || r.Name != "资兴市（演示）" || r.Level == nil || *r.Level != "county" || *r.LevelName != "县级" ||
			r.Departments != 2 || r.Filings != 2 || r.Datasets != 1 || len(r.Years) != 1 || r.Years[0] != 2024 ||
			r.Links["page"] != "http://example.com/regions/431081/2024" ||
			r.Links["departments"] != "http://example.com/api/v1/regions/431081/departments" ||
			r.Links["three_public"] != "http://example.com/api/v1/three-public?region=431081" {
			t.Fatalf("region: %+v", r)
		}

		// Conditional requests: the same ETag is 304, also compared weakly; HEAD is the GET without its body.
		etag := w.Header().Get("ETag")
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag} {
			if w := a.req(t, "GET", "/api/v1/regions", map[string]string{"If-None-Match": inm}); w.Code != 304 || w.Body.Len() != 0 {
				t.Errorf("If-None-Match %s: %d %s", inm, w.Code, w.Body)
			}
		}
		if h := a.req(t, "HEAD", "/api/v1/regions", nil); h.Code != 200 || h.Body.Len() != 0 || h.Header().Get("ETag") != etag {
			t.Errorf("HEAD: %d %v %q", h.Code, h.Header(), h.Body)
		}
		// Unknown parameters are refused, naming them.
		if w := a.get(t, "/api/v1/regions?regoin=431081"); w.Code != 400 || !strings.Contains(w.Body.String(), "regoin") {
			t.Errorf("unknown parameter: %d %s", w.Code, w.Body)
		}
		if w := a.get(t, "/api/v1/regions/431081/departments?region=431081"); w.Code != 400 {
			t.Errorf("unknown parameter on departments: %d %s", w.Code, w.Body)
		}
		if w := a.get(t, "/api/v1/regions?limit=x"); w.Code != 422 {
			t.Errorf("a bad limit: %d %s", w.Code, w.Body)
		}

		w = a.get(t, "/api/v1/regions/431081/departments")
		if w.Code != 200 || w.Header().Get("ETag") == "" {
			t.Fatalf("departments: %d %s", w.Code, w.Body)
		}
		noSecret("the department list", w)
		ds := decode[deptList](t, w)
		got := ""
		for _, d := range ds.Data {
			got += d.Code + " " + d.Name + "|"
		}
		if ds.Region.Code != "431081" || ds.Region.Name != "资兴市（演示）" || *ds.Region.Level != "county" ||
			got != "001 资兴市财政局|002 资兴市教育局|" || ds.Next != nil ||
			ds.Data[0].Filings != 1 || ds.Data[0].Years[0] != 2024 || ds.Data[0].ParentCode != nil ||
			ds.Data[0].Links["page"] != "http://example.com/regions/431081/departments/001" ||
			ds.Data[1].Links["three_public"] != "http://example.com/api/v1/three-public?region=431081&dept=002" {
			t.Fatalf("departments: %s", w.Body)
		}
		if w := a.req(t, "GET", "/api/v1/regions/431081/departments", map[string]string{"If-None-Match": w.Header().Get("ETag")}); w.Code != 304 {
			t.Errorf("departments If-None-Match: %d", w.Code)
		}

		// Paging: one a page, a next link in the body and the Link header, then none.
		w = a.get(t, "/api/v1/regions/431081/departments?limit=1")
		p1 := decode[deptList](t, w)
		if len(p1.Data) != 1 || p1.Data[0].Code != "001" || p1.Next == nil || w.Header().Get("Link") != "<"+*p1.Next+`>; rel="next"` {
			t.Fatalf("page 1: %v %s", w.Header(), w.Body)
		}
		w = a.get(t, strings.TrimPrefix(*p1.Next, "http://example.com"))
		p2 := decode[deptList](t, w)
		if len(p2.Data) != 1 || p2.Data[0].Code != "002" || p2.Next == nil {
			t.Fatalf("page 2: %s", w.Body)
		}
		if p3 := decode[deptList](t, a.get(t, strings.TrimPrefix(*p2.Next, "http://example.com"))); len(p3.Data) != 0 || p3.Next != nil {
			t.Fatalf("page 3: %+v", p3)
		}
		if w := a.get(t, "/api/v1/regions/431081/departments?after=!!"); w.Code != 422 {
			t.Errorf("a bad cursor: %d %s", w.Code, w.Body)
		}

		// A region that exists only in drafts is unknown, answered as one that does not exist.
		unknown := a.get(t, "/api/v1/regions/999999/departments").Body.String()
		for _, code := range []string{"110101", "999999", "abc"} {
			w := a.get(t, "/api/v1/regions/"+code+"/departments")
			if w.Code != 404 || w.Header().Get("ETag") != "" || strings.ReplaceAll(w.Body.String(), code, "999999") != unknown {
				t.Errorf("region %s: %d %v %s", code, w.Code, w.Header(), w.Body)
			}
		}

		// Published, the new names are the public ones.
		up := decode[handlers.UploadAnswer](t, uw)
		for _, f := range up.Filings {
			if f.RegionCode == "431081" && f.DeptCode == "001" {
				a.publish(t, f.ID, "")
			}
		}
		w2 := a.get(t, "/api/v1/regions")
		if w2.Header().Get("ETag") == etag {
			t.Errorf("a publication left the ETag as it was")
		}
		rs = decode[regionList](t, w2)
		if len(rs.Data) != 1 || rs.Data[0].Name != "草稿改名市" || rs.Data[0].Filings != 3 || len(rs.Data[0].Years) != 2 {
			t.Errorf("after publication: %s", w2.Body)
		}
		if w := a.get(t, "/api/v1/regions/110101/departments"); w.Code != 404 {
			t.Errorf("110101 is still draft-only: %d", w.Code)
		}
	})
}

func TestRegionLevel_FromTheCode(t *testing.T) {
	for code, want := range map[string]string{"000000": "central", "430000": "province", "431000": "prefecture",
		"431081": "county", "110101": "county", "990101": "", "12345": "", "820000": "province"} {
		if got, _ := handlers.RegionLevel(code); got != want {
			t.Errorf("RegionLevel(%s) = %q, want %q", code, got, want)
		}
	}
}

// The answers of the two routes match docs/openapi.yaml.
func TestRegions_AnswersMatchTheDocument(t *testing.T) {
	_, router := loadSpec(t)
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	for _, p := range []string{"/api/v1/regions", "/api/v1/regions?limit=1", "/api/v1/regions/431081/departments",
		"/api/v1/regions/431081/departments?limit=1", "/api/v1/regions/999999/departments", "/api/v1/regions?x=1"} {
		req := httptest.NewRequest("GET", "http://localhost:8080"+p, nil)
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, req)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: w.Code, Header: w.Header(),
			Body: io.NopCloser(bytes.NewReader(w.Body.Bytes()))}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("GET %s → %d does not match the document: %v\n%s", p, w.Code, err, w.Body)
		}
	}
}
