package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"sunshine/charts"
	"sunshine/checks"
	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// The public pages: home, a region's year, a department, the dataset
// catalogue, the change log and the rules. Links are relative to the service
// itself, so no page names another host.

// chartBase is where the charts package serves its SVG images.
const chartBase = "/api/v1/charts/three-public/"

// threePublicItems are the 三公 items the public tables show, in table order.
var threePublicItems = []struct {
	Key, Name string
	Get       func(*models.ThreePublic) models.NullMoney
}{
	{"total", "合计", func(t *models.ThreePublic) models.NullMoney { return t.Total }},
	{"outbound_trips", "因公出国(境)费", func(t *models.ThreePublic) models.NullMoney { return t.OutboundTrips }},
	{"vehicles", "公务用车购置及运行(维护)费", func(t *models.ThreePublic) models.NullMoney { return t.Vehicles }},
	{"reception", "公务接待费", func(t *models.ThreePublic) models.NullMoney { return t.Reception }},
}

// historyItems add the vehicle split for the department page.
var historyItems = []struct {
	Key, Name string
	Get       func(*models.ThreePublic) models.NullMoney
}{
	threePublicItems[0], threePublicItems[1], threePublicItems[2],
	{"vehicle_purchase", "其中：公务用车购置费", func(t *models.ThreePublic) models.NullMoney { return t.VehiclePurchase }},
	{"vehicle_operation", "其中：公务用车运行(维护)费", func(t *models.ThreePublic) models.NullMoney { return t.VehicleOperation }},
	threePublicItems[3],
}

// downloadLinks are a dataset's files as a journalist wants them.
type downloadLinks struct {
	Title                                  string
	Release                                int
	UpdatedAt                              string
	Kind                                   string
	CSV, CSVExcel, XLSX, JSON, DataPackage string
	Dataset                                string
	// Variants are every variant of the latest release (exports.DownloadVariants),
	// each with the file name it is saved under.
	Variants []downloadVariant
}

// downloadVariant is one download of a release: what it is, where, and its file name.
type downloadVariant struct{ Label, Href, FileName string }

func datasetDownloads(d store.Dataset) downloadLinks {
	l := exports.ReleaseLinks("", d.ID, d.LatestRelease)
	dl := downloadLinks{Title: exports.DatasetTitle(d), Release: d.LatestRelease, Kind: string(d.Kind),
		UpdatedAt: d.UpdatedAt.In(chinaTime).Format("2006-01-02 15:04"),
		CSV:       l["csv"], CSVExcel: l["csv"] + "?bom=1", XLSX: l["xlsx"], JSON: l["json"], DataPackage: l["datapackage"],
		Dataset: DatasetPath(d.ID)} // the dataset's page (citable.go), which links the API's JSON
	folder := exports.ReleaseURL("", d.ID, d.LatestRelease)
	for _, v := range exports.DownloadVariants {
		name, _ := exports.DownloadName(d, d.LatestRelease, v.File, v.Query)
		dl.Variants = append(dl.Variants, downloadVariant{Label: v.Label, Href: v.Href(folder), FileName: name})
	}
	return dl
}

// bulkDownload is a region-year's ZIP of every dataset's latest release.
type bulkDownload struct{ Href, FileName string }

func regionBulk(r models.Region, year int) bulkDownload {
	name, ascii := exports.BulkDownloadName(r.Name, r.Code, year)
	return bulkDownload{Href: "/api/v1/bulk/" + ascii, FileName: name}
}

// ---- home ----

type regionLink struct {
	Code, Name string
	Years      []int
}

type homePage struct {
	page
	Regions []regionLink
	Changes []changeRow
}

func (s *Site) Home(c *gin.Context) {
	ctx := c.Request.Context()
	regions, err := s.d.Store.Regions(ctx)
	if err != nil {
		s.pageError(c, err)
		return
	}
	years, err := s.d.Store.PublishedYears(ctx)
	if err != nil {
		s.pageError(c, err)
		return
	}
	byRegion := map[string][]int{}
	for _, y := range years {
		byRegion[y.RegionCode] = append(byRegion[y.RegionCode], y.FiscalYear)
	}
	p := homePage{page: s.page("首页", "home")}
	for _, r := range regions {
		if len(byRegion[r.Code]) == 0 {
			continue // a region whose filings are all drafts has nothing public yet
		}
		p.Regions = append(p.Regions, regionLink{Code: r.Code, Name: r.Name, Years: byRegion[r.Code]})
	}
	rs, err := s.d.Store.Changes(ctx, store.ChangeFilter{Limit: 15})
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, r := range rs {
		p.Changes = append(p.Changes, newChangeRow(r))
	}
	s.render(c, 200, "home", p)
}

