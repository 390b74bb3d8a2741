package handlers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// The pages a person can cite (web/citable.go) and the change log's filters
// and pages, over the fixture of publishedFixture: 001 and 002 published
// (releases 1 and 2), then 001 corrected (release 3: 公务接待费 3.85 → 3.50 万元).

const citedDataset = "431081-2024-final-three_public"

// pageText is the visible text of an HTML page, whitespace collapsed, for
// checks that must not depend on the markup between two words.
func pageText(t *testing.T, body string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestCitable_DatasetPageListsEveryReleaseAndCitesTheFileByItsHash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		publishedFixture(t, a)
		// A draft that renames the department must not show anywhere public.
		a.upload(t, a.admin, "草稿.csv", []byte(strings.ReplaceAll(correctedThreePublic, "资兴市财政局,2024,决算,万元,12.00", "草稿改名局,2024,决算,万元,13.00")), "")

		w := a.get(t, "/datasets/"+citedDataset)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		body := w.Body.String()
		text := pageText(t, body)
		for _, want := range []string{"资兴市（演示） 2024 年决算 三公经费", "第 3 版", "第 2 版", "第 1 版", "更正 资兴市财政局", "新增 资兴市教育局",
			"更正公务接待费：原表多记 0.35 万元", "发布者 阳光财政", "GB/T 7714"} {
			if !strings.Contains(text, want) {
				t.Errorf("the dataset page lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(body, "草稿改名") {
			t.Error("the dataset page shows a draft's name")
		}
		for _, href := range []string{`href="/datasets/` + citedDataset + `/diff?from=2&amp;to=3"`, `href="/api/v1/datasets/` + citedDataset + `"`,
			`href="/regions/431081/departments/001/2024/final/v2"`, `href="/datasets/` + citedDataset + `/releases/3"`,
			`<link rel="alternate" type="application/atom+xml" title="阳光财政更新记录（Atom）" href="/feeds/changes.atom?dataset=` + citedDataset + `">`} {
			if !strings.Contains(body, href) {
				t.Errorf("the dataset page lacks %s", href)
			}
		}
		// The SHA-256 in the citation is that of the file the API serves.
		csv := a.get(t, "/api/v1/datasets/"+citedDataset+"/releases/3/data.csv")
		sum := sha256.Sum256(csv.Body.Bytes())
		want := hex.EncodeToString(sum[:])
		if csv.Code != 200 || !strings.Contains(body, want) {
			t.Errorf("the citation does not give data.csv's SHA-256 %s (%d bytes)", want, csv.Body.Len())
		}
		if !strings.Contains(text, "阳光财政. 资兴市（演示） 2024 年决算 三公经费（第 3 版）[DS/OL]. (") ||
			!strings.Contains(text, "http://example.com/datasets/"+citedDataset+"/releases/3. data.csv SHA-256: "+want+".") {
			t.Errorf("the citation text: %s", text)
		}
		// Every dataset title on the other pages opens this page, not JSON.
		for _, p := range []string{"/datasets", "/changes", "/", "/regions/431081/2024", "/regions/431081/departments/001"} {
			if b := a.get(t, p).Body.String(); !strings.Contains(b, `href="/datasets/`+citedDataset+`"`) {
				t.Errorf("%s does not link the dataset's page", p)
			}
		}
		if w := a.get(t, "/datasets/431081-2024-budget-three_public"); w.Code != 404 {
			t.Errorf("an unpublished dataset: %d", w.Code)
		}
	})
}

