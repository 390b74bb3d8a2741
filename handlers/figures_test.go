package handlers_test

import (
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store/storetest"
)

// figuresRegion: 001's final was re-budgeted (its 预算数 120.00 against a 年初预算
// of 100.00); 002 prints its final's 合计 but none of the three items.
const figuresRegion = "region_code,region_name,dept_code,dept_name,fiscal_year,phase,unit," +
	"total,outbound_trips,vehicles,vehicle_purchase,vehicle_operation,reception," +
	"budget_total,budget_outbound_trips,budget_vehicles,budget_vehicle_purchase,budget_vehicle_operation,budget_reception\n" +
	"431081,资兴市（演示）,001,资兴市财政局,2024,budget,万元,100.00,20.00,50.00,10.00,40.00,30.00,,,,,,\n" +
	"431081,资兴市（演示）,002,资兴市教育局,2024,budget,万元,10.00,0.00,6.00,0.00,6.00,4.00,,,,,,\n" +
	"431081,资兴市（演示）,001,资兴市财政局,2024,final,万元,90.00,20.00,50.00,10.00,40.00,20.00,120.00,30.00,60.00,20.00,40.00,30.00\n" +
	"431081,资兴市（演示）,002,资兴市教育局,2024,final,万元,10.00,,,,,,,,,,,\n"

