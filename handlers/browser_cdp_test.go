package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// A real browser driven over the DevTools protocol (github.com/chromedp/chromedp):
// unlike the command line of web_browser_test.go it clicks, fills in forms,
// keeps the desk's session cookie and tells every request, response and
// console message of the page. The browser is Debian's chromium, as .ci/run
// installs it; without it the tests skip, except under CI where they fail
// (findChromium).

// browserTimeout bounds one test's browser: when it runs out, the browser is
// closed and every pending action fails.
const browserTimeout = 60 * time.Second

// seenRequest is one request a page made, as the browser reported it.
type seenRequest struct {
	url    string
	method string
	status int64  // 0 until the response arrives
	failed string // why it failed, when it did
}

// realBrowser is one headless chromium with a fresh profile and one tab. It
// records, from the start of the tab, every request the pages make and every
// console error, exception and browser log entry of level error.
type realBrowser struct {
	t       *testing.T
	ctx     context.Context
	origins map[string]bool // http://127.0.0.1:port of each test server: the only places a page may reach

	mu       sync.Mutex
	requests []*seenRequest
	byID     map[network.RequestID]*seenRequest
	problems []string        // console errors and exceptions: each one fails the test
	notes    []string        // console warnings, and the tolerated favicon miss: logged, they do not fail
	refused  map[string]bool // URLs a test expects the browser to refuse (see expectRefused)
}

// The service has no favicon, and Chrome asks every origin for /favicon.ico
// and logs the 404 as a console error. That one miss is tolerated, and logged,
// so that it does not hide the errors that matter; the pages would need a
// <link rel="icon"> or a /favicon.ico route to be rid of it.
func faviconMiss(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Path == "/favicon.ico"
}

// startBrowser starts chromium for the test; the pages may reach the given servers and nothing else.
// When the test ends it fails on any console error or any request that went elsewhere.
// longRun marks a long test — a real browser, the npm readers, the round trip of
// every export variant — which `go test -short` (make test) skips and make
// test-long runs; CI runs both. It is the first statement of such a test, so the
// Makefile finds the long tests by it.
func longRun(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("long run: make test-long runs it (CI runs both)")
	}
}

func startBrowser(t *testing.T, servers ...*httptest.Server) *realBrowser {
	t.Helper()
	return startBrowserWith(t, nil, servers...)
}

// startBrowserWith is startBrowser with more command-line options for chromium.
func startBrowserWith(t *testing.T, extra []chromedp.ExecAllocatorOption, servers ...*httptest.Server) *realBrowser {
	t.Helper()
	bin := findChromium(t)
	b := &realBrowser{t: t, origins: map[string]bool{}, byID: map[network.RequestID]*seenRequest{}, refused: map[string]bool{}}
	for _, s := range servers {
		b.origins[s.URL] = true
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "zh-CN"),
		// No page may reach another host; should one try, it finds no such host
		// (and the request still shows in the events, which the test checks).
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(1200, 900),
	)
	opts = append(opts, extra...)
	limit, stop := context.WithTimeout(context.Background(), browserTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(limit, opts...)
	ctx, cancelTab := chromedp.NewContext(alloc, chromedp.WithListener(b.listen))
	b.ctx = ctx
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser to exit (its profile is in t.TempDir)
		stop()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser and opens the tab
		t.Fatalf("starting chromium (%s): %v", bin, err)
	}
	t.Cleanup(b.assertClean) // runs before the browser is closed (cleanups run last first)
	return b
}

