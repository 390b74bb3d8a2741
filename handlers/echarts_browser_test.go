package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sunshine/demo"
)

// The chart JSON is meant to be handed to ECharts as it is:
// echarts.init(el).setOption(json.option). This test does exactly that with
// the ECharts build from npm (web/testdata/echarts, pinned in its
// package-lock.json), served by the test itself to headless Chromium, on a
// page of another origin that fetches the JSON as a portal's script would.

// echartsDir is the npm project that pins the ECharts build.
var echartsDir = filepath.Join("..", "web", "testdata", "echarts")

// echartsJS returns the path of echarts.min.js, running `npm ci` in the test
// project when it has not been installed yet (CI runs it before the tests).
// Without node the test skips locally and fails under CI.
func echartsJS(t *testing.T) string {
	t.Helper()
	js := filepath.Join(echartsDir, "node_modules", "echarts", "dist", "echarts.min.js")
	if _, err := os.Stat(js); err == nil {
		return js
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but npm is not installed: the ECharts test cannot be skipped in CI (apt-get install nodejs npm)")
		}
		t.Skip("ECharts test SKIPPED: node/npm is not installed (apt-get install nodejs npm), so the ECharts package cannot be installed")
	}
	cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = echartsDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", echartsDir, err, out)
	}
	if _, err := os.Stat(js); err != nil {
		t.Fatalf("npm ci did not install %s: %v", js, err)
	}
	return js
}

