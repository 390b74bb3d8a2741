package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/gocarina/gocsv"

	"sunshine/charts"
	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// ChartSource is what the chart endpoints need from the store.
type ChartSource interface {
	EachThreePublic(ctx context.Context, ff store.FeedFilter, fn func(store.ThreePublicRow) error) error
	Datasets(ctx context.Context, f store.DatasetFilter) ([]store.Dataset, error)
	ReleaseMembers(ctx context.Context, datasetID string, number int) ([]int64, error)
	// CheckPublic is ENOTFOUND unless the region (and department) has a published version.
	CheckPublic(ctx context.Context, region, dept string) error
}

// ChartFormat names the shape of the charts' answers; it is part of their
// ETags, so a change to it makes clients fetch afresh. 2: the JSON's ECharts
// option, fixed aspect ratios, the responsive embed, .png.
const ChartFormat = "2"

// chartKinds are the four charts of the portal.
var chartKinds = []string{"trend", "composition", "ranking", "budget-vs-final"}

// chartRequest is a chart and its parameters, parsed once for the JSON, SVG, CSV and embed answers.
type chartRequest struct {
	kind    string
	format  string // "json", "svg", "png" or "csv"
	region  string
	dept    string
	year    int
	phase   models.Phase
	item    string
	release int // pinned release of the chart's one dataset; 0 = latest
	width   int
}

// parseChart reads "/…/:chart" (trend, trend.svg, trend.csv, …) and the query.
func parseChart(c *gin.Context) (chartRequest, error) {
	r := chartRequest{format: "json"}
	name := c.Param("chart")
	if base, ext, ok := strings.Cut(name, "."); ok {
		name, r.format = base, ext
	}
	known := false
	for _, k := range chartKinds {
		known = known || k == name
	}
	if !known || (r.format != "json" && r.format != "svg" && r.format != "png" && r.format != "csv") {
		return r, models.Errorf(models.ENOTFOUND, "没有图表“%s”：可选 trend、composition、ranking、budget-vs-final（可加 .svg、.png 或 .csv）", c.Param("chart"))
	}
	r.kind = name
	r.region, r.dept, r.item = c.Query("region"), c.Query("dept"), c.DefaultQuery("item", "total")
	if err := models.ValidateRegionCode(r.region); err != nil {
		return r, models.Errorf(models.EINVALID, "请用 region 参数指定 6 位区划代码")
	}
	var err error
	if r.year, err = httpx.IntParam(c, "year"); err != nil {
		return r, err
	}
	if r.release, err = httpx.IntParam(c, "release"); err != nil {
		return r, err
	}
	if r.width, err = httpx.IntParam(c, "width"); err != nil {
		return r, err
	}
	if p := c.Query("phase"); p != "" {
		if r.phase, err = models.ParsePhase(p); err != nil {
			return r, err
		}
	}
	switch r.kind {
	case "trend":
		if r.dept == "" {
			return r, models.Errorf(models.EINVALID, "趋势图需要 dept 参数（部门编码）")
		}
		if r.release != 0 {
			return r, models.Errorf(models.EINVALID, "趋势图跨越多个年度的数据集，不能固定到某一版（release）")
		}
	case "composition", "ranking":
		if r.year == 0 || r.phase == "" {
			return r, models.Errorf(models.EINVALID, "此图需要 year 和 phase 参数，例如 year=2024&phase=final")
		}
	case "budget-vs-final":
		if r.year == 0 {
			return r, models.Errorf(models.EINVALID, "预算与决算对比图需要 year 参数")
		}
		if r.release != 0 {
			return r, models.Errorf(models.EINVALID, "预算与决算对比图读取两个数据集，不能固定到某一版（release）")
		}
	}
	return r, nil
}

// chartRecords reads the published 三公 records a chart needs, each with the
// release it belongs to, and the latest release when a pinned one is older.
func chartRecords(ctx context.Context, src ChartSource, r chartRequest) ([]charts.Record, int, error) {
	// Unknown and draft-only regions and departments answer alike: 404.
	if err := src.CheckPublic(ctx, r.region, r.dept); err != nil {
		return nil, 0, err
	}
	ff := store.FeedFilter{Region: r.region}
	if r.kind == "trend" {
		ff.Dept = r.dept
	} else {
		ff.Year = r.year
	}
	if r.kind == "composition" || r.kind == "ranking" {
		ff.Phase = r.phase
	}
	ds, err := src.Datasets(ctx, store.DatasetFilter{Region: r.region, Kind: models.KindThreePublic, Year: ff.Year, Phase: ff.Phase, Limit: 1000})
	if err != nil {
		return nil, 0, err
	}
	latest := map[string]int{}
	for _, d := range ds {
		latest[d.ID] = d.LatestRelease
	}
	newest := 0
	if r.release != 0 {
		id := store.DatasetID(r.region, r.year, r.phase, models.KindThreePublic)
		if ff.Members, err = src.ReleaseMembers(ctx, id, r.release); err != nil {
			return nil, 0, err
		}
		newest = latest[id]
	}
	var out []charts.Record
	err = src.EachThreePublic(ctx, ff, func(row store.ThreePublicRow) error {
		id := store.DatasetID(row.RegionCode, row.FiscalYear, row.Phase, models.KindThreePublic)
		n := latest[id]
		if r.release != 0 {
			n = r.release
		}
		out = append(out, chartRecord(row, charts.ReleaseRef{DatasetID: id, Number: n}))
		return nil
	})
	return out, newest, err
}