// ---- region × year ----

// moneyCell is one figure of a public table.
type moneyCell struct {
	Text  string
	Class string // "nd" not disclosed, "none" no published filing
}

func moneyOf(t *models.ThreePublic, get func(*models.ThreePublic) models.NullMoney) moneyCell {
	if t == nil {
		return moneyCell{Text: "—", Class: "none"}
	}
	v := get(t)
	if !v.Valid {
		return moneyCell{Text: "未公开", Class: "nd"}
	}
	return moneyCell{Text: wan(v)}
}

type deptYearRow struct {
	Code, Name        string
	Budget, Final     *models.ThreePublic
	BudgetID, FinalID int64
	BudgetWarnings    int
	FinalWarnings     int
	Cells             []moneyCell // budget, final per item
	// Rate is the 执行率 of charts.BudgetVsFinal, as the budget-vs-final chart shows it (docs/figures.md):
	// rate as computed, Rate as printed.
	rate charts.Percent
	Rate string
}

type sortHeader struct {
	Label string
	Href  string
	Arrow string // ▲ or ▼ on the current column
	Aria  string // aria-sort value
}

type itemHeader struct {
	Name          string
	Budget, Final sortHeader
}

type regionYearPage struct {
	page
	Region    models.Region
	Year      int
	Years     []int
	Rows      []deptYearRow
	Totals    []moneyCell
	Partial   bool // some figure of the totals was not disclosed
	Items     []itemHeader
	DeptSort  sortHeader
	NameSort  sortHeader
	RateSort  sortHeader
	WarnSort  sortHeader
	Charts    []chartFigure
	Downloads []downloadLinks
	Bulk      bulkDownload
	HasBudget bool
	HasFinal  bool
	Warnings  int
}

// chartFigure is a chart image with the numbers it shows, as a table beside it.
// Every number in Rows comes from the chart's own data (package charts), so the
// table, the image, the chart's JSON and its embed say the same.
type chartFigure struct {
	Title, Src, Alt, Data string
	Head                  []string
	Rows                  [][]string
	NumFrom               int         // columns from this index on are figures (right-aligned)
	Note                  string      // how a figure was computed, when a reader needs to know (an undisclosed part, a budget's source)
	Embed                 snippetHTML // the "嵌入" box's <iframe>, as text (embed.go: embedBox)
	PNG                   string      // the chart's PNG; "" when this host cannot draw one
}

// pct prints a charts.Percent on a page: "96.4%", or "—" when undefined.
func pct(p charts.Percent) string {
	if p == "" {
		return "—"
	}
	return string(p) + "%"
}

// regionSortKeys are the columns of the region table that ?sort= accepts.
func regionSortValue(r *deptYearRow, key string) (models.NullMoney, bool) {
	for _, it := range threePublicItems {
		if key == "b_"+it.Key {
			if r.Budget == nil {
				return models.NullMoney{}, false
			}
			return it.Get(r.Budget), true
		}
		if key == "f_"+it.Key {
			if r.Final == nil {
				return models.NullMoney{}, false
			}
			return it.Get(r.Final), true
		}
	}
	return models.NullMoney{}, false
}

func validRegionSort(key string) bool {
	switch key {
	case "dept", "name", "rate", "warnings":
		return true
	}
	for _, it := range threePublicItems {
		if key == "b_"+it.Key || key == "f_"+it.Key {
			return true
		}
	}
	return false
}