// echartsPage renders each chart URL (a JSON answer of the service) with
// setOption(json.option), waits for ECharts to finish, and measures: the
// series' own coloured pixels (the same option drawn without its series is
// the baseline, so a title, axes and legend alone do not count), the series
// ECharts built, and any exception.
const echartsPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>门户网站 · ECharts</title>
<script src="/echarts.min.js"></script></head>
<body style="margin:0"><div id="charts"></div>
<script>
function coloured(chart) {
	const c = chart.getDom().querySelector("canvas");
	const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
	let n = 0, dark = 0;
	for (let i = 0; i < px.length; i += 4) {
		const r = px[i], g = px[i+1], b = px[i+2], a = px[i+3];
		if (a < 128) continue;
		if (Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
		if (r + g + b < 300) dark++;
	}
	return {coloured: n, dark};
}
function draw(option, w, h) {
	const el = document.createElement("div");
	el.style.width = w + "px"; el.style.height = h + "px";
	document.getElementById("charts").appendChild(el);
	const chart = echarts.init(el, null, {renderer: "canvas"});
	return new Promise(resolve => {
		const done = () => resolve(chart);
		chart.on("finished", done);
		chart.setOption(option);
		setTimeout(done, 5000);
	});
}
async function render(option, w, h) {
	const out = {error: ""};
	try {
		const full = await draw(option, w, h);
		const bare = await draw(Object.assign({}, option, {series: []}), w, h);
		const a = coloured(full), b = coloured(bare);
		out.seriesPixels = a.coloured - b.coloured;
		out.dark = a.dark;
		out.series = full.getModel().getSeries().map(s => s.subType + ":" + s.getData().count());
		out.title = full.getOption().title[0].text;
	} catch (e) {
		out.error = String(e && e.stack || e);
	}
	return out;
}
window.renderURL = async (url, w, h) => {
	const r = await fetch(url);
	const j = await r.json();
	const out = await render(j.option, w, h);
	out.status = r.status;
	return out;
};
window.renderBroken = async (url, w, h, how) => {
	const j = await (await fetch(url)).json();
	const o = JSON.parse(JSON.stringify(j.option));
	if (how === "type") o.series.forEach(s => delete s.type);
	if (how === "data") o.series.forEach(s => { s.data = (s.data || []).map(v => (v && typeof v === "object") ? {name: v.name} : "n/a"); });
	return render(o, w, h);
};
</script></body></html>`

type echartsResult struct {
	Status       int      `json:"status"`
	Error        string   `json:"error"`
	SeriesPixels int      `json:"seriesPixels"`
	Dark         int      `json:"dark"`
	Series       []string `json:"series"`
	Title        string   `json:"title"`
}

// servePortalWithECharts is a page of another origin with ECharts from npm.
func servePortalWithECharts(t *testing.T, js string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, echartsPage)
		case "/echarts.min.js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			http.ServeFile(w, r, js)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestECharts_EveryChartJSONRendersAsItIs(t *testing.T) {
	longRun(t)
	js := echartsJS(t)
	d := newDemoSite(t)
	portal := servePortalWithECharts(t, js)
	b := startBrowser(t, d.srv, portal)
	b.open(portal.URL + "/")

	depts := fmt.Sprintf("bar:%d", len(demo.Depts))
	charts := []struct {
		path       string
		w, h       int
		series     []string // subType:count of each series ECharts built
		minPixels  int
		titleHas   string
		wantInJSON []string
	}{
		{"/api/v1/charts/three-public/trend?region=990101&dept=011", 640, 420,
			[]string{"line:5", "line:5", "line:5", "line:5", "line:5", "line:5", "line:5", "line:5"}, 1500, "三公经费趋势", []string{`"type":"line"`, `"name":"万元"`}},
		{"/api/v1/charts/three-public/composition?region=990101&year=2024&phase=final", 640, 420,
			[]string{"pie:3", "pie:2"}, 20000, "三公经费构成", []string{`"type":"pie"`, `"value":`}},
		{"/api/v1/charts/three-public/ranking?region=990101&year=2024&phase=final&item=total", 640, 900,
			[]string{depts}, 5000, "排名", []string{`"type":"bar"`, `（万元）`}},
		{"/api/v1/charts/three-public/budget-vs-final?region=990101&year=2024", 640, 900,
			[]string{depts, depts}, 5000, "预算与决算", []string{`"type":"bar"`, `"name":"预算（万元）"`}},
	}
	for _, c := range charts {
		var got echartsResult
		b.eval(fmt.Sprintf(`renderURL(%q, %d, %d)`, d.srv.URL+c.path, c.w, c.h), &got)
		t.Logf("%s: %+v", c.path, got)
		if got.Status != 200 || got.Error != "" {
			t.Errorf("%s: status %d, error %s", c.path, got.Status, got.Error)
			continue
		}
		if strings.Join(got.Series, ",") != strings.Join(c.series, ",") {
			t.Errorf("%s: ECharts built the series %v, want %v", c.path, got.Series, c.series)
		}
		if len(got.Series) == 0 {
			t.Errorf("%s: ECharts built no series", c.path)
		}
		if got.SeriesPixels < c.minPixels {
			t.Errorf("%s: the series drew %d coloured pixels, want at least %d", c.path, got.SeriesPixels, c.minPixels)
		}
		if got.Dark < 200 || !strings.Contains(got.Title, c.titleHas) {
			t.Errorf("%s: title %q, %d dark pixels", c.path, got.Title, got.Dark)
		}
		raw := d.get(t, c.path).Body.String()
		for _, want := range c.wantInJSON {
			if !strings.Contains(raw, want) {
				t.Errorf("%s: the JSON lacks %s", c.path, want)
			}
		}
		if strings.Contains(raw, "function") {
			t.Errorf("%s: the option holds code", c.path)
		}
	}
	if p := b.takeProblems(); len(p) > 0 {
		t.Fatalf("console errors while rendering the options: %v", p)
	}

	// The control: the same options broken as a hand-made one might be (series
	// without their type, pie items without a value) are caught by the measures above.
	for _, broken := range []struct {
		path, how string
		minPixels int
	}{
		{charts[0].path, "type", charts[0].minPixels},
		{charts[1].path, "data", charts[1].minPixels},
		{charts[2].path, "data", charts[2].minPixels},
	} {
		var got echartsResult
		b.eval(fmt.Sprintf(`renderBroken(%q, 640, 420, %q)`, d.srv.URL+broken.path, broken.how), &got)
		problems := b.takeProblems()
		t.Logf("broken (%s) %s: %+v, console %v", broken.how, broken.path, got, problems)
		if got.Error == "" && len(problems) == 0 && got.SeriesPixels >= broken.minPixels && len(got.Series) > 0 {
			t.Errorf("a broken option (%s) for %s passed the checks: %+v", broken.how, broken.path, got)
		}
	}
}
