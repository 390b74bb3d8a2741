package handlers_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/prometheus/client_golang/prometheus"

	"sunshine/demo"
	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store/storetest"
)

// The flows people follow, in a real browser (browser_cdp_test.go): a reader
// clicks from the home page to a department, a journalist downloads an
// embed's CSV, a portal frames an embed from another origin, and a clerk signs
// in to the desk, uploads a file with an error, fixes it and publishes. Each
// runs against the real handler over a real store holding the demo city
// (loaded through the upload path, as `sunshine demo` does), and each ends
// with the checks of assertClean: no console error, no request leaving the
// test servers, no failed resource.
//
// With SUNSHINE_SCREENSHOT_DIR set (make screenshots), the main pages are
// saved there as full-page PNGs at 1200 px wide.

// demoSite is the service over a store holding the demo city, on a real port.
type demoSite struct {
	*webSite
	srv   *httptest.Server
	admin string // an admin token's secret

	mu  sync.Mutex
	log []servedRequest // what the service was asked, as it saw it
}

// servedRequest is one request as the service saw it: what the browser said it
// was for (Sec-Fetch-Dest, Sec-Fetch-Site) and the answer's status.
type servedRequest struct {
	uri, dest, site, referer, csp string
	status                        int
}

// statusRecorder keeps the status a handler answered with; Flush passes through for streamed answers.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// record serves h and notes each request.
func (d *demoSite) record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		d.mu.Lock()
		defer d.mu.Unlock()
		d.log = append(d.log, servedRequest{uri: r.URL.RequestURI(), dest: r.Header.Get("Sec-Fetch-Dest"), site: r.Header.Get("Sec-Fetch-Site"),
			referer: r.Header.Get("Referer"), csp: w.Header().Get("Content-Security-Policy"), status: sw.status})
	})
}

// served returns the requests the service saw since the last call.
func (d *demoSite) served() []servedRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.log
	d.log = nil
	return out
}

func newDemoSite(t *testing.T) *demoSite {
	t.Helper()
	s := storetest.SQLite(t)
	w := newWebSite(t, s)
	loadDemo(t, w)
	d := &demoSite{webSite: w, admin: makeToken(t, s, models.Token{Name: "管理员", Role: models.RoleAdmin})}
	d.srv = httptest.NewServer(d.record(w.h))
	t.Cleanup(d.srv.Close)
	return d
}

