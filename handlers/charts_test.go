package handlers_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"sunshine/store/storetest"
)

func TestCharts_JSONSVGAndCSVOfTheSameFigures(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	publishedFixture(t, a)
	w := a.get(t, "/api/v1/charts/three-public/ranking?region=431081&year=2024&phase=final")
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var rank struct {
		Rows []struct {
			Rank     int     `json:"rank"`
			DeptCode string  `json:"dept_code"`
			Amount   *string `json:"display"`
		} `json:"rows"`
		Source struct {
			Releases []struct {
				DatasetID string `json:"dataset_id"`
				Release   int    `json:"release"`
			} `json:"releases"`
		} `json:"source"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &rank); err != nil {
		t.Fatal(err)
	}
	// 002 spent 1,020.50 万元, 001 after its correction 12.00 万元.
	if len(rank.Rows) != 2 || rank.Rows[0].DeptCode != "002" || *rank.Rows[0].Amount != "1,020.50" || *rank.Rows[1].Amount != "12.00" {
		t.Fatalf("ranking: %s", w.Body)
	}
	if len(rank.Source.Releases) != 1 || rank.Source.Releases[0].DatasetID != "431081-2024-final-three_public" || rank.Source.Releases[0].Release != 3 {
		t.Fatalf("source: %+v", rank.Source)
	}
	svg := a.get(t, "/api/v1/charts/three-public/ranking.svg?region=431081&year=2024&phase=final&width=320")
	if svg.Code != 200 || !strings.HasPrefix(svg.Header().Get("Content-Type"), "image/svg+xml") {
		t.Fatalf("svg: %d", svg.Code)
	}
	if err := xml.Unmarshal(svg.Body.Bytes(), new(struct{})); err != nil || !strings.Contains(svg.Body.String(), "<title") {
		t.Fatalf("svg not valid: %v", err)
	}
	csv := a.get(t, "/api/v1/charts/three-public/ranking.csv?region=431081&year=2024&phase=final")
	if !strings.HasPrefix(csv.Body.String(), "\ufeff名次") || !strings.Contains(csv.Body.String(), "10205000.00") {
		t.Fatalf("csv: %q", csv.Body.String())
	}
	// A pinned older release says a newer one exists.
	old := a.get(t, "/api/v1/charts/three-public/composition?region=431081&year=2024&phase=final&release=2")
	if old.Code != 200 || !strings.Contains(old.Body.String(), "已有更新的第 3 版") {
		t.Fatalf("pinned: %d %s", old.Code, old.Body)
	}
	for path, code := range map[string]int{
		"/api/v1/charts/three-public/pie?region=431081":                                     404,
		"/api/v1/charts/three-public/trend?region=431081":                                   422,
		"/api/v1/charts/three-public/ranking?region=43&year=2024&phase=final":               422,
		"/api/v1/charts/three-public/ranking?region=431081&year=2024&phase=budgetx":         422,
		"/api/v1/charts/three-public/ranking?region=431081&year=2024&phase=final&item=cars": 422,
		"/api/v1/charts/three-public/trend?region=431081&dept=001":                          200,
		"/api/v1/charts/three-public/budget-vs-final.svg?region=431081&year=2024":           200,
	} {
		if w := a.get(t, path); w.Code != code {
			t.Errorf("%s: %d, want %d: %s", path, w.Code, code, w.Body)
		}
	}
}

func TestEmbed_PageWithChartTableDownloadAndFramingPolicy(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	publishedFixture(t, a)
	w := a.get(t, "/embed/three-public/budget-vs-final?region=431081&year=2024")
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-ancestors *") {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	for _, want := range []string{"<svg", "<table>", "下载数据 (CSV)", "/api/v1/charts/three-public/budget-vs-final.csv?region=431081&amp;year=2024",
		"数据来源", "资兴市财政局", "431081-2024-final-three_public 第 3 版"} {
		if !strings.Contains(body, want) {
			t.Errorf("embed lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "https://") {
		t.Fatal("embed loads something from elsewhere or runs a script")
	}
	pinned := a.get(t, "/embed/three-public/ranking?region=431081&year=2024&phase=final&release=2").Body.String()
	if !strings.Contains(pinned, "已有更新的第 3 版") {
		t.Fatal("pinned embed lacks the notice")
	}
	if w := a.get(t, "/embed/embed.css"); w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Fatalf("css: %d", w.Code)
	}
}
