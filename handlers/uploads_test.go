package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// api is a server over a real store with an admin and two uploader tokens.
type api struct {
	h                        http.Handler
	s                        *store.Store
	admin, zixing, zixing001 string
	revoked                  string
	maxBytes                 int64
	rateLimit                handlers.RateLimit
	cache                    *handlers.FileCache
	deps                     handlers.Deps
}

func newAPI(t *testing.T, s *store.Store) *api {
	t.Helper()
	a := &api{s: s, maxBytes: 64 << 20}
	a.admin = makeToken(t, s, models.Token{Name: "管理员", Role: models.RoleAdmin})
	a.zixing = makeToken(t, s, models.Token{Name: "资兴财政局", Role: models.RoleUploader, RegionCode: "431081"})
	a.zixing001 = makeToken(t, s, models.Token{Name: "资兴财政局001", Role: models.RoleUploader, RegionCode: "431081", Depts: []string{"001"}})
	a.revoked = makeToken(t, s, models.Token{Name: "旧令牌", Role: models.RoleAdmin})
	if err := s.RevokeToken(context.Background(), "旧令牌", "test"); err != nil {
		t.Fatal(err)
	}
	a.h = a.handler(t)
	return a
}

func (a *api) handler(t *testing.T) http.Handler {
	svc := &filings.Service{Store: a.s, Options: ingest.DefaultOptions()}
	a.deps = handlers.Deps{Store: a.s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Registry: prometheus.NewRegistry(), Filings: svc, Limits: handlers.UploadLimits{MaxBytes: a.maxBytes, TempDir: t.TempDir()},
		RateLimit: a.rateLimit, Cache: a.cache}
	return handlers.New(a.deps)
}

func makeToken(t *testing.T, s *store.Store, tok models.Token) string {
	t.Helper()
	secret, hash, err := models.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	tok.Hash = hash
	if _, err := s.CreateToken(context.Background(), tok, "test"); err != nil {
		t.Fatal(err)
	}
	return secret
}

