package charts

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sunshine/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// svgDoc is what a reader (or a screen reader) gets out of an SVG.
type svgDoc struct {
	root        xml.StartElement
	title, desc string
	text        string // every <text>, joined
	elements    map[string]int
}

// parseSVG fails the test unless b is well-formed XML with an <svg> root.
func parseSVG(t *testing.T, b []byte) svgDoc {
	t.Helper()
	doc := svgDoc{elements: map[string]int{}}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not valid XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				doc.root = tok.Copy()
			}
			stack = append(stack, tok.Name.Local)
			doc.elements[tok.Name.Local]++
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			switch stack[len(stack)-1] {
			case "title":
				doc.title += string(tok)
			case "desc":
				doc.desc += string(tok)
			case "text":
				doc.text += string(tok)
			}
		}
	}
	if doc.root.Name.Local != "svg" || doc.root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root = %v, want svg in the SVG namespace", doc.root.Name)
	}
	return doc
}

func (d svgDoc) attr(name string) string {
	for _, a := range d.root.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func goldenSVGs(t *testing.T) map[string]func(SVGOptions) ([]byte, error) {
	rs := cityRecords(t)
	ranking, err := Ranking(rs, 2023, models.PhaseFinal, ItemOutboundTrips)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]func(SVGOptions) ([]byte, error){
		"trend":           func(o SVGOptions) ([]byte, error) { return TrendSVG(Trend(rs, "101"), o) },
		"composition":     func(o SVGOptions) ([]byte, error) { return CompositionSVG(Composition(rs, 2023, models.PhaseFinal), o) },
		"ranking":         func(o SVGOptions) ([]byte, error) { return RankingSVG(ranking, o) },
		"budget_vs_final": func(o SVGOptions) ([]byte, error) { return BudgetVsFinalSVG(BudgetVsFinal(rs, 2023), o) },
	}
}

var goldenTitles = map[string]string{
	"trend":           "阳光市财政局三公经费趋势（2021—2024年）",
	"composition":     "阳光市（演示数据）2023年三公经费构成（决算）",
	"ranking":         "阳光市（演示数据）2023年各部门因公出国(境)费排名（决算）",
	"budget_vs_final": "阳光市（演示数据）2023年各部门三公经费预算与决算",
}

var goldenSources = map[string]string{
	"trend":           "数据来源：阳光财政 · 990101-2021-budget-three_public 第 1 版 等 7 个数据集版本",
	"composition":     "数据来源：阳光财政 · 990101-2023-final-three_public 第 1 版",
	"ranking":         "数据来源：阳光财政 · 990101-2023-final-three_public 第 1 版",
	"budget_vs_final": "数据来源：阳光财政 · 990101-2023-budget-three_public 第 1 版、990101-2023-final-three_public 第 1 版",
}

var goldenShortSources = map[string]string{
	"trend":           "数据来源：阳光财政 · 7 个数据集版本",
	"composition":     "数据来源：阳光财政 · 第 1 版",
	"ranking":         "数据来源：阳光财政 · 第 1 版",
	"budget_vs_final": "数据来源：阳光财政 · 2 个数据集版本",
}

// What each desc must say in words.
var goldenDescs = map[string][]string{
	"trend":           {"合计：预算 2021年 12.35，2022年 11.80，2023年 11.20，2024年 10.50；决算 2021年 11.92", "2024年 无数据"},
	"composition":     {"三项合计 76.02 万元", "因公出国(境)费 5.45 万元，占 7.2%", "1 个部门未公开因公出国(境)费，未计入", "公务用车购置费 14.80 万元，占 45.9%"},
	"ranking":         {"第 1 名 阳光市教育局 3.85", "第 3 名 阳光市统计局 0.00", "1 个部门未公开：阳光市机关事务服务中心"},
	"budget_vs_final": {"预算 48.30 万元，决算 49.57 万元，执行率 102.6%", "决算超预算：阳光市教育局（预算 28.60 万元，决算 31.47 万元，执行率 110.0%）"},
}

