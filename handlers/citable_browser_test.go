package handlers_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sunshine/demo"
	"sunshine/handlers"
	"sunshine/models"
)

// The pages a person can cite, in a real browser over the demo city with one
// correction published the way a bureau would make it: the 三公 CSV of the
// query API downloaded, one figure changed, uploaded and published with a note.

// correctDemo raises a department's 2024 final 公务接待费 (and its 合计) by
// 1.00 万元 and publishes the correction; it returns the old and new 公务接待费 in 元.
func (d *demoSite) correctDemo(t *testing.T, dept string) (old, cur models.Money) {
	t.Helper()
	resp, err := http.Get(d.srv.URL + "/api/v1/three-public.csv?region=" + demo.Region.Code + "&dept=" + dept + "&year=2024&phase=final")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(rows) != 2 {
		t.Fatalf("the 三公 CSV of %s: %v %v", dept, rows, err)
	}
	add := func(col string) (models.Money, models.Money) {
		for i, h := range rows[0] {
			if h == col {
				m, err := models.ParseMoney(rows[1][i], models.Yuan)
				if err != nil {
					t.Fatalf("%s %q: %v", col, rows[1][i], err)
				}
				n := m + 1_000_000 // 10,000.00 元 in fen
				rows[1][i] = n.Format(models.Yuan)
				return m, n
			}
		}
		t.Fatalf("no column %s in %v", col, rows[0])
		return 0, 0
	}
	old, cur = add("reception_yuan")
	add("total_yuan")
	var file bytes.Buffer
	w := csv.NewWriter(&file)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", "更正三公.csv")
	part.Write(file.Bytes())
	mw.Close()
	req, _ := http.NewRequest("POST", d.srv.URL+"/api/v1/uploads", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+d.admin)
	up, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Body.Close()
	var ans handlers.UploadAnswer
	raw, _ := io.ReadAll(up.Body)
	if err := json.Unmarshal(raw, &ans); err != nil || up.StatusCode != 201 || len(ans.Filings) != 1 {
		t.Fatalf("upload: %d %s", up.StatusCode, raw)
	}
	req, _ = http.NewRequest("POST", fmt.Sprintf("%s/api/v1/filings/%d/publish", d.srv.URL, ans.Filings[0].ID),
		strings.NewReader(`{"note":"更正公务接待费：原表少记 1.00 万元"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+d.admin)
	pub, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = io.ReadAll(pub.Body)
	pub.Body.Close()
	if pub.StatusCode != 200 {
		t.Fatalf("publish: %d %s", pub.StatusCode, raw)
	}
	return old, cur
}

func TestBrowser_CitableDatasetReleaseAndFilingPages(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	d := newDemoSite(t)
	const dept = "011" // 阳光市教育局
	old, cur := d.correctDemo(t, dept)
	b := startBrowser(t, d.srv)
	id := demo.Region.Code + "-2024-final-three_public"

	// The catalogue's title opens the dataset's page, not JSON.
	b.open(d.srv.URL + "/datasets?region=" + demo.Region.Code + "&year=2024")
	b.click(`a[href="/datasets/` + id + `"]`)
	if p := b.location().Path; p != "/datasets/"+id {
		t.Fatalf("the title led to %s", p)
	}
	if h := b.text("h1"); h != "阳光市（演示数据） 2024 年决算 三公经费" {
		t.Fatalf("dataset heading: %q", h)
	}
	var ds struct {
		Rows    int    `json:"rows"`
		Top     string `json:"top"`
		Feed    string `json:"feed"`
		Cited   string `json:"cited"`
		Fetched string `json:"fetched"`
		Cite    string `json:"cite"`
	}
	// The browser itself hashes the file the citation names (WebCrypto), as a reader's sha256sum would.
	b.eval(`(async () => {
		const file = document.querySelector("#cite dd a[href$='/data.csv']");
		const buf = await (await fetch(file.href)).arrayBuffer();
		const sum = [...new Uint8Array(await crypto.subtle.digest("SHA-256", buf))].map(x => x.toString(16).padStart(2, "0")).join("");
		return {
			rows: document.querySelectorAll("table.releases tbody tr").length,
			top: document.querySelector("table.releases tbody tr").innerText,
			feed: document.querySelector('link[rel="alternate"][type="application/atom+xml"]').getAttribute("href"),
			cited: document.querySelector("#cite code.sha").innerText.trim(),
			fetched: sum,
			cite: document.querySelector("p.citation").innerText,
		};
	})()`, &ds)
	var api struct {
		Release int `json:"release"`
	}
	d.getJSON(t, "/api/v1/datasets/"+id, &api)
	if ds.Rows != api.Release || api.Release < 2 || !strings.Contains(ds.Top, "更正") || !strings.Contains(ds.Top, "阳光市教育局") ||
		!strings.Contains(ds.Top, "原表少记 1.00 万元") {
		t.Errorf("release history: %d rows (API: %d), newest %q", ds.Rows, api.Release, ds.Top)
	}
	if ds.Cited != ds.Fetched || len(ds.Cited) != 64 {
		t.Errorf("the citation's SHA-256 %s, the file's %s", ds.Cited, ds.Fetched)
	}
	if ds.Feed != "/feeds/changes.atom?dataset="+id || !strings.Contains(ds.Cite, "[DS/OL]") ||
		!strings.Contains(ds.Cite, fmt.Sprintf("/datasets/%s/releases/%d", id, api.Release)) {
		t.Errorf("feed %q, citation %q", ds.Feed, ds.Cite)
	}
	b.screenshot("dataset.png")

	// 与上一版比较: the correction, figure by figure, in 万元 and 元.
	b.click(fmt.Sprintf(`table.releases a[href="/datasets/%s/diff?from=%d&to=%d"]`, id, api.Release-1, api.Release))
	var diff struct {
		Heading string   `json:"heading"`
		Depts   int      `json:"depts"`
		Rows    []string `json:"rows"`
	}
	b.eval(`(() => ({
		heading: document.querySelector("#corrected").innerText,
		depts: document.querySelectorAll("section.dept-diff").length,
		rows: [...document.querySelectorAll("section.dept-diff tbody tr")].map(r => r.innerText.replace(/\s+/g, " ").trim()),
	}))()`, &diff)
	wantRow := fmt.Sprintf("公务接待费 %s 万元 %s 元 → %s 万元 %s 元", old.FormatRounded(models.WanYuan, 2, true), old.FormatGrouped(models.Yuan),
		cur.FormatRounded(models.WanYuan, 2, true), cur.FormatGrouped(models.Yuan))
	if diff.Heading != "更正的部门（1 个）" || diff.Depts != 1 || len(diff.Rows) != 2 || !strings.Contains(strings.Join(diff.Rows, "\n"), wantRow) {
		t.Errorf("diff page: %+v, want a row %q", diff, wantRow)
	}
	b.screenshot("release-diff.png")

	// The department's name opens its corrected version, the figure's anchor marks it.
	b.click(`section.dept-diff h4 a`)
	loc := b.location()
	if loc.Path != "/regions/990101/departments/"+dept+"/2024/final/v2" {
		t.Fatalf("the department led to %s", loc)
	}
	b.do("go to the figure", chromedp.Navigate(loc.String()+"#tp-reception"))
	var fig struct {
		Target  string `json:"target"`
		Row     string `json:"row"`
		Mark    string `json:"mark"`
		Anchors int    `json:"anchors"`
	}
	b.eval(`(() => {
		const t = document.querySelector(":target");
		const mark = t && t.querySelector("a.corrected");
		return {target: t ? t.id : "", row: t ? t.innerText.replace(/\s+/g, " ") : "", mark: mark ? mark.getAttribute("href") : "",
			anchors: document.querySelectorAll("[id^='tp-']").length};
	})()`, &fig)
	if fig.Target != "tp-reception" || !strings.Contains(fig.Row, cur.FormatRounded(models.WanYuan, 2, true)) || !strings.Contains(fig.Row, "已更正") ||
		fig.Mark != fmt.Sprintf("/datasets/%s/diff?from=%d&to=%d#dept-%s", id, api.Release-1, api.Release, dept) ||
		fig.Anchors != len(models.ThreePublicAmounts)+len(models.ThreePublicCounts)+1 {
		t.Errorf("the figure's anchor: %+v", fig)
	}
	b.screenshot("filing.png")

	// The department page's 永久链接 is this page; its JSON permalink still works beside it.
	b.open(d.srv.URL + "/regions/990101/departments/" + dept)
	b.click(`a[href="/regions/990101/departments/` + dept + `/2024/final/v1"]`)
	if h := b.text(".alert"); !strings.Contains(h, "第 2 版") {
		t.Errorf("version 1 does not send to version 2: %q", h)
	}
}

func TestBrowser_ChangeLogFilteredAndItsFeedPaged(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	d := newDemoSite(t)
	d.correctDemo(t, "011")
	b := startBrowser(t, d.srv)
	b.open(d.srv.URL + "/changes")
	b.do("choose 更正", chromedp.SetValue(chromedp.CSS(`select[name="kind"]`), "correction"))
	b.click(`form.filters button[type="submit"]`)
	if q := b.location().Query(); q.Get("kind") != "correction" {
		t.Fatalf("the filter form sent %v", q)
	}
	var log struct {
		Tags  []string `json:"tags"`
		Feed  string   `json:"feed"`
		Atom  []string `json:"atom"`
		First string   `json:"first"`
	}
	// The page's advertised feed, read as a feed reader reads it.
	b.eval(`(async () => {
		const feed = document.querySelector('link[rel="alternate"][type="application/atom+xml"]').getAttribute("href");
		const xml = new DOMParser().parseFromString(await (await fetch(feed)).text(), "application/xml");
		return {
			tags: [...document.querySelectorAll("main table.list tbody .tag")].map(e => e.innerText),
			feed: feed,
			atom: [...xml.querySelectorAll("entry > title")].map(e => e.textContent),
			first: xml.querySelector('feed > link[rel="first"]').getAttribute("href"),
		};
	})()`, &log)
	var corrections struct {
		Data []handlers.ReleaseEntry `json:"data"`
	}
	d.getJSON(t, "/api/v1/changes?kind=correction&limit=1000", &corrections)
	ours := false
	for i, tag := range log.Tags {
		if tag != "更正" {
			t.Errorf("row %d of the corrections is %s", i, tag)
		}
	}
	for _, a := range log.Atom {
		ours = ours || strings.Contains(a, "更正 阳光市教育局")
	}
	if len(corrections.Data) == 0 || len(log.Tags) != len(corrections.Data) || len(log.Atom) != len(corrections.Data) || !ours ||
		log.Feed != "/feeds/changes.atom?kind=correction" || !strings.HasSuffix(log.First, "/feeds/changes.atom?kind=correction") {
		t.Errorf("the filtered change log: %+v; the API has %d corrections", log, len(corrections.Data))
	}
	b.screenshot("changes-filtered.png")

	// Every entry once, following rel="next" in the browser, as the JSON API pages them.
	var paged struct {
		Pages   int      `json:"pages"`
		Entries []string `json:"entries"`
	}
	const per = 60
	b.eval(strings.ReplaceAll(`(async () => {
		let next = "/feeds/changes.atom?limit=" + PER, pages = 0, entries = [];
		while (next && pages < 100) {
			const xml = new DOMParser().parseFromString(await (await fetch(next)).text(), "application/xml");
			entries.push(...[...xml.querySelectorAll("entry > id")].map(e => e.textContent));
			const n = xml.querySelector('feed > link[rel="next"]');
			next = n ? n.getAttribute("href") : "";
			pages++;
		}
		return {pages, entries};
	})()`, "PER", fmt.Sprint(per)), &paged)
	var all []string
	next := "/api/v1/changes?limit=1000"
	for next != "" {
		var p struct {
			Data []handlers.ReleaseEntry `json:"data"`
			Next *string                 `json:"next"`
		}
		d.getJSON(t, next, &p)
		for _, e := range p.Data {
			all = append(all, fmt.Sprintf("%s/api/v1/datasets/%s/releases/%d", d.srv.URL, e.DatasetID, e.Release.Number))
		}
		next = ""
		if p.Next != nil {
			next = *p.Next
		}
	}
	seen := map[string]bool{}
	for _, e := range paged.Entries {
		if seen[e] {
			t.Errorf("entry %s twice", e)
		}
		seen[e] = true
	}
	if len(paged.Entries) != len(all) || paged.Pages != (len(all)+per-1)/per+boolInt(len(all)%per == 0) || strings.Join(paged.Entries, " ") != strings.Join(all, " ") {
		t.Errorf("Atom paging: %d pages, %d entries; the JSON change log has %d", paged.Pages, len(paged.Entries), len(all))
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