// frameOnlyFrom serves the same store with embeds that only the given origins may frame.
func (d *demoSite) frameOnlyFrom(t *testing.T, origins string) *httptest.Server {
	t.Helper()
	h := handlers.New(handlers.Deps{Store: d.s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(),
		Filings: d.svc, Limits: handlers.UploadLimits{MaxBytes: 64 << 20, TempDir: t.TempDir()}, FrameAncestors: origins})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// getJSON asks the running service over HTTP, as a portal's script would, keeping numbers exact.
func (d *demoSite) getJSON(t *testing.T, path string, out any) {
	t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = d.srv.URL + path
	}
	resp, err := http.Get(path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// wan formats an amount in 元 as the pages print it: 万元, two decimals, thousands separators.
func wan(t *testing.T, yuan json.Number) string {
	t.Helper()
	m, err := models.ParseMoney(yuan.String(), models.Yuan)
	if err != nil {
		t.Fatalf("amount %q: %v", yuan, err)
	}
	return m.FormatRounded(models.WanYuan, 2, true)
}

// threePublicTotals reads a department's published 三公 totals of a year from the query API, by phase.
func (d *demoSite) threePublicTotals(t *testing.T, dept string, year int) map[string]json.Number {
	t.Helper()
	var feed struct {
		Data []struct {
			Phase string      `json:"phase"`
			Total json.Number `json:"total_yuan"`
		} `json:"data"`
	}
	d.getJSON(t, fmt.Sprintf("/api/v1/three-public?region=%s&dept=%s&year=%d", demo.Region.Code, dept, year), &feed)
	out := map[string]json.Number{}
	for _, r := range feed.Data {
		out[r.Phase] = r.Total
	}
	return out
}

var figure = regexp.MustCompile(`^\d{1,3}(,\d{3})*\.\d\d$`)

func TestBrowser_ClickFromHomeToADepartment(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	d := newDemoSite(t)
	b := startBrowser(t, d.srv)
	const region, dept = "990101", "011" // 阳光市教育局
	totals := d.threePublicTotals(t, dept, 2024)
	if totals["budget"] == "" || totals["final"] == "" {
		t.Fatalf("the demo has no 2024 budget and final for %s: %v", dept, totals)
	}
	budget, final := wan(t, totals["budget"]), wan(t, totals["final"])

	b.open(d.srv.URL + "/")
	if h := b.text("h1"); h != "部门预决算与“三公”经费公开" {
		t.Fatalf("home heading: %q", h)
	}
	if got := b.text("main table.list tbody tr"); !strings.Contains(got, "阳光市（演示数据）") {
		t.Fatalf("home lists no demo city: %q", got)
	}
	b.screenshot("01-home.png")

	// The region's 2024 link, as a reader would click it.
	b.click(`a[href="/regions/` + region + `/2024"]`)
	if p := b.location().Path; p != "/regions/"+region+"/2024" {
		t.Fatalf("the region link led to %s", p)
	}
	if h := b.text("h1"); h != "阳光市（演示数据） 2024 年“三公”经费" {
		t.Fatalf("region heading: %q", h)
	}
	var table struct {
		Rows  int      `json:"rows"`
		Group string   `json:"group"`
		Cells []string `json:"cells"`
	}
	b.eval(`(() => {
		const link = document.querySelector('#depts a[href="/regions/`+region+`/departments/`+dept+`"]');
		return {
			rows: document.querySelectorAll("#depts tbody tr").length,
			group: document.querySelector("#depts thead th.group").innerText.trim(),
			cells: link ? [...link.closest("tr").querySelectorAll("td.num")].map(td => td.innerText.trim()) : [],
		};
	})()`, &table)
	if table.Rows != len(demo.Depts) || table.Group != "合计" || len(table.Cells) < 2 {
		t.Fatalf("region table: %+v", table)
	}
	// The first group is 合计: budget, then final, in 万元 as the API's 元 give them.
	if table.Cells[0] != budget || table.Cells[1] != final || !figure.MatchString(final) {
		t.Errorf("教育局's 2024 合计 in the browser: %v, want budget %s, final %s", table.Cells[:2], budget, final)
	}
	b.screenshot("02-region-year.png")

	b.click(`#depts a[href="/regions/` + region + `/departments/` + dept + `"]`)
	if p := b.location().Path; p != "/regions/"+region+"/departments/"+dept {
		t.Fatalf("the department link led to %s", p)
	}
	if h := b.text("h1"); h != "阳光市教育局" {
		t.Fatalf("department heading: %q", h)
	}
	var page struct {
		Headings []string `json:"headings"`
		Years    []string `json:"years"`
		Total    []string `json:"total"`
	}
	b.eval(`(() => {
		const history = document.querySelector("main table.data");
		const total = [...history.querySelectorAll("tbody tr")].find(tr => tr.querySelector("th").innerText.trim() === "合计");
		return {
			headings: [...document.querySelectorAll("main h2")].map(h => h.innerText.trim()),
			years: [...history.querySelectorAll("thead th.group")].map(th => th.innerText.trim()),
			total: total ? [...total.querySelectorAll("td")].map(td => td.innerText.trim()) : [],
		};
	})()`, &page)
	for _, want := range []string{"“三公”经费历年预算与决算", "相关数量", "增减变化原因", "检查结果", "下载与永久链接"} {
		if !slices.Contains(page.Headings, want) {
			t.Errorf("department page lacks the heading %s: %v", want, page.Headings)
		}
	}
	i := slices.Index(page.Years, "2024 年")
	if i < 0 || len(page.Total) != 2*len(page.Years) {
		t.Fatalf("department history table: %+v", page)
	}
	if page.Total[2*i] != budget || page.Total[2*i+1] != final {
		t.Errorf("department page shows 2024 合计 %s / %s, want %s / %s", page.Total[2*i], page.Total[2*i+1], budget, final)
	}
	b.screenshot("03-department.png")

	// The charts are images the service drew: the browser fetched and decoded them.
	for _, want := range []string{"/api/v1/charts/three-public/composition.svg", "/api/v1/charts/three-public/ranking.svg",
		"/api/v1/charts/three-public/trend.svg", "/static/site.css"} {
		ok := false
		for _, r := range b.seen() {
			ok = ok || (strings.Contains(r.url, want) && r.status == 200)
		}
		if !ok {
			t.Errorf("the browser did not load %s", want)
		}
	}
}

func TestBrowser_EmbedCSVDownloadMatchesTheAPI(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	d := newDemoSite(t)
	b := startBrowser(t, d.srv)
	b.open(d.srv.URL + "/embed/three-public/ranking?region=990101&year=2024&phase=final&item=total")

	var embed struct {
		SVGTitle string     `json:"svgTitle"`
		SVGWidth float64    `json:"svgWidth"`
		Href     string     `json:"href"`
		Download bool       `json:"download"`
		Table    [][]string `json:"table"`
	}
	b.eval(`(() => {
		const svg = [...document.querySelectorAll("figure svg")].find(s => s.getBoundingClientRect().width > 0);
		const link = [...document.querySelectorAll("a")].find(a => a.textContent.trim() === "下载数据 (CSV)" && a.getBoundingClientRect().width > 0);
		const rows = [...document.querySelectorAll("details table tr")];
		return {
			svgTitle: svg ? svg.querySelector("title").textContent : "",
			svgWidth: svg ? svg.getBoundingClientRect().width : 0,
			href: link ? link.href : "",
			download: link ? link.hasAttribute("download") : false,
			table: rows.map(tr => [...tr.children].map(c => c.textContent.trim())),
		};
	})()`, &embed)
	if !strings.Contains(embed.SVGTitle, "排名") || embed.SVGWidth < 300 {
		t.Fatalf("the embed shows no chart: %+v", embed)
	}
	if embed.Href == "" || !embed.Download {
		t.Fatalf("the embed has no 下载数据 (CSV) link: %+v", embed)
	}
	csvURL, err := url.Parse(embed.Href)
	if err != nil || csvURL.Path != "/api/v1/charts/three-public/ranking.csv" || "http://"+csvURL.Host != d.srv.URL {
		t.Fatalf("the CSV link points at %s", embed.Href)
	}

	// The download as the browser gets it: the bytes, BOM included (for Excel).
	var got struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Disp   string `json:"disp"`
		Body   string `json:"body"`
	}
	b.eval(fmt.Sprintf(`(async () => {
		const r = await fetch(%q);
		const body = new TextDecoder("utf-8", {ignoreBOM: true}).decode(await r.arrayBuffer());
		return {status: r.status, type: r.headers.get("content-type"), disp: r.headers.get("content-disposition") || "", body};
	})()`, embed.Href), &got)
	if got.Status != 200 || !strings.HasPrefix(got.Type, "text/csv") || !strings.HasPrefix(got.Disp, "attachment") {
		t.Fatalf("CSV download: %d %q %q", got.Status, got.Type, got.Disp)
	}
	if !strings.HasPrefix(got.Body, "\ufeff") {
		t.Error("the CSV has no BOM: Excel would misread its Chinese")
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(got.Body, "\ufeff"))).ReadAll()
	if err != nil || len(records) < 2 {
		t.Fatalf("CSV: %v %q", err, got.Body)
	}

	// The chart's JSON for the same query, from the API.
	var chart struct {
		ItemName string `json:"item_name"`
		Unit     string `json:"unit"`
		Rows     []struct {
			Rank     int         `json:"rank"`
			DeptCode string      `json:"dept_code"`
			DeptName string      `json:"dept_name"`
			Amount   json.Number `json:"amount"`
			Display  string      `json:"display"`
		} `json:"rows"`
	}
	d.getJSON(t, "/api/v1/charts/three-public/ranking?"+csvURL.RawQuery, &chart)
	if len(chart.Rows) != len(demo.Depts) {
		t.Fatalf("the API ranks %d departments, the demo has %d", len(chart.Rows), len(demo.Depts))
	}
	if h := records[0]; len(h) != 4 || h[0] != "名次" || h[3] != chart.ItemName+"（"+chart.Unit+"）" {
		t.Errorf("CSV header %v for %s in %s", h, chart.ItemName, chart.Unit)
	}
	if len(records)-1 != len(chart.Rows) {
		t.Fatalf("CSV has %d rows, the API %d", len(records)-1, len(chart.Rows))
	}
	for i, r := range chart.Rows {
		want := []string{strconv.Itoa(r.Rank), r.DeptCode, r.DeptName, r.Amount.String()}
		if !slices.Equal(records[i+1], want) {
			t.Errorf("row %d: CSV %v, API %v", i+1, records[i+1], want)
		}
		if !figure.MatchString(r.Display) || wan(t, r.Amount) != r.Display {
			t.Errorf("row %d: the API displays %q for %s 元", i+1, r.Display, r.Amount)
		}
	}
	// Exactly the data shown: the embed's own table is the CSV, cell for cell.
	if len(embed.Table) != len(records) {
		t.Fatalf("the embed's table has %d rows, the CSV %d", len(embed.Table), len(records))
	}
	for i := range records {
		if !slices.Equal(embed.Table[i], records[i]) {
			t.Errorf("embed table row %d %v ≠ CSV %v", i, embed.Table[i], records[i])
		}
	}
	// And a program downloading the same link gets the same bytes.
	resp, err := http.Get(embed.Href)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(plain) != got.Body {
		t.Error("the CSV differs between the browser and a plain HTTP client")
	}
	b.screenshot("04-embed-ranking.png")
}