func TestSVG_Golden(t *testing.T) {
	for name, render := range goldenSVGs(t) {
		for _, width := range []int{320, 800} {
			t.Run(fmt.Sprintf("%s_%d", name, width), func(t *testing.T) {
				got, err := render(SVGOptions{Width: width})
				if err != nil {
					t.Fatal(err)
				}
				doc := parseSVG(t, got)
				kind := strings.ReplaceAll(name, "_", "-")
				a, _ := AspectOf(kind)
				if doc.attr("width") != fmt.Sprint(width) || doc.attr("height") != num(float64(width)*float64(a.H)/float64(a.W)) || doc.attr("role") != "img" {
					t.Errorf("width = %q, height = %q (aspect %s), role = %q", doc.attr("width"), doc.attr("height"), a, doc.attr("role"))
				}
				if doc.title != goldenTitles[name] {
					t.Errorf("<title> = %q, want %q", doc.title, goldenTitles[name])
				}
				for _, want := range goldenDescs[name] {
					if !strings.Contains(doc.desc, want) {
						t.Errorf("<desc> lacks %q:\n%s", want, doc.desc)
					}
				}
				// Wrapped lines lose the space at the break, so compare without spaces.
				text := strings.ReplaceAll(doc.text, " ", "")
				source := goldenSources[name]
				if width == 320 { // the one attribution line is shortened to fit
					source = goldenShortSources[name]
				}
				for _, want := range []string{goldenTitles[name], source, "万元"} {
					if !strings.Contains(text, strings.ReplaceAll(want, " ", "")) {
						t.Errorf("the chart's text lacks %q:\n%s", want, doc.text)
					}
				}
				assertSelfContained(t, got)

				path := filepath.Join("testdata", fmt.Sprintf("%s_%d.svg", name, width))
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./charts -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the golden file; if the change is intended, run go test ./charts -update and look at the SVG", path)
				}
			})
		}
	}
}

// assertSelfContained checks there is nothing to fetch: no links, scripts, images, web fonts or styles.
func assertSelfContained(t *testing.T, b []byte) {
	t.Helper()
	s := strings.Replace(string(b), `xmlns="http://www.w3.org/2000/svg"`, "", 1)
	for _, bad := range []string{"http:", "https:", "//", "href", "<script", "<image", "<style", "@font-face", "url("} {
		if strings.Contains(s, bad) {
			t.Errorf("SVG contains %q", bad)
		}
	}
}

func TestSVG_EscapesText(t *testing.T) {
	rs := []Record{rec("101", 2024, models.PhaseBudget, tp(t, "1.00", "0", "0", "0", "0", "1.00"))}
	rs[0].DeptName = `<script>"阳光&局"</script>`
	rs[0].RegionName = "A&B 市"
	d := Trend(rs, "101")
	d.Source.Note = `已固定为第 1 版 <最新为第 2 版>`
	b, err := TrendSVG(d, SVGOptions{Width: 400, ID: `t"1`})
	if err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, b)
	if !strings.Contains(doc.title, `<script>"阳光&局"</script>`) || !strings.Contains(doc.text, "<最新为第 2 版>") {
		t.Errorf("title %q, text %q: the names should come back unchanged", doc.title, doc.text)
	}
	if doc.elements["script"] != 0 || doc.attr("aria-labelledby") != `t"1-title t"1-desc` {
		t.Errorf("elements %v, aria-labelledby %q", doc.elements, doc.attr("aria-labelledby"))
	}
}

func TestSVG_EmptyDataStillRenders(t *testing.T) {
	ranking, _ := Ranking(nil, 2024, models.PhaseFinal, ItemTotal)
	for name, render := range map[string]func() ([]byte, error){
		"trend":       func() ([]byte, error) { return TrendSVG(Trend(nil, "101"), SVGOptions{}) },
		"composition": func() ([]byte, error) { return CompositionSVG(Composition(nil, 2024, models.PhaseFinal), SVGOptions{}) },
		"ranking":     func() ([]byte, error) { return RankingSVG(ranking, SVGOptions{}) },
		"budget":      func() ([]byte, error) { return BudgetVsFinalSVG(BudgetVsFinal(nil, 2024), SVGOptions{}) },
	} {
		b, err := render()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		doc := parseSVG(t, b)
		if doc.attr("width") != "800" || !strings.Contains(doc.text, "暂无") || doc.desc == "" {
			t.Errorf("%s: width %q, text %q, desc %q", name, doc.attr("width"), doc.text, doc.desc)
		}
	}
}

func TestSVG_RefusesWidthOutOfRange(t *testing.T) {
	for _, w := range []int{-1, 319, 1201} {
		_, err := TrendSVG(Trend(cityRecords(t), "101"), SVGOptions{Width: w})
		if models.ErrorCode(err) != models.EINVALID {
			t.Errorf("width %d: err = %v, want EINVALID", w, err)
		}
	}
}

func TestSVG_FixedAspectWhateverTheRows(t *testing.T) {
	rs := cityRecords(t)
	small, _ := Ranking(rs, 2023, models.PhaseFinal, ItemTotal)
	big := small
	for i := 0; i < 60; i++ {
		r := small.Rows[0]
		r.DeptName = fmt.Sprintf("部门 %d", i)
		big.Rows = append(big.Rows, r)
	}
	for _, width := range Widths {
		a, _ := AspectOf("ranking")
		for _, d := range []RankingData{small, big} {
			b, err := RankingSVG(d, SVGOptions{Width: width})
			if err != nil {
				t.Fatal(err)
			}
			doc := parseSVG(t, b)
			if h, _ := strconv.ParseFloat(doc.attr("height"), 64); math.Round(h) != float64(a.Height(width)) || h*float64(a.W) != float64(width*a.H) {
				t.Errorf("width %d, %d rows: height %v, want %d (aspect %s)", width, len(d.Rows), h, a.Height(width), a)
			}
			if len(d.Rows) == len(big.Rows) && !strings.Contains(doc.text, "个部门未列出，见数据表") {
				t.Errorf("width %d: %d rows fit without a word about the rest?", width, len(d.Rows))
			}
			if strings.Contains(doc.text, "未列出") && len(d.Rows) == len(small.Rows) {
				t.Errorf("width %d: %d rows said to be cut", width, len(d.Rows))
			}
		}
	}
}

