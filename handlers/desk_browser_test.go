package handlers_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sunshine/demo"
	"sunshine/models"
)

// clickCounter counts what a person does with the mouse in a browser round:
// each click on a button or a link, and each choice of a file (a click on the
// file field and a pick in the dialog, one action). Typing a token or a note
// and opening the desk's address are not clicks.
type clickCounter struct {
	n   int
	log []string
}

func (cc *clickCounter) click(b *realBrowser, what, sel string) {
	b.t.Helper()
	cc.n++
	cc.log = append(cc.log, what)
	b.click(sel)
}

func (cc *clickCounter) choose(b *realBrowser, what, sel, path string) {
	b.t.Helper()
	cc.n++
	cc.log = append(cc.log, what)
	b.do(what, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{path}))
}

// signIn opens the desk and types the token (no click); the button is the caller's click.
func deskSignIn(t *testing.T, b *realBrowser, url, secret string) {
	t.Helper()
	b.open(url + "/desk")
	if h := b.text("h1"); h != "上传台登录" {
		t.Fatalf("desk: %q", h)
	}
	b.do("type the token", chromedp.SendKeys(chromedp.ID("token"), secret))
}

// The desk's round in a real browser, as two people do it: a clerk of
// 阳光市财政局 (an uploader scoped to department 004) signs in, uploads the
// 2025 budget's 三公 file with an error, uploads the corrected file with
// "upload and submit"; an admin, in another browser, signs in, opens the review
// queue and publishes with a note. At most 8 clicks for the whole round. Then
// the clerk uploads a wrong file again, follows the finding to its cell (the
// sheet's header stays in view), and discards that draft after confirming.
func TestBrowser_DeskRoundSubmitQueuePublishAndDiscard(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	d := newDemoSite(t)
	clerkSecret := makeToken(t, d.s, models.Token{Name: "阳光市财政局上传员", Role: models.RoleUploader,
		RegionCode: demo.Region.Code, Depts: []string{"004"}})
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
	dir := t.TempDir()
	bad := deskFile(t, dir, "阳光市财政局2025年预算三公经费.csv", gen, right+10000*100) // 1.00 万元 too much
	good := deskFile(t, dir, "阳光市财政局2025年预算三公经费（更正）.csv", gen, right)
	worse := deskFile(t, dir, "阳光市财政局2025年预算三公经费（误传）.csv", gen, right+20000*100)

	var cc clickCounter
	clerk := startBrowser(t, d.srv)
	deskSignIn(t, clerk, d.srv.URL, clerkSecret)
	cc.click(clerk, "sign in (clerk)", `form[action="/desk/login"] button[type=submit]`)
	if !strings.Contains(clerk.text(".deskbar"), "已登录：阳光市财政局上传员") {
		t.Fatalf("after signing in: %q", clerk.text(".deskbar"))
	}
	cc.choose(clerk, "choose the file with the error", `form[action="/desk/upload"] input[type=file]`, bad)
	cc.click(clerk, "upload and check", `form[action="/desk/upload"] button.primary`)
	if f := clerk.text("table.findings"); !strings.Contains(f, "three_public.total") {
		t.Fatalf("the report lacks the error: %q", f)
	}
	var id string
	{
		var href string
		clerk.eval(`(document.querySelector('table.findings a[href*="/desk/filings/"]') || {}).href || ""`, &href)
		m := regexp.MustCompile(`/desk/filings/(\d+)`).FindStringSubmatch(href)
		if m == nil {
			t.Fatalf("no draft linked from the report: %q", href)
		}
		id = m[1]
	}
	if clerk.text(`form[action="/desk/filings/`+id+`/submit"]`) != "" {
		t.Error("a draft with an error offers to be submitted")
	}
	// Fix: the corrected file, straight from the result page, uploaded and submitted at once.
	cc.choose(clerk, "choose the corrected file", `#reupload input[type=file]`, good)
	cc.click(clerk, "upload, submit if clean", `#reupload button[formaction="/desk/upload?then=review"]`)
	var up struct {
		Submitted string `json:"submitted"`
		Errors    int    `json:"errors"`
		Tag       string `json:"tag"`
	}
	clerk.eval(`({
		submitted: (document.querySelector('.alert-ok[role=status]') || {}).innerText || "",
		errors: document.querySelectorAll(".sev-error").length,
		tag: (document.querySelector(".tag-review") || {}).innerText || "",
	})`, &up)
	if !strings.Contains(up.Submitted, "已提交审核 1 份草稿") || up.Errors != 0 || up.Tag != "已提交审核" {
		t.Fatalf("upload and submit: %+v\n%s", up, clerk.text("main"))
	}

	// The admin, in a browser of its own.
	admin := startBrowser(t, d.srv)
	deskSignIn(t, admin, d.srv.URL, d.admin)
	cc.click(admin, "sign in (admin)", `form[action="/desk/login"] button[type=submit]`)
	if q := admin.text(".queue-link"); !strings.Contains(q, "1 份已提交的草稿等待公开") {
		t.Errorf("the admin's desk does not announce the queue: %q", q)
	}
	cc.click(admin, "open the review queue", `a[href="/desk/queue"]`)
	var row struct {
		Checked bool     `json:"checked"`
		Cells   []string `json:"cells"`
		Boxes   int      `json:"boxes"`
	}
	admin.eval(`(() => {
		const box = document.querySelector('input[type=checkbox][name=id][value="`+id+`"]');
		const tr = box ? box.closest("tr") : null;
		return {checked: !!(box && box.checked), boxes: document.querySelectorAll('input[type=checkbox][name=id]').length,
			cells: tr ? [...tr.cells].map(c => c.innerText.trim()) : []};
	})()`, &row)
	if !row.Checked || row.Boxes != 1 || len(row.Cells) != 10 || !strings.Contains(row.Cells[2], gen.DeptName) ||
		row.Cells[6] != "0" || !strings.Contains(row.Cells[9], "阳光市财政局上传员") {
		t.Fatalf("the queue's row: %+v", row)
	}
	admin.do("type the note", chromedp.SendKeys(chromedp.ID("note"), "2025 年部门预算三公经费统一公开"))
	admin.screenshot("07-desk-queue.png")
	cc.click(admin, "publish the ticked drafts", `form[action="/desk/queue/publish"] button[type=submit]`)
	if loc := admin.location(); loc.Path != "/desk/queue" || loc.Query().Get("done") != "published" {
		t.Fatalf("after publishing: %s", loc)
	}
	// One act: the draft's 三公 record and its line items make one new release of each of their two datasets.
	if msg := admin.text(".alert-ok"); !strings.Contains(msg, "已公开 1 份申报") || !strings.Contains(msg, "作为一次公开生成了 2 个数据集新版本") {
		t.Errorf("the queue after publishing says %q", msg)
	}

	t.Logf("the round took %d clicks: %s", cc.n, strings.Join(cc.log, " → "))
	if cc.n > 8 {
		t.Errorf("the round took %d clicks, more than 8", cc.n)
	}
	var filing struct {
		Filing struct {
			Status string  `json:"status"`
			Note   *string `json:"note"`
		} `json:"filing"`
		ThreePublic struct {
			Total json.Number `json:"total_yuan"`
		} `json:"three_public"`
	}
	d.getJSON(t, "/api/v1/filings/"+id, &filing)
	if filing.Filing.Status != string(models.StatusPublished) || filing.ThreePublic.Total.String() != right.Format(models.Yuan) ||
		filing.Filing.Note == nil || *filing.Filing.Note != "2025 年部门预算三公经费统一公开" {
		t.Errorf("the API says %+v (note %v), want published with 合计 %s 元 and the note", filing, filing.Filing.Note, right.Format(models.Yuan))
	}

	// Discard: a wrong file uploaded by mistake makes a new draft (version 2); the finding leads to its cell.
	clerk.click(`nav.crumbs a[href="/desk"]`)
	clerk.do("choose the wrong file", chromedp.SetUploadFiles(chromedp.CSS(`form[action="/desk/upload"] input[type=file]`), []string{worse}))
	clerk.click(`form[action="/desk/upload"] button.primary`)
	var link string
	clerk.eval(`(document.querySelector('table.findings a[href$="#c-three_public--total"]') || {}).href || ""`, &link)
	m := regexp.MustCompile(`/desk/filings/(\d+)#`).FindStringSubmatch(link)
	if m == nil || m[1] == id {
		t.Fatalf("the wrong file's finding links to %q (published %s)", link, id)
	}
	draft := m[1]
	clerk.click(`table.findings a[href$="#c-three_public--total"]`)
	assertHeaderInView(t, clerk, "c-three_public--total")
	// A cell deep in the longest sheet, jumped to as a finding's link does: its header row sticks to the top.
	var deep string
	clerk.eval(`(() => {
		const tables = [...document.querySelectorAll("section.grid table.sheet")];
		tables.sort((a, b) => b.rows.length - a.rows.length);
		const cells = tables.length ? [...tables[0].querySelectorAll("tbody td[id]")] : [];
		return cells.length ? cells[Math.floor(cells.length * 2 / 3)].id : "";
	})()`, &deep)
	if deep == "" {
		t.Fatal("the draft renders no sheet with cells")
	}
	clerk.do("jump to "+deep, chromedp.Evaluate[chromedp.Void](`location.hash = "`+deep+`"`))
	stuck := assertHeaderInView(t, clerk, deep)
	if !stuck {
		t.Errorf("jumping to %s deep in the longest sheet did not need the sticky header (the table's top is in view): the check proves nothing", deep)
	}
	windowShot(t, clerk, "08-desk-sticky-header.png") // the window as the clerk sees it: a full-page picture would unstick the header

	clerk.click(`a.discard[href="/desk/filings/` + draft + `/discard"]`)
	if h := clerk.text("h1"); h != "放弃草稿 "+draft+"？" {
		t.Fatalf("the confirmation page: %q", h)
	}
	if body := clerk.text("main"); !strings.Contains(body, "不能恢复") || !strings.Contains(body, "已公开的第 1 版不受影响") {
		t.Errorf("the confirmation does not say what goes and what stays: %q", body)
	}
	clerk.screenshot("09-desk-discard.png")
	clerk.click(`form[action="/desk/filings/` + draft + `/discard"] button[type=submit]`)
	if loc := clerk.location(); loc.Path != "/desk" || loc.Query().Get("done") != "discarded" {
		t.Fatalf("after discarding: %s", loc)
	}
	if msg := clerk.text(".alert-ok"); !strings.Contains(msg, "已放弃草稿 "+draft) {
		t.Errorf("the desk after discarding says %q", msg)
	}
	if n := clerk.text(`a[href="/desk/filings/` + draft + `"]`); n != "" {
		t.Errorf("the discarded draft is still listed: %q", n)
	}
	if w := d.get(t, "/api/v1/filings/"+draft); w.Code != 404 {
		t.Errorf("the discarded draft through the API: %d", w.Code)
	}
	d.getJSON(t, "/api/v1/filings/"+id, &filing)
	if filing.Filing.Status != string(models.StatusPublished) || filing.ThreePublic.Total.String() != right.Format(models.Yuan) {
		t.Errorf("the published version after discarding the draft: %+v", filing)
	}
	entries, err := d.s.AuditLog(t.Context(), "filing:"+draft, 5)
	if err != nil || len(entries) == 0 || entries[0].Action != "discard" || entries[0].Actor != "阳光市财政局上传员" {
		t.Errorf("the audit log of the discarded draft: %+v %v", entries, err)
	}
}

