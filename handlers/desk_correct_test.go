package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sunshine/filings"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
	"sunshine/store/storetest"
)

// reviewForm is the correction form of one figure of the review view: its hidden fields.
var reviewForm = regexp.MustCompile(`(?s)<tr id="(fig-[^"]+)"[^>]*>.*?<form method="post" action="(/desk/filings/\d+/figures)" class="fix">(.*?)</form>`)
var hiddenField = regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)">`)

// correctionForms reads the correction forms of a review page by anchor: their hidden fields.
func correctionForms(t *testing.T, body string) map[string]url.Values {
	t.Helper()
	out := map[string]url.Values{}
	for _, m := range reviewForm.FindAllStringSubmatch(body, -1) {
		v := url.Values{}
		for _, h := range hiddenField.FindAllStringSubmatch(m[3], -1) {
			v.Set(h[1], html.UnescapeString(h[2]))
		}
		out[m[1]] = v
	}
	return out
}

// Correcting a figure from the review view, over HTTP: only a desk session
// that may write the draft (another department's uploader: 404; no form
// token: 403), only while it is a draft (409); a figure that is not a number
// is refused (400) naming it, writing nothing; blank is 未公开, not 0; a
// correction stores the figure, reruns the checks and says so on the page,
// at the figure; a page is marked as checked, by whom.
func TestDeskCorrect_FromTheReviewView(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	site := newWebSite(t, s)
	fid := a.putuoPDF(t, "2025-budget-shanghai-putuo-finance-bureau.pdf").Filings[0].ID
	id := strconv.FormatInt(fid, 10)
	clerkSecret := makeToken(t, s, models.Token{Name: "普陀财政局上传员", Role: models.RoleUploader, RegionCode: "310107", Depts: []string{"CZJ"}})
	otherSecret := makeToken(t, s, models.Token{Name: "普陀教育局上传员", Role: models.RoleUploader, RegionCode: "310107", Depts: []string{"JYJ"}})

	clerk := newBrowser(t, site.h)
	clerk.login(clerkSecret)
	rec := clerk.get("/desk/filings/" + id + "/review?page=21")
	body := rec.Body.String()
	forms := correctionForms(t, body)
	// Page 21: the 三公 table (合计 0.95, 公务接待费 0.95) and the 机关运行经费 229.43 万元.
	cost, reception := "", "fig-three_public--reception"
	for anchor := range forms {
		if strings.HasPrefix(anchor, "fig-operating_cost-") {
			cost = anchor
		}
	}
	if rec.Code != 200 || len(forms) != 3 || cost == "" || forms[reception] == nil || !strings.Contains(body, `value="229.43"`) {
		t.Fatalf("review page 21: %d, forms %v\n%.3000s", rec.Code, forms, body)
	}
	csrf := clerk.csrf()
	post := func(b *browser, anchor, amount string, csrf string) *httptest.ResponseRecorder {
		t.Helper()
		v := url.Values{}
		for k, vs := range forms[anchor] {
			v[k] = vs
		}
		v.Set("amount", amount)
		if csrf != "" {
			v.Set("csrf", csrf)
		} else {
			v.Del("csrf")
		}
		return b.post("/desk/filings/"+id+"/figures", v)
	}
	stored := func() (models.LineItem, *models.ThreePublic) {
		t.Helper()
		items, err := s.LineItems(context.Background(), fid)
		if err != nil {
			t.Fatal(err)
		}
		var li models.LineItem
		for _, it := range items {
			if it.Table == models.TableOperatingCost {
				li = it
			}
		}
		tp, err := s.ThreePublic(context.Background(), fid)
		if err != nil || tp == nil {
			t.Fatalf("三公: %v", err)
		}
		return li, tp
	}
	before, _ := stored()
	if before.Amount != models.Disclosed(229_430_000) {
		t.Fatalf("机关运行经费 as read: %+v", before)
	}

	// Refused: no form token; another department's uploader; a figure that is not one.
	if rec := post(clerk, cost, "229.34", ""); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "CSRF") {
		t.Errorf("no form token: %d", rec.Code)
	}
	other := newBrowser(t, site.h)
	other.login(otherSecret)
	if rec := post(other, cost, "229.34", other.csrf()); rec.Code != http.StatusNotFound {
		t.Errorf("another department's uploader: %d %.300s", rec.Code, rec.Body)
	}
	rec = post(clerk, cost, "229.3.4", csrf)
	if body := rec.Body.String(); rec.Code != http.StatusBadRequest || !strings.Contains(body, "机关运行经费") ||
		!strings.Contains(body, "“229.3.4”不是有效的金额（单位：万元；留空表示未公开）") || !strings.Contains(body, `value="229.3.4"`) ||
		!strings.Contains(body, `class="refused"`) {
		t.Errorf("a figure that is not one: %d %.3000s", rec.Code, body)
	}
	if li, _ := stored(); li.Amount != before.Amount {
		t.Errorf("a refused correction stored %+v", li.Amount)
	}

	// Corrected: stored, checked again, said on the page at the figure.
	rec = post(clerk, cost, "229.34", csrf)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasSuffix(loc, "&page=21&done=corrected#"+cost) {
		t.Fatalf("correct: %d %q %.500s", rec.Code, loc, rec.Body)
	}
	if li, _ := stored(); li.Amount != models.Disclosed(229_340_000) {
		t.Errorf("stored after the correction: %+v", li.Amount)
	}
	page := clerk.get(strings.Split(loc, "#")[0]).Body.String() // a browser keeps the fragment to itself
	if !regexp.MustCompile(`已更正：机关运行经费 合计 · 金额（第 21 页），由 229.43 万元 改为 229.34 万元；检查结果：\d+ 个错误`).MatchString(page) ||
		!strings.Contains(page, `value="229.34"`) {
		t.Errorf("the page after the correction: %.3000s", page)
	}
	log, _ := s.AuditLog(context.Background(), "filing:"+id, 5)
	if len(log) == 0 || log[0].Action != filings.AuditCorrect || log[0].Actor != "普陀财政局上传员" ||
		!strings.Contains(log[0].Detail, `"before_fen":229430000`) || !strings.Contains(log[0].Detail, `"after_fen":229340000`) {
		t.Errorf("audit: %+v", log)
	}

	// Blank is not disclosed.
	if rec := post(clerk, reception, " ", csrf); rec.Code != http.StatusSeeOther {
		t.Fatalf("blank: %d %.500s", rec.Code, rec.Body)
	}
	if _, tp := stored(); tp.Reception.Valid {
		t.Errorf("blank stored as %+v, want 未公开", tp.Reception)
	}
	if page := clerk.get("/desk/filings/" + id + "/review?page=21&done=corrected").Body.String(); !strings.Contains(page, "由 0.95 万元 改为 未公开") {
		t.Errorf("the page after a blank: %.3000s", page)
	}

	// The page checked, by whom.
	sha := forms[cost].Get("sha")
	rec = clerk.post("/desk/filings/"+id+"/confirm", url.Values{"csrf": {csrf}, "sha": {sha}, "page": {"21"}})
	if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "&page=21&done=confirmed") {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if page := clerk.get(rec.Header().Get("Location")).Body.String(); !strings.Contains(page, "已核对 · 普陀财政局上传员") ||
		!strings.Contains(page, "已记录：第 21 页已核对。") {
		t.Errorf("the page after confirming: %.3000s", page)
	}
	// A figure of the checked page corrected afterwards: the page is to be checked again, until it is.
	if rec := post(clerk, cost, "229.35", csrf); rec.Code != http.StatusSeeOther {
		t.Fatalf("a correction after the check: %d %.500s", rec.Code, rec.Body)
	}
	if page := clerk.get("/desk/filings/" + id + "/review?page=21").Body.String(); strings.Contains(page, "已核对 · 普陀财政局上传员") ||
		!strings.Contains(page, "需重新核对") || !strings.Contains(page, "更正了本页的数字，请重新核对。") {
		t.Errorf("the page corrected after its check: %.3000s", page)
	}
	rec = clerk.post("/desk/filings/"+id+"/confirm", url.Values{"csrf": {csrf}, "sha": {sha}, "page": {"21"}})
	if page := clerk.get(rec.Header().Get("Location")).Body.String(); !strings.Contains(page, "已核对 · 普陀财政局上传员") || strings.Contains(page, "需重新核对") {
		t.Errorf("the page checked again: %.3000s", page)
	}
	if rec := clerk.post("/desk/filings/"+id+"/confirm", url.Values{"csrf": {csrf}, "sha": {sha}, "page": {"1"}}); rec.Code != http.StatusNotFound {
		t.Errorf("confirming a page with no figure: %d", rec.Code)
	}
	other.get("/desk")
	if rec := other.post("/desk/filings/"+id+"/confirm", url.Values{"csrf": {other.csrf()}, "sha": {sha}, "page": {"21"}}); rec.Code != http.StatusNotFound {
		t.Errorf("another department confirms: %d", rec.Code)
	}

	// Published: no forms, and a correction is refused.
	if rec := post(clerk, reception, "0.95", csrf); rec.Code != http.StatusSeeOther {
		t.Fatalf("restore: %d", rec.Code)
	}
	a.publish(t, fid, "")
	if page := clerk.get("/desk/filings/" + id + "/review?page=21").Body.String(); strings.Contains(page, `class="fix"`) || strings.Contains(page, "本页已核对</button>") {
		t.Errorf("a published filing offers corrections: %.2000s", page)
	}
	if rec := post(clerk, cost, "1", csrf); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "已不是草稿，不能更正") {
		t.Errorf("correcting a published filing: %d %.500s", rec.Code, rec.Body)
	}
}