// listen runs in the tab's event loop: it only records.
func (b *realBrowser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		// A redirect comes as the next request under the same id, with the redirect's answer.
		if prev := b.byID[ev.RequestID]; prev != nil && ev.RedirectResponse != nil {
			prev.status = ev.RedirectResponse.Status
		}
		r := &seenRequest{url: ev.Request.URL, method: ev.Request.Method}
		b.requests = append(b.requests, r)
		b.byID[ev.RequestID] = r
	case *network.EventResponseReceived:
		if r := b.byID[ev.RequestID]; r != nil && ev.Response != nil {
			r.status = ev.Response.Status
		}
	case *network.EventLoadingFailed:
		if r := b.byID[ev.RequestID]; r != nil {
			r.failed = ev.ErrorText
			if ev.BlockedReason != "" {
				r.failed += " (" + string(ev.BlockedReason) + ")"
			}
		}
	case *runtime.EventConsoleAPICalled:
		var args []string
		for _, a := range ev.Args {
			var str string
			if a.Value != nil && json.Unmarshal(a.Value, &str) == nil {
				args = append(args, str)
			} else if a.Value != nil {
				args = append(args, string(a.Value))
			} else {
				args = append(args, a.Description)
			}
		}
		msg := "console." + string(ev.Type) + ": " + strings.Join(args, " ")
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeAssert:
			b.problems = append(b.problems, msg)
		case runtime.ConsoleAPICalledTypeWarning:
			b.notes = append(b.notes, msg)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := "exception: " + d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.problems = append(b.problems, msg+" at "+d.URL)
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		msg := fmt.Sprintf("browser log (%s, %s): %s %s", e.Level, e.Source, e.Text, e.URL)
		switch {
		case e.Level == cdplog.EntryLevelError && e.Source == cdplog.EntrySourceNetwork && faviconMiss(e.URL) && strings.Contains(e.Text, "404"):
			b.notes = append(b.notes, "tolerated: "+msg)
		case e.Level == cdplog.EntryLevelError:
			b.problems = append(b.problems, msg)
		case e.Level == cdplog.EntryLevelWarning:
			b.notes = append(b.notes, msg)
		}
	}
}

// leftTheServers lists the requests that went anywhere but the test servers.
// data:, blob: and about: URLs never reach the network.
func (b *realBrowser) leftTheServers() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.requests {
		u, err := url.Parse(r.url)
		if err != nil {
			out = append(out, r.url)
			continue
		}
		switch {
		case u.Scheme == "data" || u.Scheme == "blob" || u.Scheme == "about":
			continue
		case u.Host == "content-autofill.googleapis.com":
			// Chromium's own question about a page's form (the search box in every
			// header) to its autofill server, not the page's: no switch of Chromium 156
			// turns it off, and the host-resolver rule above makes it fail unsent.
			continue
		}
		switch u.Scheme {
		case "http":
			if b.origins["http://"+u.Host] {
				continue
			}
		}
		out = append(out, r.url)
	}
	return out
}

// expectRefused tells assertClean that the browser is meant to refuse this URL (a negative control).
func (b *realBrowser) expectRefused(u string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refused[u] = true
}

// forget drops everything recorded so far (a test that provokes problems on purpose).
func (b *realBrowser) forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests, b.byID, b.problems, b.notes = nil, map[network.RequestID]*seenRequest{}, nil, nil
}

// takeProblems returns the console errors and exceptions seen so far and forgets them.
func (b *realBrowser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// assertClean is the check every browser test ends with: no request left the
// test servers, every resource answered, and the console stayed quiet.
func (b *realBrowser) assertClean() {
	t := b.t
	t.Helper()
	b.mu.Lock()
	n := len(b.requests)
	var broken []string
	for _, r := range b.requests {
		if (r.status < 400 && r.failed == "") || b.refused[r.url] || (r.status == 404 && faviconMiss(r.url)) {
			continue
		}
		broken = append(broken, fmt.Sprintf("%s %s: %d %s", r.method, r.url, r.status, r.failed))
	}
	notes := b.notes
	b.mu.Unlock()
	if n == 0 {
		t.Error("the browser reported no request at all: are the network events recorded?")
	}
	for _, u := range b.leftTheServers() {
		t.Errorf("a request left the test servers: %s", u)
	}
	for _, r := range broken {
		t.Errorf("a request failed: %s", r)
	}
	for _, p := range b.takeProblems() {
		t.Errorf("console: %s", p)
	}
	for _, n := range notes {
		t.Logf("console warning: %s", n)
	}
}

// seen returns a copy of the requests so far.
func (b *realBrowser) seen() []seenRequest {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]seenRequest, len(b.requests))
	for i, r := range b.requests {
		out[i] = *r
	}
	return out
}

// open loads a URL in the tab and waits for it; the document must answer 200.
func (b *realBrowser) open(u string) {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(u))
	if err != nil {
		b.t.Fatalf("open %s: %v", u, err)
	}
	if resp.Status != 200 {
		b.t.Fatalf("open %s: %d", u, resp.Status)
	}
}

// click clicks the first element the CSS selector finds and waits for the page
// it leads to, which must answer 200 (after any redirect).
func (b *realBrowser) click(sel string) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	if resp.Status != 200 {
		b.t.Fatalf("click %s led to %s: %d", sel, resp.URL, resp.Status)
	}
}