// chartRecord is a published row as the charts package reads it; the pages
// hand the same records to the same functions, so their numbers are the charts'.
func chartRecord(row store.ThreePublicRow, rel charts.ReleaseRef) charts.Record {
	return charts.Record{RegionCode: row.RegionCode, RegionName: row.RegionName, DeptCode: row.DeptCode,
		DeptName: row.DeptName, FiscalYear: row.FiscalYear, Phase: row.Phase, FilingID: row.FeedFiling.FilingID,
		Version: row.Version, Release: rel, ThreePublic: row.ThreePublic}
}

// chartData computes the chart: its JSON-ready data, its SVG and its CSV rows.
type chartData struct {
	data any
	svg  func(charts.SVGOptions) ([]byte, error)
	rows [][]string // CSV, header first: exactly the figures shown
	text string     // the title, for the embed page
}

// The chart CSVs, one struct per chart: gocsv writes the header from the tags
// and each row from the fields, and the embed's table shows the same rows.
type (
	trendCSV struct {
		Year   string `csv:"年度"`
		Item   string `csv:"项目"`
		Phase  string `csv:"阶段"`
		Amount string `csv:"金额（元）"`
	}
	compositionCSV struct {
		Item     string `csv:"项目"`
		Amount   string `csv:"金额（元）"`
		Share    string `csv:"占比（%）"`
		Counted  int    `csv:"已公开部门数"`
		Excluded int    `csv:"未公开部门数"`
	}
	rankingCSV struct {
		Rank     string `csv:"名次"`
		DeptCode string `csv:"部门编码"`
		DeptName string `csv:"部门名称"`
		Amount   string `csv:"金额（元）"` // the header names the item: "合计（元）"
	}
	budgetCSV struct {
		DeptCode string `csv:"部门编码"`
		DeptName string `csv:"部门名称"`
		Budget   string `csv:"预算数（元）"`
		Final    string `csv:"决算数（元）"`
		Rate     string `csv:"执行率（%）"`
		Over     string `csv:"超预算"`
	}
)

// rowCollector is a gocsv.CSVWriter that keeps the rows, for the CSV answer and the embed's table.
type rowCollector struct{ rows [][]string }

func (c *rowCollector) Write(row []string) error {
	c.rows = append(c.rows, append([]string(nil), row...)) // gocsv reuses its slice
	return nil
}
func (c *rowCollector) Flush()       {}
func (c *rowCollector) Error() error { return nil }

// csvRows is a slice of chart CSV structs as rows, header first.
func csvRows(in any) ([][]string, error) {
	var c rowCollector
	if err := gocsv.MarshalCSV(in, &c); err != nil {
		return nil, models.Wrap(err, models.EINTERNAL, "无法生成图表数据表")
	}
	return c.rows, nil
}

