package handlers_test

import (
	"strings"
	"testing"
)

// TestBrowser_ScoreboardFromTheRankingToASortedBoard walks the scoreboard as a
// reader would, in Chromium over the demo city: the ranking, the city's board,
// a click on a column header (a plain link, no script), the embed; the numbers
// the page shows are the API's.
func TestBrowser_ScoreboardFromTheRankingToASortedBoard(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	d := newDemoSite(t)
	b := startBrowser(t, d.srv)

	b.open(d.srv.URL + "/scoreboard")
	if h := b.text("h1"); h != "2025 年部门预算公开评分：各地排名" {
		t.Fatalf("ranking heading: %q", h)
	}
	b.click(`#ranking a[href="/scoreboard?region=990101&year=2025&phase=budget"]`)
	var api struct {
		Summary struct {
			Completeness string `json:"completeness_pct"`
			Timeliness   string `json:"timeliness_pct"`
			Late         int    `json:"late"`
		} `json:"summary"`
	}
	d.getJSON(t, "/api/v1/scoreboard?region=990101&year=2025&phase=budget", &api)
	var board struct {
		Heading string   `json:"heading"`
		Rows    int      `json:"rows"`
		Summary string   `json:"summary"`
		Late    []string `json:"late"`
		Missing string   `json:"missing"`
		Chart   string   `json:"chart"`
	}
	b.eval(`(() => ({
		heading: document.querySelector("h1").innerText,
		rows: document.querySelectorAll("#board tbody tr").length,
		summary: document.querySelector("#sum-h").parentElement.innerText,
		late: [...document.querySelectorAll("#board tbody tr")].filter(r => r.innerText.includes("逾期公开")).map(r => r.id),
		missing: document.querySelector("#dept-036").innerText,
		chart: document.querySelector("figure.chart svg title").textContent,
	}))()`, &board)
	if board.Heading != "阳光市（演示数据） 2025 年部门预算公开评分" || board.Rows != 40 ||
		!strings.Contains(board.Summary, "完整率 "+api.Summary.Completeness+"%") || !strings.Contains(board.Summary, "及时率 "+api.Summary.Timeliness+"%") ||
		len(board.Late) != api.Summary.Late || !strings.Contains(board.Missing, "缺：《国有资本经营预算支出表》") ||
		board.Chart != "阳光市（演示数据） 2025 年部门预算公开情况（40 个部门）" {
		t.Errorf("board: %+v; API %+v", board, api.Summary)
	}

	// 用时: most days first on the first click, fewest on the second.
	b.click(`#board thead a[href*="sort=-days"]`)
	if q := b.location().Query(); q.Get("sort") != "-days" {
		t.Fatalf("the header led to %s", b.location())
	}
	var order []string
	b.eval(`[...document.querySelectorAll("#board tbody tr")].slice(0, 4).map(r => r.id)`, &order)
	if strings.Join(order, " ") != "dept-030 dept-017 dept-004 dept-009" {
		t.Errorf("sorted by days: %v", order)
	}
	b.screenshot("scoreboard.png")
	b.click(`#board thead a[href*="sort=days"]`)
	if b.location().Query().Get("sort") != "days" {
		t.Errorf("the second click: %s", b.location())
	}

	b.open(d.srv.URL + "/embed/scoreboard?region=990101&year=2025&phase=budget")
	if c := b.text("figcaption p"); !strings.Contains(c, "完整率 "+api.Summary.Completeness+"%") {
		t.Errorf("embed caption: %q", c)
	}
	b.screenshot("embed-scoreboard.png")
	b.assertClean()
}
