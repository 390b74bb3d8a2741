package handlers_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sunshine/exports"
	"sunshine/exports/exportstest"
	"sunshine/handlers"
	"sunshine/store"
	"sunshine/store/storetest"
)

const budgetThreePublic2024 = "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n" +
	"431081,001,资兴市财政局,2024,预算,万元,15.00,0,0,10.00,5.00\n"

// regionYearFixture publishes, for 431081 in 2024, the final 三公 dataset of
// publishedFixture (release 3) and one budget filing holding both 三公 and
// line items: three datasets in all, two of them sharing a filing.
func regionYearFixture(t *testing.T, a *api) {
	t.Helper()
	publishedFixture(t, a)
	items, err := os.ReadFile(filepath.Join("testdata", "line_items_utf8.csv"))
	if err != nil {
		t.Fatal(err)
	}
	items = bytes.ReplaceAll(items, []byte(",2025,预算,"), []byte(",2024,预算,"))
	li := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "budget_items.csv", items, ""))
	decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "budget_three_public.csv", []byte(budgetThreePublic2024), ""))
	a.publish(t, li.Filings[0].ID, "")
}

func openZip(t *testing.T, body []byte) *zip.Reader {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	return zr
}

func TestBulk_ZipHoldsEveryDatasetOfTheRegionYearDescribedByOnePackage(t *testing.T) {
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		regionYearFixture(t, a)
		w := a.get(t, "/api/v1/bulk/431081-2024.zip")
		if w.Code != 200 || w.Header().Get("Content-Type") != "application/zip" || w.Header().Get("ETag") == "" ||
			w.Header().Get("Cache-Control") != "public, max-age=60" || w.Header().Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(w.Header().Get("Content-Disposition"), "431081-2024.zip") {
			t.Fatalf("%d %v %s", w.Code, w.Header(), w.Body)
		}
		zr := openZip(t, w.Body.Bytes())
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		want := []string{"README.txt",
			"431081-2024-budget-three_public/", "431081-2024-budget-three_public/data.csv", "431081-2024-budget-three_public/filings.csv",
			"431081-2024-budget-line_items/", "431081-2024-budget-line_items/data.csv", "431081-2024-budget-line_items/filings.csv",
			"431081-2024-final-three_public/", "431081-2024-final-three_public/data.csv", "431081-2024-final-three_public/filings.csv",
			"datapackage.json"}
		if strings.Join(names, " ") != strings.Join(want, " ") {
			t.Fatalf("entries:\n%v\nwant\n%v", names, want)
		}

		// The descriptor describes every CSV: bytes, hash, schema, keys — checked against the files themselves.
		descriptor, err := fs.ReadFile(zr, "datapackage.json")
		if err != nil {
			t.Fatal(err)
		}
		if err := exportstest.ValidatePackage(descriptor, zr); err != nil {
			t.Fatalf("the descriptor does not describe the ZIP: %v\n%s", err, descriptor)
		}
		var p exports.Package
		if err := json.Unmarshal(descriptor, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Resources) != 6 || p.Name != "sunshine-431081-2024" || len(p.Licenses) != 0 {
			t.Fatalf("package: %+v", p)
		}
		for _, r := range p.Resources {
			if r.Bytes == 0 || !strings.HasPrefix(r.Hash, "sha256:") || strings.HasPrefix(r.Path, "/") {
				t.Errorf("resource %s: bytes %d hash %q path %q", r.Name, r.Bytes, r.Hash, r.Path)
			}
			// Each dataset's rows refer to its own filings.csv, not to another dataset's.
			for _, fk := range r.Schema.ForeignKeys {
				if fk.Reference.Resource != r.Name+".filings" {
					t.Errorf("resource %s refers to %s", r.Name, fk.Reference.Resource)
				}
			}
		}

		// The CSVs are the bytes of the releases' own immutable files.
		for _, f := range []struct{ dataset, release, file string }{
			{"431081-2024-final-three_public", "3", "data.csv"}, {"431081-2024-final-three_public", "3", "filings.csv"},
			{"431081-2024-budget-line_items", "1", "data.csv"}, {"431081-2024-budget-three_public", "1", "filings.csv"},
		} {
			inZip, err := fs.ReadFile(zr, f.dataset+"/"+f.file)
			if err != nil {
				t.Fatal(err)
			}
			own := a.get(t, "/api/v1/datasets/"+f.dataset+"/releases/"+f.release+"/"+f.file)
			if !bytes.Equal(inZip, own.Body.Bytes()) {
				t.Errorf("%s/%s differs from release %s's file:\n%s\n---\n%s", f.dataset, f.file, f.release, inZip, own.Body)
			}
		}
		readme, _ := fs.ReadFile(zr, "README.txt")
		for _, s := range []string{"资兴市（演示）", "431081-2024-final-three_public/", "第 3 版", "金额单位为元", "不是 0", "发布方尚未声明许可"} {
			if !strings.Contains(string(readme), s) {
				t.Errorf("README lacks %q:\n%s", s, readme)
			}
		}

		// Revalidation, and a new release changes the ETag.
		etag := w.Header().Get("ETag")
		req := httptest.NewRequest("GET", "/api/v1/bulk/431081-2024.zip", nil)
		req.Header.Set("If-None-Match", etag)
		rw := httptest.NewRecorder()
		a.h.ServeHTTP(rw, req)
		if rw.Code != 304 || rw.Body.Len() != 0 {
			t.Fatalf("revalidation: %d", rw.Code)
		}
		fix := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "fix2.csv", []byte(strings.Replace(correctedThreePublic, "3.50", "3.40", 1)), ""))
		a.publish(t, fix.Filings[0].ID, "再次更正公务接待费")
		if w2 := a.get(t, "/api/v1/bulk/431081-2024.zip"); w2.Header().Get("ETag") == etag || w2.Code != 200 {
			t.Fatalf("after a new release: %d, ETag %s", w2.Code, w2.Header().Get("ETag"))
		}
	})
}

func TestBulk_UnknownRegionYearIs404MalformedNameIs422(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	for path, code := range map[string]int{
		"/api/v1/bulk/431081-2023.zip": 404,
		"/api/v1/bulk/990101-2024.zip": 404,
		"/api/v1/bulk/431081-24.zip":   422,
		"/api/v1/bulk/431081-2024.tar": 422,
		"/api/v1/bulk/431081_2024.zip": 422,
		"/api/v1/bulk/431081-1999.zip": 422,
		"/api/v1/bulk/zixing.zip":      422,
	} {
		w := a.get(t, path)
		var body handlers.ErrorBody
		if w.Code != code || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Error.Message == "" ||
			!strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %v %s, want %d", path, w.Code, w.Header(), w.Body, code)
		}
	}
}