func (s *Site) RegionYear(c *gin.Context) {
	ctx := c.Request.Context()
	code := c.Param("code")
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || models.ValidateFiscalYear(year) != nil {
		s.showError(c, 404, "年度“"+c.Param("year")+"”无效")
		return
	}
	region, err := s.d.Store.Region(ctx, code)
	if err != nil {
		s.pageError(c, err)
		return
	}
	p := regionYearPage{page: s.page(region.Name+" "+strconv.Itoa(year)+" 年三公经费", "home"), Region: region, Year: year}

	rows := map[string]*deptYearRow{}
	var recs []charts.Record // every phase: the 执行率 may take its budget from the 调整预算
	err = s.d.Store.EachThreePublic(ctx, store.FeedFilter{Region: code, Year: year}, func(r store.ThreePublicRow) error {
		recs = append(recs, chartRecord(r, charts.ReleaseRef{}))
		if r.Phase != models.PhaseBudget && r.Phase != models.PhaseFinal {
			return nil // 调整预算 is on the department page's downloads, not in the budget-vs-final table
		}
		row := rows[r.DeptCode]
		if row == nil {
			row = &deptYearRow{Code: r.DeptCode, Name: r.DeptName}
			rows[r.DeptCode] = row
		}
		tp := r.ThreePublic
		if r.Phase == models.PhaseBudget {
			row.Budget, row.BudgetID = &tp, r.FeedFiling.FilingID
			p.HasBudget = true
		} else {
			row.Final, row.FinalID = &tp, r.FeedFiling.FilingID
			p.HasFinal = true
		}
		return nil
	})
	if err != nil {
		s.pageError(c, err)
		return
	}
	var ids []int64
	for _, r := range rows {
		if r.BudgetID != 0 {
			ids = append(ids, r.BudgetID)
		}
		if r.FinalID != 0 {
			ids = append(ids, r.FinalID)
		}
	}
	stats, err := s.d.Store.FindingCounts(ctx, ids)
	if err != nil {
		s.pageError(c, err)
		return
	}
	bvf := charts.BudgetVsFinal(recs, year)
	rates := map[string]charts.Percent{}
	for _, x := range bvf.Rows {
		rates[x.DeptCode] = x.Rate
	}
	for _, r := range rows {
		r.BudgetWarnings = stats[r.BudgetID].Warnings
		r.FinalWarnings = stats[r.FinalID].Warnings
		p.Warnings += r.BudgetWarnings + r.FinalWarnings
		for _, it := range threePublicItems {
			r.Cells = append(r.Cells, moneyOf(r.Budget, it.Get), moneyOf(r.Final, it.Get))
		}
		r.rate = rates[r.Code]
		r.Rate = pct(r.rate)
		p.Rows = append(p.Rows, *r)
	}

	key, desc := c.Query("sort"), c.Query("dir") == "desc"
	if !validRegionSort(key) {
		key, desc = "dept", false
	}
	sortRegionRows(p.Rows, key, desc)
	mk := func(label, k string, numeric bool) sortHeader {
		h := sortHeader{Label: label, Aria: "none"}
		dir := "asc"
		if numeric {
			dir = "desc" // figures: biggest first on the first click
		}
		if k == key {
			h.Arrow, h.Aria = "▲", "ascending"
			if desc {
				h.Arrow, h.Aria = "▼", "descending"
			}
			dir = "desc"
			if desc {
				dir = "asc"
			}
		}
		h.Href = "?sort=" + k + "&dir=" + dir + "#depts"
		return h
	}
	p.DeptSort, p.NameSort = mk("编码", "dept", false), mk("部门", "name", false)
	p.RateSort, p.WarnSort = mk("执行率", "rate", true), mk("提示", "warnings", true)
	for _, it := range threePublicItems {
		p.Items = append(p.Items, itemHeader{Name: it.Name, Budget: mk("预算", "b_"+it.Key, true), Final: mk("决算", "f_"+it.Key, true)})
	}
	p.Totals, p.Partial = regionTotals(recs, year)

	years, err := s.d.Store.PublishedYears(ctx)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, y := range years {
		if y.RegionCode == code {
			p.Years = append(p.Years, y.FiscalYear)
		}
	}
	ds, err := s.d.Store.Datasets(ctx, store.DatasetFilter{Region: code, Year: year, Limit: 100})
	if err != nil {
		s.pageError(c, err)
		return
	}
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].Phase != ds[j].Phase {
			return phaseOrder(ds[i].Phase) < phaseOrder(ds[j].Phase)
		}
		return ds[i].Kind > ds[j].Kind // three_public before line_items
	})
	for _, d := range ds {
		p.Downloads = append(p.Downloads, datasetDownloads(d))
	}
	p.Bulk = regionBulk(p.Region, p.Year)
	p.Charts = regionCharts(&p, recs, bvf)
	for i := range p.Charts {
		p.Charts[i].Embed, p.Charts[i].PNG = embedBox(httpx.BaseURL(c, s.d.BaseURL), p.Charts[i].Data, p.Charts[i].Title)
	}
	status := 200
	if len(p.Rows) == 0 {
		status = 404 // the region exists, but nothing of that year is published
	}
	s.render(c, status, "region", p)
}