func buildChart(r chartRequest, recs []charts.Record, note string) (chartData, error) {
	text := exports.SafeCSVText // names come from uploads; amounts are numbers and never touched
	yuan := func(m models.NullMoney) string {
		if !m.Valid {
			return ""
		}
		return m.Money.Format(models.Yuan)
	}
	var cd chartData
	var rows any
	switch r.kind {
	case "trend":
		d := charts.Trend(recs, r.dept)
		d.Source.Note = note
		d.Option = charts.TrendOption(d)
		out := []trendCSV{}
		for _, s := range d.Series {
			for i, y := range d.Categories {
				out = append(out, trendCSV{y, charts.ItemName(s.Item), s.Phase.Chinese(), yuan(s.Data[i])})
			}
		}
		rows = out
		cd = chartData{data: d, svg: func(o charts.SVGOptions) ([]byte, error) { return charts.TrendSVG(d, o) },
			text: d.DeptName + " 三公经费历年预算与决算"}
	case "composition":
		d := charts.Composition(recs, r.year, r.phase)
		d.Source.Note = note
		d.Option = charts.CompositionOption(d)
		out := []compositionCSV{}
		for _, p := range append(append([]charts.Part{}, d.Items...), d.Vehicles...) {
			out = append(out, compositionCSV{p.Name, yuan(p.Amount), string(p.Share), p.Counted, p.Excluded})
		}
		rows = out
		cd = chartData{data: d, svg: func(o charts.SVGOptions) ([]byte, error) { return charts.CompositionSVG(d, o) },
			text: fmt.Sprintf("%s %d 年%s 三公经费构成", d.RegionName, r.year, r.phase.Chinese())}
	case "ranking":
		d, err := charts.Ranking(recs, r.year, r.phase, r.item)
		if err != nil {
			return chartData{}, err
		}
		d.Source.Note = note
		d.Option = charts.RankingOption(d)
		out := []rankingCSV{}
		for _, x := range d.Rows {
			rank := ""
			if x.Rank > 0 {
				rank = strconv.Itoa(x.Rank)
			}
			out = append(out, rankingCSV{rank, text(x.DeptCode), text(x.DeptName), yuan(x.Amount)})
		}
		rows = out
		cd = chartData{data: d, svg: func(o charts.SVGOptions) ([]byte, error) { return charts.RankingSVG(d, o) },
			text: fmt.Sprintf("%s %d 年%s 各部门%s排名", d.RegionName, r.year, r.phase.Chinese(), d.ItemName)}
	default:
		d := charts.BudgetVsFinal(recs, r.year)
		d.Source.Note = note
		d.Option = charts.BudgetVsFinalOption(d)
		out := []budgetCSV{}
		for _, x := range d.Rows {
			over := ""
			if x.OverBudget {
				over = "是"
			}
			out = append(out, budgetCSV{text(x.DeptCode), text(x.DeptName), yuan(x.Budget), yuan(x.Final), string(x.Rate), over})
		}
		rows = out
		cd = chartData{data: d, svg: func(o charts.SVGOptions) ([]byte, error) { return charts.BudgetVsFinalSVG(d, o) },
			text: fmt.Sprintf("%s %d 年三公经费预算与决算对比", d.RegionName, r.year)}
	}
	var err error
	if cd.rows, err = csvRows(rows); err != nil {
		return chartData{}, err
	}
	if rd, ok := cd.data.(charts.RankingData); ok {
		cd.rows[0][3] = rd.ItemName + "（元）"
	}
	return cd, nil
}

// pinNote says, on a chart pinned to an older release, that a newer one exists.
func pinNote(r chartRequest, newest int) string {
	if r.release == 0 || newest <= r.release {
		return ""
	}
	return fmt.Sprintf("本图固定为第 %d 版数据，已有更新的第 %d 版", r.release, newest)
}

// loadChart parses the request, reads the records and computes the chart;
// on failure it has answered with the error and returns ok false.
func loadChart(c *gin.Context, src ChartSource, embed bool) (r chartRequest, cd chartData, note string, ok bool) {
	r, err := parseChart(c)
	if err == nil && embed && r.format != "json" {
		err = errNoSuchEmbed
	}
	if err != nil {
		httpx.RespondError(c, err)
		return r, cd, "", false
	}
	recs, newest, err := chartRecords(c.Request.Context(), src, r)
	if err != nil {
		httpx.RespondError(c, err)
		return r, cd, "", false
	}
	note = pinNote(r, newest)
	if cd, err = buildChart(r, recs, note); err != nil {
		httpx.RespondError(c, err)
		return r, cd, "", false
	}
	return r, cd, note, true
}

// Chart answers the chart as JSON (with an ECharts option a portal hands to
// setOption as it is), SVG, PNG (the same SVG drawn by rsvg-convert) or CSV.
func Chart(src ChartSource) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, cd, _, ok := loadChart(c, src, false)
		if !ok {
			return
		}
		if r.release != 0 {
			c.Header("Cache-Control", "public, max-age=86400") // a pinned release never changes
		} else {
			c.Header("Cache-Control", "public, max-age=60")
		}
		switch r.format {
		case "svg":
			svg, err := cd.svg(charts.SVGOptions{Width: r.width})
			if err != nil {
				httpx.RespondError(c, err)
				return
			}
			c.Data(http.StatusOK, "image/svg+xml; charset=utf-8", svg)
		case "png":
			svg, err := cd.svg(charts.SVGOptions{Width: r.width})
			if err != nil {
				httpx.RespondError(c, err)
				return
			}
			png, err := renderPNG(c.Request.Context(), svg)
			if err != nil {
				httpx.RespondError(c, err)
				return
			}
			c.Header("Content-Disposition", "inline; filename=\""+r.kind+".png\"")
			c.Data(http.StatusOK, "image/png", png)
		case "csv":
			c.Header("Content-Disposition", "attachment; filename=\"chart.csv\"")
			c.Status(http.StatusOK)
			c.Header("Content-Type", "text/csv; charset=utf-8")
			c.Writer.WriteString("\ufeff") // Excel opens UTF-8 CSV correctly only with a BOM
			w := csv.NewWriter(c.Writer)
			w.UseCRLF = true
			w.WriteAll(cd.rows)
		default:
			c.JSON(http.StatusOK, cd.data)
		}
	}
}