// TestFigures_PageChartAndEmbedSayTheSame: the region page, the chart JSON and
// the embed show one number for each share and each 执行率 (docs/figures.md).
// The two numbers of issue 18: 因公出国 was 20.0 % on the page (of 合计) and
// 22.2 % in the chart (of the parts' sum); 001's 执行率 was 90.0 % on the page
// (of the 年初预算) and 75.0 % in the chart (of the final's 预算数).
func TestFigures_PageChartAndEmbedSayTheSame(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	w := a.upload(t, a.admin, "figures.csv", []byte(figuresRegion), "")
	if w.Code != 201 && w.Code != 200 {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	up := decode[handlers.UploadAnswer](t, w)
	for _, phase := range []models.Phase{models.PhaseBudget, models.PhaseFinal} { // budgets first: the finals are checked against them
		for _, f := range up.Filings {
			if f.Phase == phase {
				a.publish(t, f.ID, "")
			}
		}
	}

	page := a.get(t, "/regions/431081/2024")
	if page.Code != 200 {
		t.Fatalf("page: %d %s", page.Code, page.Body)
	}
	pageHTML := page.Body.String()
	doc, err := html.Parse(strings.NewReader(pageHTML))
	if err != nil {
		t.Fatal(err)
	}
	figures := map[string][][]string{} // figure caption → its table's rows
	var depts [][]string
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "figure" {
			var caption string
			var rows [][]string
			walk(n, func(m *html.Node) {
				if m.Type == html.ElementNode && m.Data == "figcaption" {
					caption = text(m)
				}
				if m.Type == html.ElementNode && m.Data == "table" {
					rows = tableRows(m)
				}
			})
			figures[caption] = rows
		}
		if n.Type == html.ElementNode && n.Data == "table" && attr(n, "id") == "depts" {
			depts = tableRows(n)
		}
	})
	pageRow := func(caption, first string) []string {
		t.Helper()
		for _, r := range figures[caption] {
			if len(r) > 0 && r[0] == first {
				return r
			}
		}
		t.Fatalf("the page's %q has no row %q: %v", caption, first, figures[caption])
		return nil
	}

	// Composition: the chart JSON, its embed table and the page's table.
	var comp struct {
		Items, Vehicles []struct {
			Name     string       `json:"name"`
			Amount   *json.Number `json:"amount"`
			Display  string       `json:"display"`
			Share    *string      `json:"share"`
			Excluded int          `json:"excluded"`
		}
	}
	cj := a.get(t, "/api/v1/charts/three-public/composition?region=431081&year=2024&phase=final")
	if err := json.Unmarshal(cj.Body.Bytes(), &comp); err != nil || cj.Code != 200 {
		t.Fatalf("composition: %d %v %s", cj.Code, err, cj.Body)
	}
	embedComp := embedRows(t, a, "/embed/three-public/composition?region=431081&year=2024&phase=final")
	parts := append(comp.Items, comp.Vehicles...)
	if len(parts) != 5 {
		t.Fatalf("composition parts: %s", cj.Body)
	}
	shares := map[string]string{}
	for i, p := range parts {
		label := p.Name
		if i >= 3 {
			label = "其中：" + p.Name // the vehicle split, under its item
		}
		row := pageRow("2024 年决算三公经费构成", label)
		if p.Share == nil {
			t.Fatalf("%s: no share in the JSON", p.Name)
		}
		shares[p.Name] = *p.Share
		if row[1] != p.Display || row[2] != *p.Share+"%" {
			t.Errorf("%s: page %v, chart %s %s%%", p.Name, row, p.Display, *p.Share)
		}
		e := embedComp[p.Name]
		if e == nil || p.Amount == nil || e[1] != p.Amount.String() || e[2] != *p.Share {
			t.Errorf("%s: embed %v, chart share %s", p.Name, e, *p.Share)
		}
	}
	// 20.00 of the three items' 90.00 (002 printed none of them): 22.2 %, not 20.0 % of the 合计 100.00.
	if shares["因公出国(境)费"] != "22.2" || shares["公务用车购置及运行费"] != "55.6" || shares["公务接待费"] != "22.2" ||
		shares["公务用车购置费"] != "20.0" || shares["公务用车运行费"] != "80.0" {
		t.Errorf("shares: %v", shares)
	}
	if !strings.Contains(pageHTML, "未公开：因公出国(境)费（1 个部门）") {
		t.Error("the page does not say which part was not disclosed")
	}

	// 执行率: the chart JSON's rows and totals, its embed, the page's table and figure, the department page.
	var bvf struct {
		Rows []struct {
			DeptCode     string  `json:"dept_code"`
			Rate         *string `json:"rate"`
			BudgetSource string  `json:"budget_source"`
		} `json:"rows"`
		Summary struct {
			Rate *string `json:"rate"`
		} `json:"summary"`
		Totals []struct {
			Name          string  `json:"name"`
			BudgetDisplay string  `json:"budget_display"`
			FinalDisplay  string  `json:"final_display"`
			Rate          *string `json:"rate"`
		} `json:"totals"`
	}
	bj := a.get(t, "/api/v1/charts/three-public/budget-vs-final?region=431081&year=2024")
	if err := json.Unmarshal(bj.Body.Bytes(), &bvf); err != nil || len(bvf.Rows) != 2 || len(bvf.Totals) != 4 || bvf.Summary.Rate == nil {
		t.Fatalf("budget-vs-final: %v %s", err, bj.Body)
	}
	embedBvf := embedRows(t, a, "/embed/three-public/budget-vs-final?region=431081&year=2024")
	rates := map[string]string{}
	for _, r := range bvf.Rows {
		if r.Rate == nil {
			t.Fatalf("%s: no rate", r.DeptCode)
		}
		rates[r.DeptCode] = *r.Rate
		var pageRate string
		for _, d := range depts {
			if len(d) > 2 && d[0] == r.DeptCode {
				pageRate = d[len(d)-2]
			}
		}
		if pageRate != *r.Rate+"%" {
			t.Errorf("%s: page's table says %q, chart %s%%", r.DeptCode, pageRate, *r.Rate)
		}
		if e := embedBvf[r.DeptCode]; e == nil || e[4] != *r.Rate {
			t.Errorf("%s: embed %v, chart %s", r.DeptCode, e, *r.Rate)
		}
	}
	// 001: 90.00 of the 预算数 120.00 its final prints: 75.0 %, not 90.0 % of the 年初预算 100.00;
	// 002's final prints no 预算数, so its 年初预算 10.00 stands: 100.0 %.
	if rates["001"] != "75.0" || rates["002"] != "100.0" || bvf.Rows[0].BudgetSource != "final_account" {
		t.Errorf("rates: %v %+v", rates, bvf.Rows)
	}
	caption := "2024 年三公经费预算与决算对比（全部部门合计）"
	for _, x := range bvf.Totals {
		row := pageRow(caption, x.Name)
		want := "—"
		if x.Rate != nil {
			want = *x.Rate + "%"
		}
		if row[1] != x.BudgetDisplay || row[2] != x.FinalDisplay || row[3] != want {
			t.Errorf("%s: page %v, chart %s %s %s", x.Name, row, x.BudgetDisplay, x.FinalDisplay, want)
		}
	}
	// 合计: 100.00 of 130.00 (120.00 + 10.00) = 76.9 %; the summary line of the SVG and the embed say the same.
	if *bvf.Summary.Rate != "76.9" || bvf.Totals[0].Rate == nil || *bvf.Totals[0].Rate != *bvf.Summary.Rate {
		t.Errorf("summary: %s, totals %+v", *bvf.Summary.Rate, bvf.Totals)
	}
	svg := a.get(t, "/api/v1/charts/three-public/budget-vs-final.svg?region=431081&year=2024").Body.String()
	embed := a.get(t, "/embed/three-public/budget-vs-final?region=431081&year=2024").Body.String()
	for name, body := range map[string]string{"svg": svg, "embed": embed} {
		if !strings.Contains(body, "执行率 "+*bvf.Summary.Rate+"%") {
			t.Errorf("the %s does not print the summary's 执行率 %s%%", name, *bvf.Summary.Rate)
		}
	}

	// The department page's trend table prints the same 执行率 for 2024.
	dp := a.get(t, "/regions/431081/departments/001")
	ddoc, err := html.Parse(dp.Body)
	if err != nil || dp.Code != 200 {
		t.Fatalf("department page: %d %v", dp.Code, err)
	}
	found := false
	walk(ddoc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "table" && strings.Contains(attr(n, "class"), "mini") {
			for _, r := range tableRows(n) {
				if len(r) == 4 && r[0] == "2024 年" {
					found = true
					if r[3] != rates["001"]+"%" {
						t.Errorf("department page: 2024 执行率 %q, chart %s%%", r[3], rates["001"])
					}
				}
			}
		}
	})
	if !found {
		t.Error("the department page has no 2024 row in its trend table")
	}
}

// embedRows reads an embed's data table, keyed by its first cell.
func embedRows(t *testing.T, a *api, path string) map[string][]string {
	t.Helper()
	w := a.get(t, path)
	doc, err := html.Parse(w.Body)
	if err != nil || w.Code != 200 {
		t.Fatalf("%s: %d %v", path, w.Code, err)
	}
	out := map[string][]string{}
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "table" {
			for _, r := range tableRows(n) {
				if len(r) > 0 {
					out[r[0]] = r
				}
			}
		}
	})
	return out
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(m *html.Node) {
		if m.Type == html.TextNode {
			b.WriteString(m.Data)
		}
	})
	return strings.TrimSpace(b.String())
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// tableRows are the texts of a table's cells (th and td), row by row.
func tableRows(table *html.Node) [][]string {
	var rows [][]string
	walk(table, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "tr" {
			var cells []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
					cells = append(cells, text(c))
				}
			}
			rows = append(rows, cells)
		}
	})
	return rows
}