func TestCitable_ReleasePageShowsOldAndNewPerFigureAsTheAPIDiffHas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		publishedFixture(t, a)
		w := a.get(t, "/datasets/"+citedDataset+"/releases/3")
		if w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		text := pageText(t, w.Body.String())
		for _, want := range []string{"更正的部门（1 个）", "资兴市财政局 001 第 1 版 → 第 2 版",
			"公务接待费 3.85 万元 38,500.00 元 → 3.50 万元 35,000.00 元", "合计 12.35 万元 123,500.00 元 → 12.00 万元 120,000.00 元",
			"公务用车保有量 3 → 未公开", "预算数合计 15.00 万元 150,000.00 元 → 未公开"} {
			if !strings.Contains(text, want) {
				t.Errorf("release 3's page lacks %q:\n%s", want, text)
			}
		}
		// Every amount the API's diff says changed is on the page, old and new, in 元.
		ans := decode[handlers.DiffAnswer](t, a.get(t, "/api/v1/datasets/"+citedDataset+"/diff?from=2&to=3"))
		amounts := 0
		for _, ch := range ans.Changed {
			for _, c := range ch.Changes {
				if !strings.HasSuffix(c.Field, "_yuan") {
					continue
				}
				for _, v := range []*string{c.Old, c.New} {
					if v == nil {
						continue
					}
					m, err := models.ParseMoney(*v, models.Yuan)
					if err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(text, m.FormatGrouped(models.Yuan)+" 元") {
						t.Errorf("the API's diff has %s = %s, the page does not", c.Field, *v)
					}
					amounts++
				}
			}
		}
		if amounts < 8 {
			t.Fatalf("only %d amounts compared: %+v", amounts, ans)
		}
		// Release 1 against nothing: the departments it first published.
		if text := pageText(t, a.get(t, "/datasets/"+citedDataset+"/releases/1").Body.String()); !strings.Contains(text, "首次公开的部门") ||
			!strings.Contains(text, "新增部门（1 个）") {
			t.Errorf("release 1: %s", text)
		}
		// Any two releases; the wrong ones answered in Chinese.
		text = pageText(t, a.get(t, "/datasets/"+citedDataset+"/diff?from=1&to=3").Body.String())
		if !strings.Contains(text, "第 1 版与第 3 版比较") || !strings.Contains(text, "新增部门（1 个）") || !strings.Contains(text, "资兴市教育局") {
			t.Errorf("1→3: %s", text)
		}
		for path, code := range map[string]int{"/diff?from=3&to=1": 400, "/diff?from=1&to=9": 404, "/diff?from=x": 400,
			"/diff?from=1&to=2&unit=wan": 400, "/releases/0": 404, "/releases/4": 404} {
			if w := a.get(t, "/datasets/"+citedDataset+path); w.Code != code || !strings.Contains(w.Body.String(), "<html") {
				t.Errorf("%s: %d, want %d (an HTML page)", path, w.Code, code)
			}
		}
	})
}

func TestCitable_FilingPageAnchorsEveryFigureAndMarksCorrections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		publishedFixture(t, a)
		a.upload(t, a.admin, "草稿.csv", []byte(strings.ReplaceAll(correctedThreePublic, "资兴市财政局", "草稿改名局")), "")
		v2 := a.get(t, "/regions/431081/departments/001/2024/final/v2")
		if v2.Code != 200 {
			t.Fatalf("%d %s", v2.Code, v2.Body)
		}
		body := v2.Body.String()
		for _, it := range models.ThreePublicAmounts {
			if !strings.Contains(body, `id="tp-`+it.Key+`"`) {
				t.Errorf("no anchor for %s", it.Key)
			}
		}
		for _, it := range models.ThreePublicCounts {
			if !strings.Contains(body, `id="tp-`+it.Key+`"`) {
				t.Errorf("no anchor for %s", it.Key)
			}
		}
		diff := `/datasets/` + citedDataset + `/diff?from=2&amp;to=3#dept-001`
		row := regexp.MustCompile(`(?s)<tr id="tp-reception">.*?</tr>`).FindString(body)
		if !strings.Contains(row, "3.50") || !strings.Contains(row, `<a class="corrected" href="`+diff+`">已更正</a>`) || !strings.Contains(row, "3.85") {
			t.Errorf("公务接待费 is not marked corrected with a link to the diff: %s", row)
		}
		if row := regexp.MustCompile(`(?s)<tr id="tp-outbound_trips">.*?</tr>`).FindString(body); strings.Contains(row, "已更正") {
			t.Errorf("an unchanged figure is marked: %s", row)
		}
		if strings.Contains(body, "草稿改名") {
			t.Error("the filing page shows a draft's name")
		}
		if !strings.Contains(pageText(t, body), "收录于： 资兴市（演示） 2024 年决算 三公经费 第 3 版") {
			t.Errorf("the releases holding v2: %s", pageText(t, body))
		}
		v1 := a.get(t, "/regions/431081/departments/001/2024/final/v1").Body.String()
		if strings.Contains(v1, `class="corrected"`) || !strings.Contains(v1, `此版已被 <a href="/regions/431081/departments/001/2024/final/v2">第 2 版</a>`) {
			t.Errorf("version 1's page: %s", pageText(t, v1))
		}
		// The draft (v3) has no page; /filings/{id} sends a published version to its page.
		if w := a.get(t, "/regions/431081/departments/001/2024/final/v3"); w.Code != 404 || strings.Contains(w.Body.String(), "草稿改名") {
			t.Errorf("a draft's page: %d", w.Code)
		}
		fs, err := s.Filings(t.Context(), store.FilingFilter{Region: "431081", Dept: "001", Year: 2024, Phase: models.PhaseFinal})
		if err != nil || len(fs) != 3 {
			t.Fatalf("%v %v", fs, err)
		}
		for _, f := range fs {
			w := a.get(t, "/filings/"+itoa(f.ID))
			switch f.Status {
			case models.StatusDraft:
				if w.Code != 404 {
					t.Errorf("/filings/%d (a draft): %d", f.ID, w.Code)
				}
			default:
				if w.Code != 301 || w.Header().Get("Location") != "/regions/431081/departments/001/2024/final/v"+itoa(int64(f.Version)) {
					t.Errorf("/filings/%d: %d %s", f.ID, w.Code, w.Header().Get("Location"))
				}
			}
		}
	})
}