// do runs actions that return nothing.
func (b *realBrowser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval runs JavaScript in the page (promises are awaited) and decodes its JSON result into out.
func (b *realBrowser) eval(js string, out any) {
	b.t.Helper()
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %.80s…: %v", js, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		b.t.Fatalf("evaluate %.80s…: %v in %s", js, err, raw)
	}
}

// location is the address of the page in the tab.
func (b *realBrowser) location() *url.URL {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// text is the rendered text (innerText) of the first element the CSS selector finds; "" when none.
func (b *realBrowser) text(sel string) string {
	b.t.Helper()
	var s string
	b.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.innerText.trim() : ""; })()`, sel), &s)
	return s
}

// loadImages makes lazy images load (a full-page screenshot shows them all)
// and waits for every image of the page; it returns the ones that did not decode.
func (b *realBrowser) loadImages() []string {
	b.t.Helper()
	var broken []string
	b.eval(`(async () => {
		const imgs = [...document.images];
		imgs.forEach(i => { i.loading = "eager"; });
		await Promise.all(imgs.map(i => i.decode().catch(() => null)));
		return imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);
	})()`, &broken)
	return broken
}

// frameTree is the tab's tree of frames.
func (b *realBrowser) frameTree() *page.FrameTree {
	b.t.Helper()
	res, err := chromedp.Call(b.ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil || res.FrameTree == nil {
		b.t.Fatalf("frame tree: %v", err)
	}
	return res.FrameTree
}

// evalInFrame runs JavaScript inside a frame of the tab, whatever its origin,
// in an isolated world of its own (it sees the frame's DOM and computed styles).
func (b *realBrowser) evalInFrame(frame cdp.FrameID, js string, out any) {
	b.t.Helper()
	world, err := chromedp.Call(b.ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: frame, WorldName: "sunshine-test"})
	if err != nil {
		b.t.Fatalf("a world in frame %s: %v", frame, err)
	}
	yes := true
	res, err := chromedp.Call(b.ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: js, ContextID: world.ExecutionContextID,
		ReturnByValue: &yes, AwaitPromise: &yes})
	if err != nil {
		b.t.Fatalf("evaluate in frame %s: %v", frame, err)
	}
	if res.ExceptionDetails != nil {
		b.t.Fatalf("evaluate in frame %s: %s", frame, res.ExceptionDetails.Text)
	}
	if err := json.Unmarshal(res.Result.Value, out); err != nil {
		b.t.Fatalf("evaluate in frame %s: %v in %s", frame, err, res.Result.Value)
	}
}

// evalInTarget runs JavaScript in another target of the browser, such as an
// iframe in a process of its own, attached for the while; what it logs from
// then on is recorded with the tab's.
func (b *realBrowser) evalInTarget(id target.ID, js string, out any) {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(id), chromedp.WithDetachOnCancel(), chromedp.WithListener(b.listen))
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate in target %s: %v", id, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		b.t.Fatalf("evaluate in target %s: %v in %s", id, err, raw)
	}
}

// screenshot saves a full-page PNG of the tab as name in $SUNSHINE_SCREENSHOT_DIR
// (make screenshots points it at docs/screenshots); without it, it takes the
// picture anyway, to check the page renders, and keeps it nowhere.
func (b *realBrowser) screenshot(name string) {
	b.t.Helper()
	if broken := b.loadImages(); len(broken) > 0 {
		b.t.Errorf("%s: images that did not load: %v", name, broken)
	}
	// The whole page, measured after its images have their sizes: the
	// scrollable area as layout has it now, at one CSS pixel per pixel.
	m, err := chromedp.Call(b.ctx, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil || m.CSSContentSize == nil {
		b.t.Fatalf("screenshot %s: layout metrics: %v", name, err)
	}
	yes := true
	shot, err := chromedp.Call(b.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  &page.Viewport{Width: math.Ceil(m.CSSContentSize.Width), Height: math.Ceil(m.CSSContentSize.Height), Scale: 1},
		CaptureBeyondViewport: &yes,
		FromSurface:           &yes,
	})
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	png := shot.Data
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		b.t.Fatalf("screenshot %s is not a PNG", name)
	}
	dir := os.Getenv(screenshotDirEnv)
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