// upload posts a file from testdata (or the given bytes) as multipart field "file".
func (a *api) upload(t *testing.T, token, name string, content []byte, kind string) *httptest.ResponseRecorder {
	t.Helper()
	if content == nil {
		var err error
		if content, err = os.ReadFile(filepath.Join("testdata", name)); err != nil {
			t.Fatal(err)
		}
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if kind != "" {
		mw.WriteField("kind", kind)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/uploads", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	return w
}

func decode[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
	return v
}

func TestUpload_EachFormatEncodingAndKindEndToEnd(t *testing.T) {
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	cases := []struct {
		file      string
		kind      string
		wantKind  string
		filings   int
		dept      string
		year      int
		phase     models.Phase
		checkFunc func(t *testing.T, s *store.Store, f handlers.FilingRef)
	}{
		{file: "three_public_gbk.csv", wantKind: models.KindThreePublic, filings: 2, dept: "001", year: 2024, phase: models.PhaseFinal,
			checkFunc: func(t *testing.T, s *store.Store, f handlers.FilingRef) {
				tp, _ := s.ThreePublic(context.Background(), f.ID)
				if tp == nil || tp.Total != models.Disclosed(12350000) || tp.Reception.Money != 38500*100 || tp.Unit != models.WanYuan ||
					tp.BudgetTotal.Money != 150000*100 || tp.VehiclesHeld != models.CountOf(3) || !strings.Contains(tp.ChangeReason, "八项规定") || tp.SourceRow != 2 {
					t.Fatalf("三公 record from GBK file: %+v", tp)
				}
			}},
		{file: "three_public_bom.csv", wantKind: models.KindThreePublic, filings: 1, dept: "001", year: 2025, phase: models.PhaseBudget,
			checkFunc: func(t *testing.T, s *store.Store, f handlers.FilingRef) {
				tp, _ := s.ThreePublic(context.Background(), f.ID)
				if tp == nil || tp.Total.Money != 12350000 || tp.ChangeReason != "" || tp.TripGroups != models.CountOf(0) || tp.BudgetTotal.Valid {
					t.Fatalf("三公 record from BOM file: %+v", tp)
				}
			}},
		{file: "three_public_excelize.xlsx", wantKind: models.KindThreePublic, filings: 1, dept: "003", year: 2025, phase: models.PhaseBudget,
			checkFunc: func(t *testing.T, s *store.Store, f handlers.FilingRef) {
				tp, _ := s.ThreePublic(context.Background(), f.ID)
				if tp == nil || tp.Total.Money != 56800000 || tp.VehicleOperation.Money != 30800000 {
					t.Fatalf("三公 record from XLSX: %+v", tp)
				}
			}},
		{file: "../../ingest/testdata/line_items_libreoffice.xlsx", wantKind: models.KindLineItems, filings: 1,
			checkFunc: func(t *testing.T, s *store.Store, f handlers.FilingRef) {
				items, _ := s.LineItems(context.Background(), f.ID)
				if len(items) == 0 {
					t.Fatal("no line items from the LibreOffice workbook")
				}
			}},
		{file: "../../ingest/testdata/line_items_template_libreoffice.xlsx", wantKind: models.KindLineItems, filings: 1,
			checkFunc: func(t *testing.T, s *store.Store, f handlers.FilingRef) {
				items, _ := s.LineItems(context.Background(), f.ID)
				if len(items) == 0 {
					t.Fatal("no line items from the filled-in template")
				}
			}},
		{file: "line_items_utf8.csv", kind: models.KindLineItems, wantKind: models.KindLineItems, filings: 1, dept: "001", year: 2025, phase: models.PhaseBudget,
			checkFunc: func(t *testing.T, s *store.Store, f handlers.FilingRef) {
				items, _ := s.LineItems(context.Background(), f.ID)
				if len(items) != 13 {
					t.Fatalf("line items: %d", len(items))
				}
			}},
		{file: "line_items_gbk_tab.csv", wantKind: models.KindLineItems, filings: 1, dept: "002", year: 2025, phase: models.PhaseBudget,
			checkFunc: func(t *testing.T, s *store.Store, f handlers.FilingRef) {
				items, _ := s.LineItems(context.Background(), f.ID)
				var total models.Money
				for _, li := range items {
					if li.Code == "total" && li.Column == "total" {
						total = li.Amount.Money
					}
				}
				if len(items) != 13 || total != 100000000 {
					t.Fatalf("line items from GBK tab file: %d, total %d", len(items), total)
				}
			}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		for _, tc := range cases {
			t.Run(tc.file, func(t *testing.T) {
				w := a.upload(t, a.admin, tc.file, nil, tc.kind)
				if w.Code != http.StatusCreated {
					t.Fatalf("status %d: %s", w.Code, w.Body)
				}
				ans := decode[handlers.UploadAnswer](t, w)
				if ans.Upload.Kind != tc.wantKind || ans.FilingsTotal != tc.filings || len(ans.Filings) != tc.filings || ans.Upload.CreatedBy != "管理员" {
					t.Fatalf("answer: %+v", ans)
				}
				f := ans.Filings[0]
				if tc.dept == "" { // a workbook from ingest's testdata: its department is whatever it says
					tc.dept, tc.year, tc.phase = f.DeptCode, f.FiscalYear, f.Phase
				}
				if f.DeptCode != tc.dept || f.FiscalYear != tc.year || f.Phase != tc.phase || f.Status != models.StatusDraft || f.Version != 1 {
					t.Fatalf("filing: %+v", f)
				}
				tc.checkFunc(t, s, f)
			})
		}
	})
}

func TestUpload_SameBytesAgainStoresNothingNew(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		first := a.upload(t, a.admin, "three_public_gbk.csv", nil, "")
		if first.Code != 201 {
			t.Fatalf("first: %d %s", first.Code, first.Body)
		}
		again := a.upload(t, a.zixing, "three_public_gbk.csv", nil, "")
		if again.Code != 200 {
			t.Fatalf("again: %d %s", again.Code, again.Body)
		}
		f1, f2 := decode[handlers.UploadAnswer](t, first), decode[handlers.UploadAnswer](t, again)
		if f1.Upload.ID != f2.Upload.ID || len(f2.Filings) != 2 || f2.Filings[0].ID != f1.Filings[0].ID {
			t.Fatalf("not the same answer:\n%+v\n%+v", f1, f2)
		}
		log, _ := s.AuditLog(context.Background(), "", 100)
		uploadsLogged := 0
		for _, e := range log {
			if e.Action == "upload" {
				uploadsLogged++
			}
		}
		if uploadsLogged != 1 {
			t.Fatalf("audit log has %d uploads", uploadsLogged)
		}
	})
}