func TestCitable_LineItemCorrectionIsShownCellByCell(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "line_items_utf8.csv", nil, ""))
	a.publish(t, up.Filings[0].ID, "")
	fix := "区划代码,部门编码,部门名称,年度,阶段,单位,表,科目编码,科目名称,栏目,金额\n" +
		"431081,001,资兴市财政局,2025,预算,元,general_expenditure,total,合计,total,\"1,000,000.00\"\n" +
		"431081,001,资兴市财政局,2025,预算,元,general_expenditure,total,合计,basic,\"750,000.00\"\n" +
		"431081,001,资兴市财政局,2025,预算,元,general_expenditure,total,合计,project,\"250,000.00\"\n"
	up = decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "fix.csv", []byte(fix), ""))
	a.publish(t, up.Filings[0].ID, "基本支出与项目支出划分更正")
	id := "431081-2025-budget-line_items"
	text := pageText(t, a.get(t, "/datasets/"+id+"/releases/2").Body.String())
	for _, want := range []string{"一般公共预算支出表 › total 合计 › 基本支出 80.00 万元 800,000.00 元 → 75.00 万元 750,000.00 元",
		"一般公共预算支出表 › total 合计 › 项目支出 20.00 万元 200,000.00 元 → 25.00 万元 250,000.00 元"} {
		if !strings.Contains(text, want) {
			t.Errorf("release 2 lacks %q:\n%s", want, text)
		}
	}
	body := a.get(t, "/regions/431081/departments/001/2025/budget/v2").Body.String()
	cell := regexp.MustCompile(`<td class="num" id="li-general_expenditure-total-basic">.*?</td>`).FindString(body)
	if !strings.Contains(cell, "75.00") || !strings.Contains(cell, "已更正") || !strings.Contains(cell, "/datasets/"+id+"/diff?from=1&amp;to=2#dept-001") {
		t.Errorf("the corrected cell: %q", cell)
	}
	if cell := regexp.MustCompile(`<td class="num" id="li-general_expenditure-total-total">.*?</td>`).FindString(body); cell == "" || strings.Contains(cell, "已更正") {
		t.Errorf("an unchanged cell: %q", cell)
	}
}

// atomPage is what the paging test reads of a feed page.
type atomPage struct {
	ID    string `xml:"id"`
	Links []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		ID    string `xml:"id"`
		Title string `xml:"title"`
	} `xml:"entry"`
}

