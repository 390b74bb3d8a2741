package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/ingest"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

var pendingField = regexp.MustCompile(`name="pending" value="([^"]+)"`)

// pendingID is the id of the file the result page kept for the confirmation.
func pendingID(t *testing.T, body string) string {
	t.Helper()
	m := pendingField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no pending upload on the page: %.3000s", body)
	}
	return m[1]
}

// inputValue is the value of the page's input named name ("" when absent).
func inputValue(body, name string) string {
	m := regexp.MustCompile(`<input name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// An admin (whose token names no department) uploads a real PDF at the desk
// without its codes: refused, the 申报信息 fieldset comes back open with
// the codes marked, the year, phase and department the PDF printed filled
// in, and the file kept; confirming with the codes stores the PDF's 238
// figures in a draft without choosing the file again. The kept file is this
// session's only, and gone once used.
func TestDeskFields_PDFWithoutCodesIsKeptAndConfirmed(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	s := storetest.SQLite(t)
	w := newWebSite(t, s)
	admin := makeToken(t, s, models.Token{Name: "管理员", Role: models.RoleAdmin})
	pdf, err := os.ReadFile(filepath.Join("..", "testdata", "pdf", "2025-budget-shanghai-putuo-finance-bureau.pdf"))
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, w.h)
	b.login(admin)
	home := b.last.Body.String()
	if !strings.Contains(home, `<details class="filing-fields">`) || !strings.Contains(home, `<input name="dept_code" value=""`) {
		t.Fatalf("the desk's upload form has no collapsed 申报信息: %.4000s", home)
	}
	rec := b.upload("budget.pdf", pdf, b.csrf())
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "这份 PDF 没有印出区划代码、部门编码，请在“申报信息”中填写或核对后确认（文件已暂存，无需重新选择）。") {
		t.Fatalf("upload without codes: %d %.3000s", rec.Code, body)
	}
	if !strings.Contains(body, `<details class="filing-fields" open>`) ||
		!regexp.MustCompile(`<input name="dept_code" value=""[^>]*aria-invalid="true"`).MatchString(body) ||
		!strings.Contains(body, `id="mark-dept_code">文件没有印出，请填写`) ||
		!regexp.MustCompile(`<input name="region_code" value=""[^>]*aria-invalid="true"`).MatchString(body) {
		t.Errorf("the fieldset is not open with the codes marked: %.5000s", body)
	}
	if got := inputValue(body, "fiscal_year"); got != "2025" {
		t.Errorf("年度 %q, want 2025 from the titles", got)
	}
	if got := inputValue(body, "dept_name"); got != "上海市普陀区财政局" {
		t.Errorf("部门名称 %q, want the cover's 上海市普陀区财政局", got)
	}
	if !strings.Contains(body, `<option value="budget" selected>预算</option>`) {
		t.Errorf("阶段 is not the titles' 预算: %.5000s", body)
	}
	if regexp.MustCompile(`name="fiscal_year"[^>]*aria-invalid`).MatchString(body) {
		t.Error("年度, which the PDF printed, is marked")
	}
	id := pendingID(t, body)
	if fs, _ := s.Filings(context.Background(), store.FilingFilter{Limit: 10}); len(fs) != 0 {
		t.Fatalf("a refused upload stored %d filings", len(fs))
	}

	type answer struct {
		StatusCode int
		Status     string // the page
	}
	confirm := func(b *browser, id string, fields url.Values) answer {
		t.Helper()
		b.get("/desk")
		form := url.Values{"csrf": {b.csrf()}, "pending": {id}}
		for k, v := range fields {
			form[k] = v
		}
		rec := b.post("/desk/upload/confirm", form)
		return answer{rec.Code, rec.Body.String()}
	}
	fields := url.Values{"region_code": {"310107"}, "dept_code": {"CZJ"}, "dept_name": {inputValue(body, "dept_name")},
		"fiscal_year": {inputValue(body, "fiscal_year")}, "phase": {"budget"}}

	// Another session cannot name this session's file, even signed in with the same token.
	other := newBrowser(t, w.h)
	other.login(admin)
	if r := confirm(other, id, fields); r.StatusCode != http.StatusNotFound || !strings.Contains(r.Status, "暂存的文件不存在或已过期") {
		t.Fatalf("another session confirms the pending upload: %d %.500s", r.StatusCode, r.Status)
	}

	// A year that contradicts the titles: asked again, the titles' year filled in and marked, the file still kept.
	wrong := url.Values{}
	for k, v := range fields {
		wrong[k] = v
	}
	wrong.Set("fiscal_year", "2024")
	r := confirm(b, id, wrong)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Status, "填写的年度与文件标题不一致") ||
		inputValue(r.Status, "fiscal_year") != "2025" || !strings.Contains(r.Status, `id="mark-fiscal_year">与文件标题不一致`) ||
		pendingID(t, r.Status) != id || inputValue(r.Status, "dept_code") != "CZJ" {
		t.Fatalf("a contradicting year: %d %.4000s", r.StatusCode, r.Status)
	}

	// Confirmed: a draft with the PDF's figures, the desk's result page.
	r = confirm(b, id, fields)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Status, "已保存到 1 份草稿") || strings.Contains(r.Status, `name="pending"`) {
		t.Fatalf("confirmation: %d %.3000s", r.StatusCode, r.Status)
	}
	draft := mustID(t, deskDraftID(t, r.Status))
	f, err := s.Filing(context.Background(), draft)
	if err != nil || f.RegionCode != "310107" || f.DeptCode != "CZJ" || f.FiscalYear != 2025 || f.Phase != models.PhaseBudget ||
		f.Status != models.StatusDraft || f.DeptName != "上海市普陀区财政局" {
		t.Fatalf("the draft: %+v %v", f, err)
	}
	items, err := s.LineItems(context.Background(), draft)
	if err != nil {
		t.Fatal(err)
	}
	figures := 0
	for _, it := range items {
		if it.Amount.Valid {
			figures++
		}
	}
	if figures != 238 {
		t.Errorf("%d figures in the draft, want the PDF's 238", figures)
	}
	if tp, err := s.ThreePublic(context.Background(), draft); err != nil || tp == nil {
		t.Errorf("no 三公 record: %v", err)
	}

	// Used: gone, in this session too.
	if r := confirm(b, id, fields); r.StatusCode != http.StatusNotFound {
		t.Errorf("a used pending upload: %d %.500s", r.StatusCode, r.Status)
	}
}

// A kept file ends after an hour and at sign-out; nothing of it stays in the
// database or on disk.
func TestDeskFields_PendingUploadExpiresAndEndsAtSignOut(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	s := storetest.SQLite(t)
	clock := storetest.NewClock()
	s.Now = clock.Now
	tmp := t.TempDir()
	svc := &filings.Service{Store: s, Checker: &filings.Rules{}, Options: ingest.DefaultOptions()}
	h := handlers.New(handlers.Deps{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(),
		Filings: svc, Limits: handlers.UploadLimits{MaxBytes: 64 << 20, TempDir: tmp}})
	admin := makeToken(t, s, models.Token{Name: "管理员", Role: models.RoleAdmin})
	pdf, err := os.ReadFile(filepath.Join("..", "testdata", "pdf", "2025-budget-shanghai-putuo-finance-bureau.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, h)
	b.login(admin)
	first := pendingID(t, b.upload("budget.pdf", pdf, b.csrf()).Body.String())
	clock.Advance(61 * time.Minute)
	b.get("/desk")
	second := pendingID(t, b.upload("budget.pdf", pdf, b.csrf()).Body.String())
	b.get("/desk")
	rec := b.post("/desk/upload/confirm", url.Values{"csrf": {b.csrf()}, "pending": {first}, "region_code": {"310107"}, "dept_code": {"CZJ"}})
	if rec.Code != http.StatusNotFound {
		t.Errorf("a pending upload after an hour: %d %.500s", rec.Code, rec.Body)
	}
	b.get("/desk")
	if rec := b.post("/desk/logout", url.Values{"csrf": {b.csrf()}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", rec.Code)
	}
	b.login(admin)
	rec = b.post("/desk/upload/confirm", url.Values{"csrf": {b.csrf()}, "pending": {second}, "region_code": {"310107"}, "dept_code": {"CZJ"}})
	if rec.Code != http.StatusNotFound {
		t.Errorf("a pending upload after sign-out: %d", rec.Code)
	}
	if n, pieces, err := s.CountPending(context.Background()); err != nil || n != 0 || pieces != 0 {
		t.Errorf("pending uploads left in the database: %d (%d pieces), %v", n, pieces, err)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
		t.Errorf("files left in the upload temp dir: %v", left)
	}
}

// An uploader's desk fills the fieldset from the token's scope: the region
// (read-only), and a select of the departments its token names.
func TestDeskFields_FilledFromTheTokensScope(t *testing.T) {
	s := storetest.SQLite(t)
	w := newWebSite(t, s)
	clerk := makeToken(t, s, models.Token{Name: "普陀区财政局", Role: models.RoleUploader, RegionCode: "310107", Depts: []string{"CZJ"}})
	b := newBrowser(t, w.h)
	b.login(clerk)
	home := b.last.Body.String()
	if !regexp.MustCompile(`<input name="region_code" value="310107"[^>]* readonly`).MatchString(home) ||
		!regexp.MustCompile(`<select name="dept_code">\s*<option value="">请选择</option>\s*<option value="CZJ" selected>CZJ</option>`).MatchString(home) ||
		strings.Contains(home, `<details class="filing-fields" open>`) {
		t.Errorf("the uploader's 申报信息: %.5000s", home)
	}
}

// Behind a load balancer: the file kept by one replica is confirmed on
// another (the same database, its own temp dir), which stores the draft.
func TestDeskFields_ConfirmedOnAnotherReplica(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	s := storetest.SQLite(t)
	replica := func() http.Handler {
		svc := &filings.Service{Store: s, Checker: &filings.Rules{}, Options: ingest.DefaultOptions()}
		return handlers.New(handlers.Deps{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(),
			Filings: svc, Limits: handlers.UploadLimits{MaxBytes: 64 << 20, TempDir: t.TempDir()}})
	}
	one, two := replica(), replica()
	admin := makeToken(t, s, models.Token{Name: "管理员", Role: models.RoleAdmin})
	pdf, err := os.ReadFile(filepath.Join("..", "testdata", "pdf", "2025-budget-shanghai-putuo-finance-bureau.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, one)
	b.login(admin)
	id := pendingID(t, b.upload("budget.pdf", pdf, b.csrf()).Body.String())
	b.h = two // the next request reaches the other replica, with the same session cookie
	b.get("/desk")
	rec := b.post("/desk/upload/confirm", url.Values{"csrf": {b.csrf()}, "pending": {id}, "region_code": {"310107"}, "dept_code": {"CZJ"},
		"dept_name": {"上海市普陀区财政局"}, "fiscal_year": {"2025"}, "phase": {"budget"}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "已保存到 1 份草稿") {
		t.Fatalf("confirmed on the other replica: %d %.2000s", rec.Code, rec.Body)
	}
	if fs, err := s.Filings(context.Background(), store.FilingFilter{Limit: 10}); err != nil || len(fs) != 1 || fs[0].DeptCode != "CZJ" {
		t.Fatalf("filings after the confirmation: %+v %v", fs, err)
	}
	if n, _, err := s.CountPending(context.Background()); err != nil || n != 0 {
		t.Errorf("the used upload is still kept: %d %v", n, err)
	}
}