func TestUpload_AuthMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		for _, tc := range []struct {
			name  string
			token string
			code  int
		}{
			{"no token", "", 401},
			{"bad token", "sun_not-a-real-token", 401},
			{"revoked token", a.revoked, 401},
			// three_public_gbk.csv has departments 001 and 002; this token may write 001 only.
			{"uploader out of scope", a.zixing001, 403},
			{"uploader in scope", a.zixing, 201},
			// The same bytes again from the narrow token: still refused, not answered as a duplicate.
			{"uploader out of scope after the file is stored", a.zixing001, 403},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := a.upload(t, tc.token, "three_public_gbk.csv", nil, "")
				if w.Code != tc.code {
					t.Fatalf("status %d, want %d: %s", w.Code, tc.code, w.Body)
				}
				body := decode[map[string]any](t, w)
				if tc.code >= 400 {
					e, _ := body["error"].(map[string]any)
					if e == nil || e["message"] == "" {
						t.Fatalf("error body: %s", w.Body)
					}
				}
				if tc.code == 401 && w.Header().Get("WWW-Authenticate") == "" {
					t.Fatal("401 without WWW-Authenticate")
				}
				if tc.code == 403 && !strings.Contains(w.Body.String(), "第 3 行") {
					t.Fatalf("403 must name the row: %s", w.Body)
				}
			})
		}
		// Only the in-scope upload stored anything.
		fs, _ := s.Filings(context.Background(), store.FilingFilter{})
		if len(fs) != 2 {
			t.Fatalf("filings stored: %d", len(fs))
		}
		// The admin may upload anything.
		if w := a.upload(t, a.admin, "three_public_bom.csv", nil, ""); w.Code != 201 {
			t.Fatalf("admin: %d %s", w.Code, w.Body)
		}
	})
}

func TestUpload_ParseFindingsStoreNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		bad := []byte("区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费,备注栏\n" +
			"431081,001,财政局,2024,决算,万元,1.00,0,0,1.00,0,x\n")
		w := a.upload(t, a.admin, "bad.csv", bad, "")
		if w.Code != 422 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		ans := decode[handlers.RejectedAnswer](t, w)
		if ans.Error.Code != "unprocessable" || ans.Report.Valid || ans.Report.Stats.Errors == 0 {
			t.Fatalf("answer: %+v", ans)
		}
		found := false
		for _, f := range ans.Report.Findings {
			if f.Rule == "header.unknown" && f.Column == "备注栏" && f.Row == 1 {
				found = true
			}
		}
		if !found {
			t.Fatalf("header.unknown on 备注栏 not reported: %+v", ans.Report.Findings)
		}
		if fs, _ := s.Filings(context.Background(), store.FilingFilter{}); len(fs) != 0 {
			t.Fatalf("a rejected file stored filings: %+v", fs)
		}
		if rs, _ := s.Regions(context.Background()); len(rs) != 0 {
			t.Fatalf("a rejected file stored regions: %+v", rs)
		}
	})
}