func phaseOrder(p models.Phase) int {
	for i, q := range models.Phases {
		if p == q {
			return i
		}
	}
	return len(models.Phases)
}

// sortRegionRows orders the table; a department without the figure (no filing,
// or not disclosed) goes last whatever the direction; ties keep code order.
func sortRegionRows(rows []deptYearRow, key string, desc bool) {
	col := collate.New(language.Chinese) // names by pinyin, as Chinese readers look them up
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Code < rows[j].Code })
	compare := func(a, b *deptYearRow) int {
		switch key {
		case "name":
			return col.CompareString(a.Name, b.Name)
		case "warnings":
			return (a.BudgetWarnings + a.FinalWarnings) - (b.BudgetWarnings + b.FinalWarnings)
		}
		switch {
		case a.Code < b.Code:
			return -1
		case a.Code > b.Code:
			return 1
		}
		return 0
	}
	value := func(r *deptYearRow) (int64, bool) {
		if key == "rate" {
			return r.rate.Tenths()
		}
		v, ok := regionSortValue(r, key)
		return int64(v.Money), ok && v.Valid
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := &rows[i], &rows[j]
		if key == "dept" || key == "name" || key == "warnings" {
			c := compare(a, b)
			if desc {
				c = -c
			}
			return c < 0
		}
		va, oka := value(a)
		vb, okb := value(b)
		if oka != okb {
			return oka // missing figures last, whichever the direction
		}
		if !oka || va == vb {
			return false
		}
		if desc {
			return va > vb
		}
		return va < vb
	})
}

// regionTotals are the table's 全部部门合计 row: each column added up over the
// departments that disclosed it, as the composition chart adds them; partial
// when some department left a figure undisclosed.
func regionTotals(recs []charts.Record, year int) ([]moneyCell, bool) {
	partial := false
	var byPhase [2]charts.CompositionData
	for i, ph := range []models.Phase{models.PhaseBudget, models.PhaseFinal} {
		byPhase[i] = charts.Composition(recs, year, ph)
	}
	var out []moneyCell
	for _, it := range threePublicItems {
		for _, d := range byPhase {
			part := d.Total
			for _, x := range d.Items {
				if x.Item == it.Key {
					part = x
				}
			}
			partial = partial || part.Excluded > 0
			if !part.Amount.Valid {
				out = append(out, moneyCell{Text: "—", Class: "none"})
			} else {
				out = append(out, moneyCell{Text: wan(part.Amount)})
			}
		}
	}
	return out, partial
}

// undisclosedNote names the parts some department left undisclosed, or "".
func undisclosedNote(parts ...charts.Part) string {
	note := ""
	for _, x := range parts {
		if x.Excluded > 0 {
			note += x.Name + "（" + strconv.Itoa(x.Excluded) + " 个部门）、"
		}
	}
	if note == "" {
		return ""
	}
	return "未公开：" + strings.TrimSuffix(note, "、") + "。占比是已公开数字之和中的份额，未公开的不计入。"
}