func (p atomPage) link(rel string) string {
	for _, l := range p.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

func TestChanges_FilterByDatasetDeptAndKindAndPageThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		publishedFixture(t, a)
		li := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "line_items_utf8.csv", nil, ""))
		a.publish(t, li.Filings[0].ID, "")
		type page struct {
			Data []handlers.ReleaseEntry `json:"data"`
			Next *string                 `json:"next"`
		}
		// Walk a filter's pages one entry at a time; the next links keep the filters.
		walk := func(q string) []handlers.ReleaseEntry {
			var out []handlers.ReleaseEntry
			next := "/api/v1/changes?limit=1&" + q
			for next != "" && len(out) < 20 {
				w := a.get(t, next)
				if w.Code != 200 {
					t.Fatalf("%s: %d %s", next, w.Code, w.Body)
				}
				p := decode[page](t, w)
				out = append(out, p.Data...)
				next = ""
				if p.Next != nil {
					next = strings.TrimPrefix(*p.Next, "http://example.com")
				}
			}
			return out
		}
		all := walk("")
		cases := []struct {
			q    string
			want func(handlers.ReleaseEntry) bool
		}{
			{"dataset=" + citedDataset, func(e handlers.ReleaseEntry) bool { return e.DatasetID == citedDataset }},
			{"dept=001", func(e handlers.ReleaseEntry) bool { return e.DeptCode == "001" }},
			{"dept=002", func(e handlers.ReleaseEntry) bool { return e.DeptCode == "002" }},
			{"kind=correction", func(e handlers.ReleaseEntry) bool { return e.Action == store.ActionCorrection }},
			{"kind=publish&dept=001&region=431081", func(e handlers.ReleaseEntry) bool {
				return e.Action == store.ActionPublish && e.DeptCode == "001"
			}},
			{"dataset=nope", func(handlers.ReleaseEntry) bool { return true }},
		}
		for _, c := range cases {
			got := walk(c.q)
			want := 0
			for _, e := range all {
				if c.want(e) {
					want++
				}
			}
			if c.q == "dataset=nope" {
				want = 0
			}
			if len(got) != want {
				t.Errorf("%s: %d entries, want %d", c.q, len(got), want)
			}
			for _, e := range got {
				if !c.want(e) {
					t.Errorf("%s: %+v does not match", c.q, e)
				}
			}
		}
		if len(all) != 4 || len(walk("dept=001")) != 3 || len(walk("kind=correction")) != 1 {
			t.Errorf("entries: all %d", len(all))
		}
		for q, code := range map[string]int{"kind=bogus": 422, "kind=three_public": 422, "department=001": 400, "limit=x": 422} {
			if w := a.get(t, "/api/v1/changes?"+q); w.Code != code || !strings.Contains(w.Body.String(), "参数") {
				t.Errorf("%s: %d %s", q, w.Code, w.Body)
			}
		}

		// Atom: the same filters, RFC 5005 pages.
		var titles []string
		next := "/feeds/changes.atom?dept=001&limit=1"
		pages := 0
		for next != "" && pages < 10 {
			w := a.get(t, next)
			if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/atom+xml") {
				t.Fatalf("%s: %d %s", next, w.Code, w.Body)
			}
			var p atomPage
			if err := xml.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			pages++
			if p.ID != "http://example.com/feeds/changes.atom?dept=001&limit=1" || p.link("first") != p.ID || p.link("self") != "http://example.com"+next {
				t.Errorf("page %d: id %s first %s self %s", pages, p.ID, p.link("first"), p.link("self"))
			}
			for _, e := range p.Entries {
				titles = append(titles, e.Title)
			}
			next = p.link("next")
			if next != "" {
				u, err := url.Parse(next)
				if err != nil || u.Query().Get("dept") != "001" || u.Query().Get("after") == "" {
					t.Fatalf("next: %s", next)
				}
				next = strings.TrimPrefix(next, "http://example.com")
			}
		}
		if len(titles) != 3 || pages != 4 && pages != 3 {
			t.Errorf("Atom pages %d, entries %v", pages, titles)
		}
		for _, ti := range titles {
			if !strings.Contains(ti, "资兴市财政局") {
				t.Errorf("an entry of another department: %s", ti)
			}
		}
		if w := a.get(t, "/feeds/changes.atom?kind=nope"); w.Code != 422 { // a wrong value, as elsewhere; an unknown parameter is 400
			t.Errorf("Atom kind=nope: %d", w.Code)
		}

		// The HTML change log: the same filters, and the feed it advertises.
		body := a.get(t, "/changes?dept=002").Body.String()
		if !strings.Contains(body, `<link rel="alternate" type="application/atom+xml" title="阳光财政更新记录（Atom）" href="/feeds/changes.atom?dept=002">`) ||
			strings.Count(body, `<span class="tag tag-`) != 1 || !strings.Contains(body, "资兴市教育局") {
			t.Errorf("/changes?dept=002: %s", pageText(t, body))
		}
		if w := a.get(t, "/changes?kind=nope"); w.Code != 400 {
			t.Errorf("/changes?kind=nope: %d", w.Code)
		}
	})
}

