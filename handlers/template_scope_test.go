package handlers_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/store"
	"sunshine/store/storetest"
)

// TestTemplates_AnUploadersTemplateOffersItsScopesDepartments: a token of a
// region gets the XLSX templates with its region filled in and a drop-down
// of the region's published departments (from a hidden sheet); a token of
// one department gets that department alone; the public gets neither. The
// template downloaded by the region's token uploads back as it comes.
func TestTemplates_AnUploadersTemplateOffersItsScopesDepartments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAPI(t, s)
		svc := &filings.Service{Store: s, Options: ingest.DefaultOptions()}
		p := filepath.Join(t.TempDir(), "三公.csv")
		csv := "区划代码,区划名称,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n" +
			"431081,资兴市,002,资兴市教育局,2024,决算,万元,1.00,0,0,0.50,0.50\n" +
			"431081,资兴市,001,资兴市财政局,2024,决算,万元,12.35,0,0,8.50,3.85\n" +
			"431081,资兴市,003,资兴市未公开局,2024,决算,万元,1.00,0,0,0.50,0.50\n"
		if err := os.WriteFile(p, []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := svc.Upload(ctx, filings.File{Path: p, Name: "三公.csv"}, filings.Actor{Name: "cli"}, nil)
		if err != nil || res.Rejected || len(res.Filings) != 3 {
			t.Fatalf("upload: %v %+v", err, res.Report)
		}
		for _, f := range res.Filings[:2] { // 003 stays a draft: its name is not public
			if _, err := svc.Publish(ctx, f.ID, filings.Actor{Name: "cli"}, ""); err != nil {
				t.Fatal(err)
			}
		}

		get := func(token, path string) (*httptest.ResponseRecorder, *excelize.File) {
			t.Helper()
			req := httptest.NewRequest("GET", path, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			w := httptest.NewRecorder()
			a.h.ServeHTTP(w, req)
			if w.Code != 200 {
				t.Fatalf("%s: %d %s", path, w.Code, w.Body)
			}
			f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return w, f
		}
		// listed reads the hidden department list; "" when there is none.
		listed := func(f *excelize.File) string {
			t.Helper()
			rows, err := f.GetRows("部门列表")
			if err != nil {
				return ""
			}
			if visible, _ := f.GetSheetVisible("部门列表"); visible {
				t.Error("the department list is a visible sheet")
			}
			var out []string
			for _, r := range rows[1:] {
				out = append(out, strings.Join(r, " "))
			}
			return strings.Join(out, "; ")
		}
		// dropdowns lists a sheet's drop-down lists as sqref=formula.
		dropdowns := func(f *excelize.File, sheet string) string {
			t.Helper()
			dvs, err := f.GetDataValidations(sheet)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, dv := range dvs {
				if strings.Contains(dv.Formula1, "部门列表") {
					out = append(out, dv.Sqref+"="+dv.Formula1)
				}
			}
			return strings.Join(out, " ")
		}

		w, f := get(a.zixing, "/api/v1/templates/three_public.xlsx")
		if got := listed(f); got != "001 资兴市财政局; 002 资兴市教育局" {
			t.Errorf("region token's departments: %q", got)
		}
		if got := dropdowns(f, "三公经费"); got != "C2:C20001='部门列表'!$A$2:$A$3 D2:D20001='部门列表'!$B$2:$B$3" {
			t.Errorf("三公 drop-downs: %q", got)
		}
		if cc := w.Header().Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("a scope's template is cached as %q", cc)
		}
		// As it comes, the example row is the scope's first department, and the token may upload it.
		if up := a.upload(t, a.zixing, "三公模板.xlsx", w.Body.Bytes(), ""); up.Code != 201 || !strings.Contains(up.Body.String(), `"dept_code":"001"`) {
			t.Fatalf("the scope's template uploaded back: %d %s", up.Code, up.Body)
		}

		_, f = get(a.zixing001, "/api/v1/templates/line_items.xlsx")
		if got := listed(f); got != "001 资兴市财政局" {
			t.Errorf("department token's departments: %q", got)
		}
		sheet := f.GetSheetList()[0]
		if got := dropdowns(f, sheet); got != "B3='部门列表'!$A$2:$A$2 D3='部门列表'!$B$2:$B$2" {
			t.Errorf("%s drop-downs: %q", sheet, got)
		}
		if v, _ := f.GetCellValue(sheet, "B2"); v != "431081" {
			t.Errorf("%s!B2 (区划代码) = %q", sheet, v)
		}

		w, f = get("", "/api/v1/templates/line_items.xlsx")
		if got := listed(f); got != "" || dropdowns(f, f.GetSheetList()[0]) != "" {
			t.Errorf("the public template offers departments: %q", got)
		}
		if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=3600" {
			t.Errorf("the public template is cached as %q", cc)
		}
	})
}