// regionCharts are the region's three charts with the numbers beside them,
// each table from the chart's own data.
func regionCharts(p *regionYearPage, recs []charts.Record, bvf charts.BudgetVsFinalData) []chartFigure {
	if len(p.Rows) == 0 {
		return nil
	}
	q := url.Values{"region": {p.Region.Code}, "year": {strconv.Itoa(p.Year)}}
	phase := models.PhaseBudget
	if p.HasFinal {
		phase = models.PhaseFinal
	}
	q.Set("phase", string(phase))
	var out []chartFigure

	cd := charts.Composition(recs, p.Year, phase)
	comp := chartFigure{Title: strconv.Itoa(p.Year) + " 年" + phase.Chinese() + "三公经费构成",
		Src: chartBase + "composition.svg?" + q.Encode(), Data: chartBase + "composition?" + q.Encode(),
		Head: []string{"项目", "金额（万元）", "占比"}, NumFrom: 1}
	alt := comp.Title + "："
	for _, x := range cd.Items {
		comp.Rows = append(comp.Rows, []string{x.Name, wan(x.Amount), pct(x.Share)})
		alt += x.Name + " " + wan(x.Amount) + " 万元（" + pct(x.Share) + "）；"
	}
	comp.Rows = append(comp.Rows, []string{"三项之和", wan(cd.ItemsSum), ""})
	for _, x := range cd.Vehicles {
		comp.Rows = append(comp.Rows, []string{"其中：" + x.Name, wan(x.Amount), pct(x.Share)})
		alt += x.Name + " " + wan(x.Amount) + " 万元（占公务用车费 " + pct(x.Share) + "）；"
	}
	comp.Alt = alt + "三项之和 " + wan(cd.ItemsSum) + " 万元"
	comp.Note = "前三项的占比以三项之和为基数，公务用车购置费与运行费的占比以两者之和为基数。" +
		undisclosedNote(append(append([]charts.Part{}, cd.Items...), cd.Vehicles...)...)
	out = append(out, comp)

	rq := url.Values{"region": q["region"], "year": q["year"], "phase": q["phase"], "item": {"total"}}
	rank := chartFigure{Title: strconv.Itoa(p.Year) + " 年各部门" + phase.Chinese() + "三公经费合计排名",
		Src: chartBase + "ranking.svg?" + rq.Encode(), Data: chartBase + "ranking?" + rq.Encode(),
		Head: []string{"名次", "部门（前 10 名）", "金额（万元）"}, NumFrom: 2}
	alt = rank.Title + "："
	if rd, err := charts.Ranking(recs, p.Year, phase, charts.ItemTotal); err == nil {
		for i, x := range rd.Rows {
			if i == 10 || !x.Disclosed {
				break
			}
			rank.Rows = append(rank.Rows, []string{strconv.Itoa(x.Rank), x.DeptName, wan(x.Amount)})
			alt += strconv.Itoa(x.Rank) + ". " + x.DeptName + " " + wan(x.Amount) + " 万元；"
		}
	}
	rank.Alt = alt
	out = append(out, rank)

	if p.HasBudget && p.HasFinal {
		bq := url.Values{"region": q["region"], "year": q["year"]}
		f := chartFigure{Title: strconv.Itoa(p.Year) + " 年三公经费预算与决算对比（全部部门合计）",
			Src: chartBase + "budget-vs-final.svg?" + bq.Encode(), Data: chartBase + "budget-vs-final?" + bq.Encode(),
			Head: []string{"项目", "预算（万元）", "决算（万元）", "执行率"}, NumFrom: 1}
		alt = f.Title + "："
		for _, x := range bvf.Totals {
			f.Rows = append(f.Rows, []string{x.Name, wan(x.Budget), wan(x.Final), pct(x.Rate)})
			alt += x.Name + " 预算 " + wan(x.Budget) + " 万元、决算 " + wan(x.Final) + " 万元；"
		}
		f.Alt = alt
		f.Note = "执行率 = 决算 ÷ 预算：预算取决算表所列的预算数，没有时取调整预算，再没有时取年初预算；" +
			"每项只加总预算与决算都已公开的部门（合计：" + strconv.Itoa(bvf.Counted) + " 个部门）。"
		out = append(out, f)
	}
	return out
}

// ---- department ----

// budgetSourceName names where a 执行率's budget came from (charts.BudgetFrom…).
var budgetSourceName = map[string]string{
	charts.BudgetFromFinalAccount: "决算表所列预算数",
	charts.BudgetFromAdjusted:     "调整预算",
	charts.BudgetFromBudget:       "年初预算",
}

type historyRow struct {
	Name  string
	Cells []moneyCell // budget, final per year
}

type countRow struct {
	Name  string
	Cells []string
}

type reasonRow struct {
	Year   int
	Phase  models.Phase
	Reason string
}

type findingGroup struct {
	Anchor   string
	Year     int
	Phase    models.Phase
	FilingID int64
	Findings []models.Finding
}

type versionRow struct {
	Filing    models.Filing
	Permalink string // the version's page (citable.go)
	JSON      string // the API's permalink
	Report    string
}