func TestUpload_RequestLimitsAndFormErrors(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	a.maxBytes = 1024
	a.h = a.handler(t)
	big := bytes.Repeat([]byte("x"), 4096)
	if w := a.upload(t, a.admin, "big.csv", big, ""); w.Code != 413 || !strings.Contains(w.Body.String(), "1 KiB") {
		t.Fatalf("too large: %d %s", w.Code, w.Body)
	}
	req := httptest.NewRequest("POST", "/api/v1/uploads", strings.NewReader("a,b\n1,2\n"))
	req.Header.Set("Authorization", "Bearer "+a.admin)
	req.Header.Set("Content-Type", "text/csv")
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	if w.Code != 422 || !strings.Contains(w.Body.String(), "multipart") {
		t.Fatalf("not multipart: %d %s", w.Code, w.Body)
	}
	if w := a.upload(t, a.admin, "three_public_bom.csv", nil, "bogus"); w.Code != 422 {
		t.Fatalf("bad kind: %d %s", w.Code, w.Body)
	}
}

func TestUpload_ClientDisconnectMidBodyLeavesNothing(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	content, _ := os.ReadFile("testdata/three_public_gbk.csv")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "three_public_gbk.csv")
	fw.Write(content)
	mw.Close()
	cut := body.Bytes()[:body.Len()/2] // the connection drops halfway
	req := httptest.NewRequest("POST", "/api/v1/uploads", io.MultiReader(bytes.NewReader(cut), errReader{}))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+a.admin)
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	if w.Code < 400 {
		t.Fatalf("status %d", w.Code)
	}
	if fs, _ := s.Filings(context.Background(), store.FilingFilter{}); len(fs) != 0 {
		t.Fatalf("stored after a dropped connection: %+v", fs)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestFiling_DraftsNeedATokenPublishedArePublic(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	w := a.upload(t, a.admin, "three_public_gbk.csv", nil, "")
	ans := decode[handlers.UploadAnswer](t, w)
	id := ans.Filings[1].ID // department 002
	get := func(token, path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, req)
		return w
	}
	path := "/api/v1/filings/" + itoa(id)
	if w := get("", path); w.Code != 401 {
		t.Fatalf("draft without token: %d", w.Code)
	}
	if w := get(a.zixing001, path); w.Code != 404 {
		t.Fatalf("draft of another department: %d", w.Code)
	}
	w = get(a.zixing, path)
	fa := decode[handlers.FilingAnswer](t, w)
	if w.Code != 200 || fa.ThreePublic == nil || fa.ThreePublic.Total.Money != 1020500000 || fa.Filing.ID != id {
		t.Fatalf("draft with token: %d %s", w.Code, w.Body)
	}
	if w := get(a.zixing, path+"/report"); w.Code != 200 || !strings.Contains(w.Body.String(), `"valid":true`) {
		t.Fatalf("report: %d %s", w.Code, w.Body)
	}
	err := s.Write(context.Background(), func(tx *store.Tx) error { _, err := tx.Publish(context.Background(), id, "test", ""); return err })
	if err != nil {
		t.Fatal(err)
	}
	if w := get("", path); w.Code != 200 {
		t.Fatalf("published without token: %d", w.Code)
	}
	if w := get("", "/api/v1/filings/abc"); w.Code != 404 {
		t.Fatalf("bad id: %d", w.Code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestTemplates_DownloadedTemplateUploadsBack(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	for _, path := range []string{"/api/v1/templates/three_public.xlsx", "/api/v1/templates/line_items.xlsx",
		"/api/v1/templates/three_public.csv", "/api/v1/templates/line_items.csv"} {
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 || w.Body.Len() < 100 || !strings.Contains(w.Header().Get("Content-Disposition"), "filename*=UTF-8''") {
			t.Fatalf("%s: %d %q", path, w.Code, w.Header())
		}
	}
	// The CSV template carries an example row; uploaded as it comes, it is accepted.
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/templates/three_public.csv", nil))
	if up := a.upload(t, a.admin, "三公模板.csv", w.Body.Bytes(), ""); up.Code != 201 {
		t.Fatalf("template example row: %d %s", up.Code, up.Body)
	}
	w = httptest.NewRecorder()
	a.h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/templates/budget.pdf", nil))
	if w.Code != 404 {
		t.Fatalf("unknown template: %d", w.Code)
	}
}