// portalPage is a page of "another site": the government portal that frames an embed.
const portalPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>某市人民政府门户网站 · 财政信息公开</title></head>
<body style="margin:0;font-family:sans-serif;background:#f3f5f8">
<header style="background:#b3261e;color:#fff;padding:12px 24px"><strong>某市人民政府门户网站</strong> · 财政信息公开</header>
<main style="padding:16px 24px">
<h1 style="font-size:20px">部门“三公”经费</h1>
<iframe id="chart" src="%s" title="三公经费图表" width="820" height="640" style="border:1px solid #ccc;background:#fff"></iframe>
</main></body></html>`

// servePortal starts the portal on its own port (another origin) with a page framing embed.
func servePortal(t *testing.T, embed string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, portalPage, embed)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// framedEmbed is what the browser made of the portal's iframe, read inside it.
type framedEmbed struct {
	where   string // "child frame" (in the page's process), "iframe target" (in its own) or "" when there is none
	content struct {
		Href       string  `json:"href"`
		Origin     string  `json:"origin"`
		Title      string  `json:"title"`
		SVGTitle   string  `json:"svgTitle"`
		SVGHeight  float64 `json:"svgHeight"`
		Margin     string  `json:"margin"`
		CSV        bool    `json:"csv"`
		Rows       int     `json:"rows"`
		Attributed bool    `json:"attributed"`
	}
}

const readFrame = `(() => {
	const svg = [...document.querySelectorAll("figure svg")].find(s => s.getBoundingClientRect().width > 0);
	return {
		href: location.href, origin: location.origin, title: document.title,
		svgTitle: svg ? svg.querySelector("title").textContent : "",
		svgHeight: svg ? svg.getBoundingClientRect().height : 0,
		margin: document.body ? getComputedStyle(document.body).marginTop : "",
		csv: [...document.querySelectorAll("a")].some(a => a.textContent.trim() === "下载数据 (CSV)"),
		rows: document.querySelectorAll("details table tbody tr").length,
		attributed: !!document.body && document.body.innerText.includes("数据来源"),
	};
})()`

// framed finds the portal's iframe and reads its document from inside. Chrome
// keeps an iframe of the same site (127.0.0.1, whatever the port) in the page's
// process, where it is a child frame of the tab; with origin-keyed processes it
// runs in its own, as a target of its own. Both are handled, and tested.
func framed(b *realBrowser) framedEmbed {
	b.t.Helper()
	var f framedEmbed
	tree := b.frameTree()
	if len(tree.ChildFrames) > 1 {
		b.t.Fatalf("the portal page has %d frames inside, want 1", len(tree.ChildFrames))
	}
	if len(tree.ChildFrames) == 1 {
		f.where = "child frame"
		b.evalInFrame(tree.ChildFrames[0].Frame.ID, readFrame, &f.content)
		return f
	}
	infos, err := chromedp.Targets(b.ctx)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, info := range infos {
		if info.Type == "iframe" {
			f.where = "iframe target"
			b.evalInTarget(info.TargetID, readFrame, &f.content)
			return f
		}
	}
	return f
}

func TestBrowser_EmbedInAnIframeOfAnotherOrigin(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	d := newDemoSite(t)
	const query = "/embed/three-public/trend?region=990101&dept=011"
	embedURL := d.srv.URL + query
	portal := servePortal(t, embedURL)
	if portal.URL == d.srv.URL {
		t.Fatal("the portal must be another origin")
	}
	// The same service configured to let only another portal frame its embeds: the control.
	strict := d.frameOnlyFrom(t, "https://portal.example.gov.cn")
	strictPortal := servePortal(t, strict.URL+query)

	for _, mode := range []struct {
		name  string
		extra []chromedp.ExecAllocatorOption
	}{
		{"iframe in the page's process", nil},
		// Origin-keyed processes put the iframe in a process (and a DevTools
		// target) of its own, as Chrome may do by default one day. The value
		// keeps the features chromedp's default options enable.
		{"iframe in its own process", []chromedp.ExecAllocatorOption{
			chromedp.Flag("enable-features", "NetworkService,NetworkServiceInProcess,OriginKeyedProcessesByDefault")}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			d.served() // forget the other mode's requests
			b := startBrowserWith(t, mode.extra, d.srv, portal, strict, strictPortal)
			b.open(portal.URL + "/")
			f := framed(b)
			c := f.content
			t.Logf("the embed was read in its %s", f.where)
			if f.where == "" || c.Href != embedURL || c.Origin != d.srv.URL {
				t.Fatalf("the iframe holds %q (origin %q), want %s", c.Href, c.Origin, embedURL)
			}
			if c.Title != "阳光市教育局 三公经费历年预算与决算" || !strings.Contains(c.SVGTitle, "阳光市教育局三公经费趋势") || c.SVGHeight < 200 {
				t.Errorf("the iframe did not render the chart: %+v", c)
			}
			if c.Margin != "0px" { // a browser's own is 8px
				t.Errorf("the embed's style sheet did not apply in the iframe (body margin %q)", c.Margin)
			}
			if !c.CSV || c.Rows == 0 || !c.Attributed {
				t.Errorf("the iframe lacks the download, the table or the attribution: %+v", c)
			}
			// The browser asked for the embed as an iframe of the portal, then
			// for its style sheet, and both answered 200, the embed allowing any framer.
			var doc, css *servedRequest
			for _, r := range d.served() {
				switch {
				case r.uri == query && r.dest == "iframe":
					doc = &r
				case r.uri == "/embed/embed.css" && r.dest == "style":
					css = &r
				}
			}
			if doc == nil || doc.status != 200 || doc.referer != portal.URL+"/" || doc.site != "same-site" ||
				!strings.Contains(doc.csp, "frame-ancestors *") {
				t.Errorf("the embed as the service saw it asked for: %+v", doc)
			}
			if css == nil || css.status != 200 || css.referer != embedURL {
				t.Errorf("the embed's style sheet as the service saw it asked for: %+v", css)
			}
			if p := b.takeProblems(); len(p) > 0 {
				t.Errorf("console errors while framing the embed: %v", p)
			}
			b.screenshot("05-embed-in-iframe.png")

			// The control: where the portal is not allowed, the browser refuses
			// to render the embed and says so on the console, which is what the
			// check above would have caught.
			b.expectRefused(strict.URL + query)
			b.open(strictPortal.URL + "/")
			var refused []string
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if refused = append(refused, b.takeProblems()...); len(refused) > 0 {
					break
				}
			}
			t.Logf("framing refused as configured: %v", refused)
			if !slices.ContainsFunc(refused, func(p string) bool { return strings.Contains(p, "frame-ancestors") }) {
				t.Errorf("a portal that may not frame the embed: no frame-ancestors error on the console, got %v", refused)
			}
			if f := framed(b); f.content.SVGHeight > 0 || f.content.Origin == strict.URL {
				t.Errorf("the embed rendered where framing is refused: %+v", f)
			}
		})
	}
}

// deskFile writes the 三公 row of a demo filing as a clerk's CSV (Chinese
// headers, amounts in the filing's unit) with the given 合计.
func deskFile(t *testing.T, dir, name string, f demo.Filing, total models.Money) string {
	t.Helper()
	tp := f.ThreePublic
	tp.Total = models.Disclosed(total)
	head := []string{"区划代码", "区划名称", "部门编码", "部门名称", "年度", "阶段", "单位"}
	row := []string{f.Key.RegionCode, demo.Region.Name, f.Key.DeptCode, f.DeptName, strconv.Itoa(f.Key.FiscalYear), f.Key.Phase.Chinese(), string(tp.Unit)}
	for _, a := range models.ThreePublicAmounts {
		if strings.HasPrefix(a.Key, "budget_") && f.Key.Phase != models.PhaseFinal {
			continue
		}
		head = append(head, a.Chinese)
		v := *a.Get(&tp)
		if v.Valid {
			row = append(row, v.Money.Format(tp.Unit))
		} else {
			row = append(row, "")
		}
	}
	for _, c := range models.ThreePublicCounts {
		head = append(head, c.Chinese)
		if n := *c.Get(&tp); n.Valid {
			row = append(row, strconv.FormatInt(n.Count, 10))
		} else {
			row = append(row, "")
		}
	}
	head, row = append(head, "增减变化原因"), append(row, tp.ChangeReason)
	var buf bytes.Buffer
	if err := csv.NewWriter(&buf).WriteAll([][]string{head, row}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBrowser_DeskSignInUploadFixAndPublish(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	d := newDemoSite(t)
	b := startBrowser(t, d.srv)

	// 阳光市财政局's 2025 budget: the demo left it a draft (its 合计 is off);
	// the clerk uploads it again, first 1.00 万元 off, then right.
	key := models.FilingKey{RegionCode: demo.Region.Code, DeptCode: "004", FiscalYear: 2025, Phase: models.PhaseBudget}
	var gen demo.Filing
	for _, f := range demo.Generate(demoClock) {
		if f.Key == key {
			gen = f
		}
	}
	if gen.DeptName == "" {
		t.Fatalf("the demo has no %+v", key)
	}
	tp := gen.ThreePublic
	right := tp.OutboundTrips.Money + tp.VehiclePurchase.Money + tp.VehicleOperation.Money + tp.Reception.Money
	wrong := right + 10000*100 // 1.00 万元 too much
	dir := t.TempDir()
	bad := deskFile(t, dir, "阳光市财政局2025年预算三公经费.csv", gen, wrong)
	good := deskFile(t, dir, "阳光市财政局2025年预算三公经费（更正）.csv", gen, right)

	// Sign in: type the token, submit the form.
	b.open(d.srv.URL + "/desk")
	if h := b.text("h1"); h != "上传台登录" {
		t.Fatalf("desk: %q", h)
	}
	b.do("type the token", chromedp.SendKeys(chromedp.ID("token"), d.admin))
	b.click(`form[action="/desk/login"] button[type=submit]`)
	if b.location().Path != "/desk" || b.text("h1") != "上传台" || !strings.Contains(b.text(".deskbar"), "已登录：管理员") {
		t.Fatalf("after signing in: %s %q %q", b.location(), b.text("h1"), b.text(".deskbar"))
	}
	var cookie string
	b.eval(`document.cookie`, &cookie)
	if strings.Contains(cookie, "sunshine_desk") {
		t.Errorf("page script can read the session cookie: %q", cookie)
	}
	cookies, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{d.srv.URL + "/desk"}})
	if err != nil {
		t.Fatal(err)
	}
	session := false
	for _, c := range cookies.Cookies {
		if c.Name == "sunshine_desk" {
			session = c.HTTPOnly && c.SameSite == network.CookieSameSiteStrict && c.Path == "/desk" && !strings.Contains(c.Value, d.admin)
		}
	}
	if !session {
		t.Errorf("the browser holds no HttpOnly, SameSite=Strict session cookie for /desk: %+v", cookies.Cookies)
	}

	// Upload the file with the error.
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`form[action="/desk/upload"] input[type=file]`), []string{bad}))
	b.click(`form[action="/desk/upload"] button[type=submit]`)
	if h := b.text("h1"); !strings.Contains(h, "上传结果") || !strings.Contains(h, filepath.Base(bad)) {
		t.Fatalf("upload result: %q", h)
	}
	findings := b.text("table.findings")
	if !strings.Contains(findings, "three_public.total") || !strings.Contains(findings, "错误") {
		t.Fatalf("the report lacks the three_public.total error: %q", findings)
	}
	var href string
	b.eval(`(document.querySelector('table.findings a[href$="#c-three_public--total"]') || {}).href || ""`, &href)
	m := regexp.MustCompile(`/desk/filings/(\d+)#c-three_public--total$`).FindStringSubmatch(href)
	if m == nil {
		t.Fatalf("the finding does not link to its cell: %q", href)
	}
	id := m[1]

	// The finding leads to the draft, its cell highlighted.
	b.click(`table.findings a[href$="#c-three_public--total"]`)
	if loc := b.location(); loc.Path != "/desk/filings/"+id || loc.Fragment != "c-three_public--total" {
		t.Fatalf("the finding's link led to %s", loc)
	}
	var cell struct {
		Class, Text, Title, Mark string
		Target                   bool
		BG, PlainBG              string
		Visible                  bool
	}
	b.eval(`(() => {
		const td = document.getElementById("c-three_public--total");
		if (!td) return {};
		const plain = [...td.closest("table").querySelectorAll("td.num")].find(c => !/flag-/.test(c.className));
		const box = td.getBoundingClientRect();
		return {
			Class: td.className, Text: td.firstChild.textContent.trim(), Title: td.title,
			Mark: (td.querySelector("a.mark") || {}).textContent || "",
			Target: td.matches(":target"),
			BG: getComputedStyle(td).backgroundColor, PlainBG: plain ? getComputedStyle(plain).backgroundColor : "",
			Visible: box.top >= 0 && box.bottom <= innerHeight,
		};
	})()`, &cell)
	if !strings.Contains(cell.Class, "flag-error") || cell.Text != wrong.FormatRounded(models.WanYuan, 2, true) || cell.Mark == "" ||
		!cell.Target || !cell.Visible {
		t.Errorf("the 合计 cell is not flagged, shown and scrolled to: %+v (want %s)", cell, wrong.FormatRounded(models.WanYuan, 2, true))
	}
	if cell.BG == "" || cell.BG == cell.PlainBG {
		t.Errorf("the flagged cell looks like the others: %q vs %q", cell.BG, cell.PlainBG)
	}
	if report := b.text("table.findings"); !strings.Contains(report, "three_public.total") {
		t.Errorf("the draft's report lacks three_public.total: %q", report)
	}
	// The draft's line items, uploaded by the demo in 元, print with thousands separators.
	var grouped string
	b.eval(`([...document.querySelectorAll("section.grid td.num")].map(td => td.innerText.trim()).find(s => /^\d{1,3}(,\d{3})+\.\d\d$/.test(s)) || "")`, &grouped)
	if grouped == "" {
		t.Error("no amount with thousands separators in the draft's tables")
	}
	if alert := b.text("section.panel .alert-error"); !strings.Contains(alert, "更正前不能公开") {
		t.Errorf("the draft with an error does not say it cannot be published: %q", alert)
	}
	b.screenshot("06-desk-report.png")

	// Back to the desk, upload the fixed file: no error any more.
	b.click(`nav.crumbs a[href="/desk"]`)
	b.do("choose the fixed file", chromedp.SetUploadFiles(chromedp.CSS(`form[action="/desk/upload"] input[type=file]`), []string{good}))
	b.click(`form[action="/desk/upload"] button[type=submit]`)
	var after struct {
		Errors int    `json:"errors"`
		Saved  string `json:"saved"`
		Draft  bool   `json:"draft"`
	}
	b.eval(`({
		errors: document.querySelectorAll(".sev-error").length,
		saved: (document.querySelector(".alert-ok") || {}).innerText || "",
		draft: !!document.querySelector('a[href="/desk/filings/`+id+`"]'),
	})`, &after)
	if after.Errors != 0 || !strings.Contains(after.Saved, "已保存到 1 份草稿") || !after.Draft {
		t.Fatalf("the fixed upload: %+v\n%s", after, b.text("main"))
	}
	b.click(`a[href="/desk/filings/` + id + `"]`)
	var fixed struct {
		Class, Text string
		Errors      int
	}
	b.eval(`(() => {
		const td = document.getElementById("c-three_public--total");
		return {Class: td.className, Text: td.firstChild.textContent.trim(), Errors: document.querySelectorAll(".sev-error").length};
	})()`, &fixed)
	if strings.Contains(fixed.Class, "flag-error") || fixed.Text != right.FormatRounded(models.WanYuan, 2, true) || fixed.Errors != 0 {
		t.Fatalf("the fixed draft: %+v", fixed)
	}

	// Publish.
	b.click(`form[action="/desk/filings/` + id + `/publish"] button[type=submit]`)
	if loc := b.location(); loc.Path != "/desk/filings/"+id || loc.Query().Get("done") != "published" {
		t.Fatalf("after publishing: %s", loc)
	}
	if msg, status := b.text(".alert-ok"), b.text(".status"); !strings.Contains(msg, "已公开") || status != "已公开" {
		t.Errorf("the page does not say it is published: %q, status %q", msg, status)
	}
	// The API agrees: the filing is published, with the fixed 合计, in the public feed.
	var filing struct {
		Filing struct {
			Status string `json:"status"`
		} `json:"filing"`
		ThreePublic struct {
			Total json.Number `json:"total_yuan"`
		} `json:"three_public"`
	}
	d.getJSON(t, "/api/v1/filings/"+id, &filing)
	if filing.Filing.Status != string(models.StatusPublished) || filing.ThreePublic.Total.String() != right.Format(models.Yuan) {
		t.Errorf("the API says %+v, want published with 合计 %s 元", filing, right.Format(models.Yuan))
	}
	if got := d.threePublicTotals(t, "004", 2025)["budget"]; got.String() != right.Format(models.Yuan) {
		t.Errorf("the public feed's 2025 budget 合计 of 004: %q, want %s", got, right.Format(models.Yuan))
	}
}

