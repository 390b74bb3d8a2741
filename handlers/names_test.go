package handlers_test

import (
	"bytes"
	"strings"
	"testing"

	"sunshine/handlers"
	"sunshine/store"
	"sunshine/store/storetest"
)

// releaseFiles are every file of every release of the fixture, with the options that change their bytes.
func releaseFiles() []string {
	var out []string
	for _, n := range []string{"1", "2", "3"} {
		base := "/api/v1/datasets/431081-2024-final-three_public/releases/" + n + "/"
		for _, f := range []string{"data.csv", "data.csv?bom=1&headers=zh", "data.csv?encoding=gb18030", "data.json", "data.ndjson",
			"data.xlsx", "filings.csv", "datapackage.json"} {
			out = append(out, base+f)
		}
	}
	return out
}

// publicPages are public answers that print region and department names.
var publicPages = []string{
	"/", "/regions/431081/2024", "/regions/431081/departments/001", "/regions/431081/departments/002", "/datasets", "/changes",
	"/api/v1/datasets", "/api/v1/datasets/431081-2024-final-three_public", "/api/v1/changes", "/feeds/changes.atom",
	"/api/v1/three-public", "/api/v1/three-public.csv", "/api/v1/three-public?region=431081&dept=001",
	"/api/v1/charts/three-public/ranking?region=431081&year=2024&phase=final",
	"/api/v1/charts/three-public/ranking.svg?region=431081&year=2024&phase=final",
	"/api/v1/charts/three-public/trend?region=431081&dept=001",
	"/api/v1/charts/three-public/budget-vs-final.csv?region=431081&year=2024",
	"/embed/three-public/ranking?region=431081&year=2024&phase=final",
	"/embed/three-public/trend?region=431081&dept=001",
	"/catalog.jsonld", "/data.json", "/api/v1/bulk/431081-2024.zip",
}

// A draft that renames its department and region, and a department that exists
// only in a draft, change nothing public: no page, feed, chart, embed,
// catalogue, Atom entry or bulk ZIP shows their names, a release file's bytes
// are the same with and without the file cache and before and after the
// draft, and the draft-only department is 404 everywhere.
func TestNames_DraftsNeverReachThePublic(t *testing.T) {
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		cache, err := handlers.NewFileCache(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		a.cache = cache
		cached := a.handler(t)
		publishedFixture(t, a) // a.h has no cache

		fetch := func(path string) []byte {
			t.Helper()
			w := a.get(t, path)
			if w.Code != 200 {
				t.Fatalf("%s: %d %s", path, w.Code, w.Body)
			}
			return w.Body.Bytes()
		}
		before := map[string][]byte{}
		for _, p := range releaseFiles() {
			plain := fetch(p)
			a.h, cached = cached, a.h // the same request through the cached handler
			first, again := fetch(p), fetch(p)
			a.h, cached = cached, a.h
			if !bytes.Equal(plain, first) || !bytes.Equal(first, again) {
				t.Fatalf("%s differs with the file cache on and off", p)
			}
			before[p] = plain
		}
		pagesBefore := map[string]string{}
		for _, p := range publicPages {
			pagesBefore[p] = string(fetch(p))
		}

		draft := "区划代码,区划名称,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n" +
			"431081,草稿改名市,001,草稿改名局,2024,决算,万元,99.00,0,0,90.00,9.00\n" +
			"431081,草稿改名市,077,草稿独有局,2024,决算,万元,1.00,0,0,0,1.00\n"
		if w := a.upload(t, a.zixing, "rename.csv", []byte(draft), ""); w.Code != 201 && w.Code != 200 {
			t.Fatalf("draft upload: %d %s", w.Code, w.Body)
		}

		for _, p := range releaseFiles() {
			if !bytes.Equal(fetch(p), before[p]) {
				t.Errorf("%s changed after a draft renamed its department (no cache)", p)
			}
			a.h, cached = cached, a.h
			if !bytes.Equal(fetch(p), before[p]) {
				t.Errorf("%s changed after a draft renamed its department (file cache)", p)
			}
			a.h, cached = cached, a.h
		}
		for _, p := range publicPages {
			got := string(fetch(p))
			for _, name := range []string{"草稿改名市", "草稿改名局", "草稿独有局", "077"} {
				if strings.Contains(got, name) {
					t.Errorf("%s shows the draft's %q", p, name)
				}
			}
			if got != pagesBefore[p] && !strings.HasPrefix(p, "/api/v1/bulk/") {
				t.Errorf("%s changed after a draft upload", p)
			}
		}
		// The draft-only department is unknown to the public, exactly as one that does not exist.
		for _, dept := range []string{"077", "404"} {
			for _, p := range []string{
				"/regions/431081/departments/" + dept,
				"/api/v1/three-public?dept=" + dept,
				"/api/v1/three-public.csv?region=431081&dept=" + dept,
				"/api/v1/line-items?region=431081&dept=" + dept,
				"/api/v1/line-items.csv?dept=" + dept,
				"/api/v1/charts/three-public/trend?region=431081&dept=" + dept,
				"/api/v1/charts/three-public/trend.svg?region=431081&dept=" + dept,
				"/embed/three-public/trend?region=431081&dept=" + dept,
			} {
				w := a.get(t, p)
				if w.Code != 404 || strings.Contains(w.Body.String(), "草稿独有局") {
					t.Errorf("%s: %d %s", p, w.Code, w.Body)
				}
			}
		}
		// A region with nothing published is unknown too.
		if w := a.upload(t, a.admin, "new.csv", []byte(strings.ReplaceAll(draft, "431081", "990199")), ""); w.Code != 201 && w.Code != 200 {
			t.Fatalf("draft upload: %d %s", w.Code, w.Body)
		}
		for _, p := range []string{"/regions/990199/2024", "/api/v1/three-public?region=990199",
			"/api/v1/charts/three-public/ranking?region=990199&year=2024&phase=final"} {
			if w := a.get(t, p); w.Code != 404 || strings.Contains(w.Body.String(), "草稿改名市") {
				t.Errorf("%s: %d %s", p, w.Code, w.Body)
			}
		}

		// Published, the new names are public from the next release on; older releases keep theirs.
		up := decode[handlers.UploadAnswer](t, a.upload(t, a.zixing, "rename.csv", []byte(draft), ""))
		for _, f := range up.Filings {
			note := ""
			if f.DeptCode == "001" {
				note = "部门更名"
			}
			a.publish(t, f.ID, note)
		}
		for _, p := range releaseFiles() {
			if !bytes.Equal(fetch(p), before[p]) {
				t.Errorf("%s changed after a later publication", p)
			}
		}
		if got := string(fetch("/regions/431081/departments/001")); !strings.Contains(got, "草稿改名局") {
			t.Error("the published name must show on the department page")
		}
		if got := string(fetch("/api/v1/datasets/431081-2024-final-three_public/releases/5/data.csv")); !strings.Contains(got, "草稿改名局") ||
			!strings.Contains(got, "草稿改名市") {
			t.Errorf("the release publishing the new names must carry them: %s", got)
		}
	})
}
