package handlers_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
	"sunshine/store/storetest"
)

type explanationsAnswer struct {
	Explanations []struct {
		Seq           int
		Heading, Text string
		Page          int
		SHA256, URL   string
	} `json:"explanations"`
}

// A PDF's explanation chapters (情况说明, 名词解释 …) are kept with its filing:
// the filing JSON lists them, each with its page of the kept PDF, to whoever
// may see the filing (a draft's as private as its figures); the published
// version's page shows them under 情况说明 after the tables; a CSV uploaded
// into the next draft keeps them.
func TestExplanations_FilingJSONAndPage(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	up := a.putuoPDF(t, "2024-final-shanghai-putuo-finance-bureau.pdf")
	if len(up.Filings) != 1 {
		t.Fatalf("filings %+v", up.Filings)
	}
	id := strconv.FormatInt(up.Filings[0].ID, 10)
	path := "/api/v1/sources/" + up.Upload.SHA256 + "/source.pdf"

	// The draft's explanations are the draft's: not to the public.
	if w := a.send(t, "GET", "/api/v1/filings/"+id, "", ""); w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "情况说明") {
		t.Fatalf("a draft without a token: %d %.300s", w.Code, w.Body)
	}
	if w := a.send(t, "GET", "/api/v1/filings/"+id, a.zixing, ""); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "情况说明") {
		t.Fatalf("a draft to another region's token: %d %.300s", w.Code, w.Body)
	}
	ans := decode[explanationsAnswer](t, a.send(t, "GET", "/api/v1/filings/"+id, a.admin, ""))
	found := 0
	for i, e := range ans.Explanations {
		if e.Seq != i+1 || e.SHA256 != up.Upload.SHA256 || e.URL != path+"#page="+strconv.Itoa(e.Page) {
			t.Errorf("section %+v", e)
		}
		switch e.Heading {
		case "七、财政拨款“三公”经费支出决算情况说明":
			found++
			if e.Page != 23 || !strings.Contains(e.Text, "上海市普陀区财政局2024年度无“三公”经费财政拨款支出。") {
				t.Errorf("the 三公 chapter: page %d, %q", e.Page, e.Text)
			}
		case "第四部分名词解释":
			found++
			if e.Page != 25 || !strings.Contains(e.Text, "十一、机关运行经费：指行政单位和参照公务员法管理的事业单位") {
				t.Errorf("名词解释: page %d, %q", e.Page, e.Text)
			}
		}
	}
	if found != 2 {
		t.Fatalf("the JSON lacks the 三公 chapter or 名词解释: %+v", ans.Explanations)
	}

	if w := a.get(t, "/regions/310107/departments/CZJ/2024/final/v1"); w.Code != http.StatusNotFound {
		t.Fatalf("a draft's page: %d", w.Code)
	}
	a.publish(t, up.Filings[0].ID, "")
	if pub := decode[explanationsAnswer](t, a.send(t, "GET", "/api/v1/filings/"+id, "", "")); len(pub.Explanations) != len(ans.Explanations) {
		t.Fatalf("published JSON: %d sections, the draft had %d", len(pub.Explanations), len(ans.Explanations))
	}
	page := a.get(t, "/regions/310107/departments/CZJ/2024/final/v1")
	body := page.Body.String()
	if page.Code != http.StatusOK {
		t.Fatalf("filing page: %d", page.Code)
	}
	tables, expl := strings.LastIndex(body, `class="data sheet"`), strings.Index(body, `<h2 id="explanations">情况说明</h2>`)
	if expl < 0 || tables < 0 || expl < tables {
		t.Fatalf("the page's 情况说明 is missing or before the tables (%d, %d)", expl, tables)
	}
	for _, want := range []string{
		"<h4>七、财政拨款“三公”经费支出决算情况说明</h4>",
		`<a href="` + path + `#page=23" title="在公开的 PDF 原件中打开这一节所在的页">原件第 23 页</a>`,
		"<p>上海市普陀区财政局2024年度无“三公”经费财政拨款支出。</p>",
		"<h3>第四部分名词解释</h3>",
	} {
		if !strings.Contains(body[expl:], want) {
			t.Errorf("the page's 情况说明 lacks %s", want)
		}
	}

	// A CSV of the 三公 record into the next draft keeps the explanations.
	csv, err := os.ReadFile(filepath.Join("..", "testdata", "real", "2024-final-shanghai-putuo-finance-bureau", "three_public.csv"))
	if err != nil {
		t.Fatal(err)
	}
	w := a.upload(t, a.admin, "三公.csv", csv, "")
	if w.Code != http.StatusCreated {
		t.Fatalf("CSV: %d %.500s", w.Code, w.Body)
	}
	next := decode[struct {
		Filings []models.Filing `json:"filings"`
	}](t, w)
	if len(next.Filings) != 1 || next.Filings[0].Version != 2 {
		t.Fatalf("CSV filings %+v", next.Filings)
	}
	kept := decode[explanationsAnswer](t, a.send(t, "GET", "/api/v1/filings/"+strconv.FormatInt(next.Filings[0].ID, 10), a.admin, ""))
	if len(kept.Explanations) != len(ans.Explanations) || kept.Explanations[0] != ans.Explanations[0] {
		t.Errorf("the draft after a CSV: %d sections, the version before %d", len(kept.Explanations), len(ans.Explanations))
	}
}

// The clerk reads a draft's explanations on the desk before publishing it:
// the desk's draft page shows them under 情况说明 with the page of each.
func TestExplanations_DeskDraftPageShowsThem(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	s := storetest.SQLite(t)
	w := newWebSite(t, s)
	clerkToken := makeToken(t, s, models.Token{Name: "普陀财政局上传员", Role: models.RoleUploader, RegionCode: "310107", Depts: []string{"CZJ"}})
	pdf, err := os.ReadFile(filepath.Join("..", "testdata", "pdf", "2024-final-shanghai-putuo-finance-bureau.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	clerk := newBrowser(t, w.h)
	clerk.login(clerkToken)
	id := deskDraftID(t, clerk.upload("决算.pdf", pdf, clerk.csrf()).Body.String())
	page := clerk.get("/desk/filings/" + id).Body.String()
	for _, want := range []string{`<h2 id="explanations">情况说明</h2>`, "<p>上海市普陀区财政局2024年度无“三公”经费财政拨款支出。</p>",
		"原件第 23 页"} {
		if !strings.Contains(page, want) {
			t.Errorf("the desk's draft page lacks %q", want)
		}
	}
}