// The checks guard the tests above, so they are tested too: a page that calls
// another host, writes an error and throws is caught on each count.
func TestBrowser_TheChecksCatchLeaksAndConsoleErrors(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/clean" {
			fmt.Fprint(w, `<!doctype html><html><head><link rel="icon" href="data:,"><title>clean</title></head><body>clean</body></html>`)
			return
		}
		fmt.Fprint(w, `<!doctype html><html><head><link rel="icon" href="data:,"><title>leaky</title></head><body>
<img src="http://cdn.example.com/logo.png" alt="">
<script>console.error("坏了"); setTimeout(() => { throw new Error("boom"); });</script></body></html>`)
	}))
	defer srv.Close()
	b := startBrowser(t, srv)
	b.open(srv.URL + "/leaky")
	var leaks, problems []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		leaks = b.leftTheServers()
		b.mu.Lock()
		problems = slices.Clone(b.problems)
		b.mu.Unlock()
		// Wait for all three: a failed load, the console line and the exception arrive in no fixed order.
		if all := strings.Join(problems, "\n"); len(leaks) > 0 && strings.Contains(all, "坏了") && strings.Contains(all, "boom") {
			break
		}
	}
	if !slices.Contains(leaks, "http://cdn.example.com/logo.png") {
		t.Errorf("the request to another host went unnoticed: %v", leaks)
	}
	joined := strings.Join(problems, "\n")
	if !strings.Contains(joined, "console.error") || !strings.Contains(joined, "坏了") || !strings.Contains(joined, "boom") {
		t.Errorf("the console error and the exception went unnoticed: %v", problems)
	}
	// Leave the provoking page, forget it, and end on a clean one for assertClean.
	b.open(srv.URL + "/clean")
	b.forget()
	b.open(srv.URL + "/clean")
}