// One act publishing several departments makes one release: the change log
// finds it by any of its departments, and every page names them all.
func TestChanges_AnActOfSeveralDepartmentsIsFoundByEach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "three_public_gbk.csv", nil, ""))
		ids := []int64{}
		for _, f := range up.Filings {
			ids = append(ids, f.ID)
		}
		svc := &filings.Service{Store: s}
		if _, err := svc.PublishSet(t.Context(), ids, filings.Actor{Name: "管理员"}, "2024 年决算统一公开"); err != nil {
			t.Fatal(err)
		}
		for _, dept := range []string{"001", "002"} {
			p := decode[struct {
				Data []handlers.ReleaseEntry `json:"data"`
			}](t, a.get(t, "/api/v1/changes?region=431081&dept="+dept))
			if len(p.Data) != 1 || p.Data[0].Filings != 2 || p.Data[0].Number != 1 {
				t.Errorf("dept=%s: %+v", dept, p.Data)
			}
		}
		if p := decode[struct {
			Data []handlers.ReleaseEntry `json:"data"`
		}](t, a.get(t, "/api/v1/changes?dept=003")); len(p.Data) != 0 {
			t.Errorf("dept=003: %+v", p.Data)
		}
		text := pageText(t, a.get(t, "/datasets/"+citedDataset).Body.String())
		if !strings.Contains(text, "新增 资兴市财政局 新增 资兴市教育局") || !strings.Contains(text, "2024 年决算统一公开") {
			t.Errorf("the act's release: %s", text)
		}
		if b := a.get(t, "/changes").Body.String(); !strings.Contains(b, "资兴市财政局 等 2 个部门") || strings.Contains(b, ">申报</a>") {
			t.Errorf("the change log names one department of two: %s", pageText(t, b))
		}
		if b := a.get(t, "/feeds/changes.atom?dept=002").Body.String(); !strings.Contains(b, "（公开 资兴市财政局 等 2 个部门）") {
			t.Errorf("Atom: %s", b)
		}
	})
}

// A withdrawal: the release takes the department out, its page says so, and
// the withdrawn version keeps its page, marked withdrawn.
func TestCitable_WithdrawnDepartmentIsRemovedAndItsPageSaysSo(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	publishedFixture(t, a)
	fs, err := s.Filings(t.Context(), store.FilingFilter{Region: "431081", Dept: "002", Statuses: []models.Status{models.StatusPublished}})
	if err != nil || len(fs) != 1 {
		t.Fatalf("%v %v", fs, err)
	}
	svc := &filings.Service{Store: s}
	if _, err := svc.Withdraw(t.Context(), fs[0].ID, filings.Actor{Name: "管理员"}, "数据有误，撤回核实"); err != nil {
		t.Fatal(err)
	}
	text := pageText(t, a.get(t, "/datasets/"+citedDataset).Body.String())
	if !strings.Contains(text, "第 4 版") || !strings.Contains(text, "撤回 资兴市教育局") || !strings.Contains(text, "数据有误，撤回核实") {
		t.Errorf("dataset page after the withdrawal: %s", text)
	}
	text = pageText(t, a.get(t, "/datasets/"+citedDataset+"/releases/4").Body.String())
	if !strings.Contains(text, "撤回的部门（1 个） 资兴市教育局 002") || strings.Contains(text, "更正的部门") {
		t.Errorf("release 4: %s", text)
	}
	text = pageText(t, a.get(t, "/regions/431081/departments/002/2024/final/v1").Body.String())
	if !strings.Contains(text, "已撤回") || !strings.Contains(text, "数据有误，撤回核实") {
		t.Errorf("the withdrawn version's page: %s", text)
	}
	if w := a.get(t, "/api/v1/changes?kind=withdrawal&dept=002"); !strings.Contains(w.Body.String(), `"action":"withdrawal"`) {
		t.Errorf("kind=withdrawal&dept=002: %s", w.Body)
	}
}