// assertHeaderInView checks, after a jump to the cell with this id, that the
// cell is in the window and its sheet's header row is visible above it, not
// covering it. It reports whether the header was stuck (the table's own top
// had scrolled out of the window).
func assertHeaderInView(t *testing.T, b *realBrowser, cell string) bool {
	t.Helper()
	var g struct {
		Target                 bool
		CellTop, CellBottom    float64
		HeadTop, HeadBottom    float64
		TableTop, WindowHeight float64
	}
	b.eval(`(() => {
		const td = document.getElementById("`+cell+`");
		if (!td) return {};
		const th = td.closest("table").querySelector("thead th");
		const c = td.getBoundingClientRect(), h = th.getBoundingClientRect();
		return {Target: td.matches(":target"), CellTop: c.top, CellBottom: c.bottom, HeadTop: h.top, HeadBottom: h.bottom,
			TableTop: td.closest("table").getBoundingClientRect().top, WindowHeight: innerHeight};
	})()`, &g)
	if !g.Target || g.CellTop < 0 || g.CellBottom > g.WindowHeight {
		t.Errorf("the jump to %s does not show the cell: %+v", cell, g)
	}
	if g.HeadTop < -0.5 || g.HeadBottom > g.CellTop+0.5 {
		t.Errorf("the sheet's header is not in view above %s: %+v", cell, g)
	}
	return g.TableTop < 0
}

// windowShot saves what the window shows (not the whole page) as name in
// $SUNSHINE_SCREENSHOT_DIR; without it, it takes the picture and keeps it nowhere.
func windowShot(t *testing.T, b *realBrowser, name string) {
	t.Helper()
	shot, err := chromedp.Call(b.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
	if err != nil || len(shot.Data) < 8 || string(shot.Data[1:4]) != "PNG" {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if dir := os.Getenv(screenshotDirEnv); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), shot.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