type departmentPage struct {
	page
	Region    models.Region
	Dept      models.Department
	Years     []int
	History   []historyRow
	Counts    []countRow
	Reasons   []reasonRow
	Findings  []findingGroup
	Versions  []versionRow
	Downloads []downloadLinks
	Trend     chartFigure
	FeedCSV   string
	FeedItems string
	BaseURL   string
}

func (s *Site) Department(c *gin.Context) {
	ctx := c.Request.Context()
	region, err := s.d.Store.Region(ctx, c.Param("code"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	dept, err := s.d.Store.Department(ctx, region.Code, c.Param("dept"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	p := departmentPage{page: s.page(dept.Name+" 三公经费", "home"), Region: region, Dept: dept, BaseURL: httpx.BaseURL(c, s.d.BaseURL)}
	p.Feed = FeedPath(url.Values{"region": {region.Code}, "dept": {dept.Code}})

	type key struct {
		year  int
		phase models.Phase
	}
	recs := map[key]store.ThreePublicRow{}
	var chartRecs []charts.Record
	yearSet := map[int]bool{}
	err = s.d.Store.EachThreePublic(ctx, store.FeedFilter{Region: region.Code, Dept: dept.Code}, func(r store.ThreePublicRow) error {
		recs[key{r.FiscalYear, r.Phase}] = r
		chartRecs = append(chartRecs, chartRecord(r, charts.ReleaseRef{}))
		yearSet[r.FiscalYear] = true
		return nil
	})
	if err != nil {
		s.pageError(c, err)
		return
	}
	for y := range yearSet {
		p.Years = append(p.Years, y)
	}
	sort.Ints(p.Years)
	get := func(y int, ph models.Phase) *models.ThreePublic {
		if r, ok := recs[key{y, ph}]; ok {
			return &r.ThreePublic
		}
		return nil
	}
	for _, it := range historyItems {
		row := historyRow{Name: it.Name}
		for _, y := range p.Years {
			row.Cells = append(row.Cells, moneyOf(get(y, models.PhaseBudget), it.Get), moneyOf(get(y, models.PhaseFinal), it.Get))
		}
		p.History = append(p.History, row)
	}
	for _, cnt := range models.ThreePublicCounts {
		row := countRow{Name: cnt.Chinese}
		for _, y := range p.Years {
			for _, ph := range []models.Phase{models.PhaseBudget, models.PhaseFinal} {
				if t := get(y, ph); t != nil {
					row.Cells = append(row.Cells, countText(*cnt.Get(t)))
				} else {
					row.Cells = append(row.Cells, "—")
				}
			}
		}
		p.Counts = append(p.Counts, row)
	}
	for i := len(p.Years) - 1; i >= 0; i-- {
		y := p.Years[i]
		for _, ph := range models.Phases {
			r, ok := recs[key{y, ph}]
			if !ok {
				continue
			}
			p.Reasons = append(p.Reasons, reasonRow{Year: y, Phase: ph, Reason: r.ChangeReason})
			fs, err := s.d.Store.Findings(ctx, r.FeedFiling.FilingID)
			if err != nil {
				s.pageError(c, err)
				return
			}
			if len(fs) > 0 {
				p.Findings = append(p.Findings, findingGroup{Anchor: findingsAnchor(y, ph), Year: y, Phase: ph,
					FilingID: r.FeedFiling.FilingID, Findings: fs})
			}
		}
	}

	versions, err := s.d.Store.Filings(ctx, store.FilingFilter{Region: region.Code, Dept: dept.Code, Limit: 10000,
		Statuses: []models.Status{models.StatusPublished, models.StatusSuperseded, models.StatusWithdrawn}})
	if err != nil {
		s.pageError(c, err)
		return
	}
	sort.SliceStable(versions, func(i, j int) bool {
		a, b := versions[i], versions[j]
		if a.FiscalYear != b.FiscalYear {
			return a.FiscalYear > b.FiscalYear
		}
		if a.Phase != b.Phase {
			return phaseOrder(a.Phase) > phaseOrder(b.Phase)
		}
		return a.Version > b.Version
	})
	for _, f := range versions {
		id := strconv.FormatInt(f.ID, 10)
		p.Versions = append(p.Versions, versionRow{Filing: f, Permalink: FilingPath(f), JSON: "/api/v1/filings/" + id, Report: "/api/v1/filings/" + id + "/report"})
	}
	ds, err := s.d.Store.Datasets(ctx, store.DatasetFilter{Region: region.Code, Limit: 1000})
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, d := range ds {
		if yearSet[d.FiscalYear] {
			p.Downloads = append(p.Downloads, datasetDownloads(d))
		}
	}
	q := url.Values{"region": {region.Code}, "dept": {dept.Code}}
	p.FeedCSV = "/api/v1/three-public.csv?" + q.Encode()
	p.FeedItems = "/api/v1/line-items.csv?" + q.Encode()
	p.Trend = chartFigure{Title: dept.Name + " 三公经费历年预算与决算", Src: chartBase + "trend.svg?" + q.Encode(),
		Data: chartBase + "trend?" + q.Encode(), Head: []string{"年度", "预算合计（万元）", "决算合计（万元）", "执行率"}, NumFrom: 1}
	alt := p.Trend.Title + "（合计，万元）："
	var other []string // years whose 执行率 divides by another budget than the 年初预算 shown
	for _, y := range p.Years {
		b, f := moneyOf(get(y, models.PhaseBudget), threePublicItems[0].Get), moneyOf(get(y, models.PhaseFinal), threePublicItems[0].Get)
		var rate charts.Percent // the budget-vs-final chart's 执行率 (docs/figures.md)
		if bvf := charts.BudgetVsFinal(chartRecs, y); len(bvf.Rows) == 1 {
			x := bvf.Rows[0]
			rate = x.Rate
			if rate != "" && x.BudgetSource != charts.BudgetFromBudget {
				other = append(other, strconv.Itoa(y)+" 年以"+budgetSourceName[x.BudgetSource]+" "+wan(x.Budget)+" 万元为基数")
			}
		}
		p.Trend.Rows = append(p.Trend.Rows, []string{strconv.Itoa(y) + " 年", b.Text, f.Text, pct(rate)})
		alt += strconv.Itoa(y) + " 年预算 " + b.Text + "、决算 " + f.Text + "；"
	}
	p.Trend.Alt = alt
	if len(other) > 0 {
		p.Trend.Note = "执行率 = 决算 ÷ 预算：预算取决算表所列的预算数，没有时取调整预算，再没有时取年初预算；" + strings.Join(other, "，") + "。"
	}
	p.Trend.Embed, p.Trend.PNG = embedBox(p.BaseURL, p.Trend.Data, p.Trend.Title)
	s.render(c, 200, "department", p)
}

func findingsAnchor(year int, phase models.Phase) string {
	return "findings-" + strconv.Itoa(year) + "-" + string(phase)
}

// ---- catalogue, change log, rules ----

type datasetsPage struct {
	page
	Datasets []downloadLinks
	Region   string
	Year     string
	Kind     string
	Next     string
}

func (s *Site) Datasets(c *gin.Context) {
	f := store.DatasetFilter{Region: c.Query("region"), Kind: c.Query("kind"), Limit: 100}
	if y := c.Query("year"); y != "" {
		f.Year, _ = strconv.Atoi(y)
	}
	if a := c.Query("after"); a != "" {
		var cur httpx.DatasetCursor
		if err := httpx.DecodeCursor(a, &cur); err != nil {
			s.pageError(c, err)
			return
		}
		f.AfterTime, f.AfterID = cur.T, cur.ID
	}
	ds, err := s.d.Store.Datasets(c.Request.Context(), f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	p := datasetsPage{page: s.page("数据集目录", "datasets"), Region: f.Region, Kind: f.Kind}
	if f.Year != 0 {
		p.Year = strconv.Itoa(f.Year)
	}
	for _, d := range ds {
		p.Datasets = append(p.Datasets, datasetDownloads(d))
	}
	if len(ds) == f.Limit {
		last := ds[len(ds)-1]
		q := c.Request.URL.Query()
		q.Set("after", httpx.EncodeCursor(httpx.DatasetCursor{T: last.UpdatedAt, ID: last.ID}))
		p.Next = "/datasets?" + q.Encode()
	}
	s.render(c, 200, "datasets", p)
}

// changeRow is one release in the change log.
type changeRow struct {
	store.Release
	Title    string
	Dataset  string // the dataset's page
	Page     string // the release's page
	DeptPage string
	Filing   string // the filing version's page (by the API's id)
	CSV      string
	Diff     string // the comparison with the release before, as a page
}

func newChangeRow(r store.Release) changeRow {
	e := exports.NewReleaseEntry("", r)
	row := changeRow{Release: r, Title: e.DatasetTitle, Dataset: DatasetPath(r.DatasetID), Page: ReleasePath(r.DatasetID, r.Number),
		DeptPage: "/regions/" + url.PathEscape(r.RegionCode) + "/departments/" + url.PathEscape(r.DeptCode),
		Filing:   "/filings/" + strconv.FormatInt(r.FilingID, 10), CSV: e.Links["csv"]}
	if r.Number > 1 {
		row.Diff = DiffPath(r.DatasetID, r.Number-1, r.Number)
	}
	return row
}

type changesPage struct {
	page
	Changes []changeRow
	Next    string
	// The filters, as the form shows them.
	Region, Dataset, Dept, Kind string
	Kinds                       []kindOption
}

type kindOption struct{ Value, Label string }

// changeKinds are the kinds of change the log's filter offers (store.Actions).
func changeKinds() []kindOption {
	var out []kindOption
	for _, a := range store.Actions {
		out = append(out, kindOption{Value: a, Label: actionName(a)})
	}
	return out
}

// Changes is the change log, filterable as /api/v1/changes is (region,
// dataset, dept, kind) and paged; it advertises the Atom feed of the same filters.
func (s *Site) Changes(c *gin.Context) {
	f := store.ChangeFilter{Region: c.Query("region"), Dataset: c.Query("dataset"), Dept: c.Query("dept"), Action: c.Query("kind"), Limit: 100}
	if f.Action != "" && !slices.Contains(store.Actions, f.Action) {
		s.showError(c, http.StatusBadRequest, "参数 kind 无效：可选 "+strings.Join(store.Actions, "、"))
		return
	}
	if a := c.Query("after"); a != "" {
		var cur httpx.ChangeCursor
		if err := httpx.DecodeCursor(a, &cur); err != nil {
			s.pageError(c, err)
			return
		}
		f.BeforeID = cur.ID
	}
	rs, err := s.d.Store.Changes(c.Request.Context(), f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	p := changesPage{page: s.page("更新记录", "changes"), Region: f.Region, Dataset: f.Dataset, Dept: f.Dept, Kind: f.Action, Kinds: changeKinds()}
	filters := url.Values{}
	for k, v := range map[string]string{"region": f.Region, "dataset": f.Dataset, "dept": f.Dept, "kind": f.Action} {
		if v != "" {
			filters.Set(k, v)
		}
	}
	p.Feed = FeedPath(filters)
	for _, r := range rs {
		p.Changes = append(p.Changes, newChangeRow(r))
	}
	if len(rs) == f.Limit {
		q := c.Request.URL.Query()
		q.Set("after", httpx.EncodeCursor(httpx.ChangeCursor{ID: rs[len(rs)-1].ID}))
		p.Next = "/changes?" + q.Encode()
	}
	s.render(c, 200, "changes", p)
}

type rulesPage struct {
	page
	Rules []ruleRow
}

type ruleRow struct {
	checks.RuleInfo
	Name string
	// Applied is the severity this deployment gives the rule (its overrides,
	// as GET /api/v1/rules shows), PhaseApplied where a phase differs.
	Applied      models.Severity
	PhaseApplied []string
}

// Rules is the rule catalogue with this deployment's severities beside the defaults.
func (s *Site) Rules(c *gin.Context) {
	p := rulesPage{page: s.page("一致性检查规则", "rules")}
	overrides := s.d.Filings.SeverityOverrides()
	for _, r := range checks.Catalogue {
		row := ruleRow{RuleInfo: r, Name: ruleName(r.Key), Applied: checks.EffectiveSeverity(overrides, r.Key, "")}
		for _, ph := range models.Phases {
			if sev := checks.EffectiveSeverity(overrides, r.Key, ph); sev != row.Applied {
				row.PhaseApplied = append(row.PhaseApplied, ph.Chinese()+"："+severityName(sev))
			}
		}
		p.Rules = append(p.Rules, row)
	}
	s.render(c, 200, "rules", p)
}
