package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"sunshine/handlers"
	"sunshine/store/storetest"
)

// A portal's page on another origin fetches the open data in a real browser
// (Chromium): the preflight its If-None-Match needs passes, the answer's ETag,
// Link and RateLimit headers are readable, and the conditional fetch is 304.
func TestCORS_BrowserOnAnotherOriginRevalidates(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	a := newAPI(t, storetest.SQLite(t))
	a.rateLimit = handlers.RateLimit{Rate: 100, Burst: 100}
	a.h = a.handler(t)
	publishedFixture(t, a)
	api := httptest.NewServer(a.h)
	defer api.Close()
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/favicon.ico" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="zh"><title>门户</title><p>门户网站</p></html>`))
	}))
	defer portal.Close()
	b := startBrowser(t, api, portal)
	b.open(portal.URL + "/")
	var got struct {
		First, Second     int
		ETag, RateLimit   string
		Policy, Link      string
		Origin, SecondTag string
	}
	b.eval(`(async () => {
		const u = `+"`"+api.URL+`/api/v1/three-public?region=431081&limit=1`+"`"+`;
		const r1 = await fetch(u, {cache: "no-store"});
		await r1.text();
		const etag = r1.headers.get("ETag");
		const r2 = await fetch(u, {cache: "no-store", headers: {"If-None-Match": etag}});
		await r2.text(); // read to its end, as a page does, so the browser does not abort it later
		return {First: r1.status, Second: r2.status, ETag: etag || "", SecondTag: r2.headers.get("ETag") || "",
			RateLimit: r1.headers.get("RateLimit") || "", Policy: r1.headers.get("RateLimit-Policy") || "",
			Link: r1.headers.get("Link") || "", Origin: location.origin};
	})()`, &got)
	if got.Origin == api.URL {
		t.Fatal("the portal must be another origin than the API")
	}
	if got.First != 200 || got.ETag == "" || got.Second != 304 || got.SecondTag != got.ETag {
		t.Errorf("conditional fetch from another origin: %+v", got)
	}
	if got.RateLimit == "" || got.Policy == "" || got.Link == "" {
		t.Errorf("headers a script cannot read: %+v", got)
	}
}