func TestSVG_CaptionLeavesTheAttributionToThePage(t *testing.T) {
	d := Composition(cityRecords(t), 2023, models.PhaseFinal)
	d.Source.Note = "本图固定为第 1 版数据"
	plain, _ := CompositionSVG(d, SVGOptions{Width: 320})
	capt, err := CompositionSVG(d, SVGOptions{Width: 320, Caption: true})
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := Attribution(d.Source, 320, " · 下载数据 (CSV)")
	if !strings.Contains(parseSVG(t, plain).text, line) || strings.Contains(parseSVG(t, capt).text, "数据来源") {
		t.Errorf("attribution %q: in the plain SVG, not in the captioned one", line)
	}
	if !strings.Contains(parseSVG(t, capt).text, d.Source.Note) {
		t.Error("the captioned SVG lost the note")
	}
	if textWidth(line+" · 下载数据 (CSV)", 11) > 300 {
		t.Errorf("the caption %q does not fit 320 px", line)
	}
}

func TestWrap_BreaksBetweenGlyphsAndAtSpaces(t *testing.T) {
	src := "数据来源：阳光财政 · 990101-2024-final-three_public 第 3 版"
	lines := wrap(src, 11, 200)
	for _, l := range lines {
		if textWidth(l, 11) > 200 {
			t.Errorf("line %q is %.0f px wide", l, textWidth(l, 11))
		}
	}
	if strings.ReplaceAll(strings.Join(lines, ""), " ", "") != strings.ReplaceAll(src, " ", "") {
		t.Errorf("wrap lost text: %q", lines)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "990101-2024-final-three_public") {
		t.Errorf("the dataset id was split: %q", lines)
	}
	if got := fit("阳光市人民代表大会常务委员会办公室", 12, 100); got != "阳光市人民代…" {
		t.Errorf("fit = %q", got)
	}
}

func TestNiceScale_RoundSteps(t *testing.T) {
	tests := []struct {
		lo, hi         models.Money
		ticks          int
		wantLo, wantHi models.Money
		labels         string
	}{
		{0, 12350000, 5, 0, 15000000, "0,5,10,15"}, // 12.35 万元
		{0, 314700000, 4, 0, 400000000, "0,100,200,300,400"},
		{-500000, 2000000, 5, -500000, 2000000, "-0.5,0,0.5,1,1.5,2"},
		{0, 0, 5, 0, 1000000, "0,0.2,0.4,0.6,0.8,1"},
		{0, 12345678900, 5, 0, 15000000000, "0,5,000,10,000,15,000"},
	}
	for _, tt := range tests {
		s := niceScale(tt.lo, tt.hi, tt.ticks)
		var labels []string
		for _, v := range s.ticks() {
			labels = append(labels, wanLabel(v))
		}
		if s.lo != tt.wantLo || s.hi != tt.wantHi || strings.Join(labels, ",") != tt.labels {
			t.Errorf("niceScale(%d, %d) = %+v %v", tt.lo, tt.hi, s, labels)
		}
	}
}

func TestSourceLine(t *testing.T) {
	tests := []struct {
		src  Source
		want string
	}{
		{Source{}, "数据来源：阳光财政"},
		{Source{Releases: []ReleaseRef{{"990101-2024-final-three_public", 3}}}, "数据来源：阳光财政 · 990101-2024-final-three_public 第 3 版"},
		{Source{Releases: []ReleaseRef{{"990101-2024-final-three_public", 3}}, Note: "已固定为第 3 版"},
			"数据来源：阳光财政 · 990101-2024-final-three_public 第 3 版 · 已固定为第 3 版"},
	}
	for _, tt := range tests {
		if got := sourceLine(tt.src); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestWrap_KeepsPunctuationAndUnitsTogether(t *testing.T) {
	tests := []struct {
		s    string
		maxW float64
		want []string
	}{
		{"阳光市财政局三公经费趋势（2021—2024年）", 12.5 * 15, []string{"阳光市财政局三公经费趋势", "（2021—2024年）"}},
		{"单位：万元", 4.5 * 12, []string{"单位：", "万元"}},
		{"合计 1.23 万元，占 7.2%", 8 * 12, []string{"合计 1.23", "万元，占 7.2%"}},
	}
	for _, tt := range tests {
		got := wrap(tt.s, 12, tt.maxW)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}
