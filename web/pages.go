package web

import (
	"net/url"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

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
}

func datasetDownloads(d store.Dataset) downloadLinks {
	l := exports.ReleaseLinks("", d.ID, d.LatestRelease)
	return downloadLinks{Title: exports.DatasetTitle(d), Release: d.LatestRelease, Kind: string(d.Kind),
		UpdatedAt: d.UpdatedAt.In(chinaTime).Format("2006-01-02 15:04"),
		CSV:       l["csv"], CSVExcel: l["csv"] + "?bom=1", XLSX: l["xlsx"], JSON: l["json"], DataPackage: l["datapackage"],
		Dataset: "/api/v1/datasets/" + url.PathEscape(d.ID)}
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
	Rate              string
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
	HasBudget bool
	HasFinal  bool
	Warnings  int
}

// chartFigure is a chart image with the numbers it shows, as a table beside it.
type chartFigure struct {
	Title, Src, Alt, Data string
	Head                  []string
	Rows                  [][]string
	NumFrom               int // columns from this index on are figures (right-aligned)
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
	err = s.d.Store.EachThreePublic(ctx, store.FeedFilter{Region: code, Year: year}, func(r store.ThreePublicRow) error {
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
	for _, r := range rows {
		r.BudgetWarnings = stats[r.BudgetID].Warnings
		r.FinalWarnings = stats[r.FinalID].Warnings
		p.Warnings += r.BudgetWarnings + r.FinalWarnings
		for _, it := range threePublicItems {
			r.Cells = append(r.Cells, moneyOf(r.Budget, it.Get), moneyOf(r.Final, it.Get))
		}
		if r.Budget != nil && r.Final != nil {
			r.Rate = percent(r.Final.Total, r.Budget.Total)
		} else {
			r.Rate = "—"
		}
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
	p.Totals, p.Partial = regionTotals(p.Rows)

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
	p.Charts = regionCharts(&p)
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
			if r.Budget == nil || r.Final == nil {
				return 0, false
			}
			return tenthsOfPercent(r.Final.Total, r.Budget.Total)
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

// regionTotals adds up each column over the departments that disclosed it.
func regionTotals(rows []deptYearRow) ([]moneyCell, bool) {
	partial := false
	var out []moneyCell
	for _, it := range threePublicItems {
		for _, final := range []bool{false, true} {
			var sum models.Money
			n := 0
			for i := range rows {
				t := rows[i].Budget
				if final {
					t = rows[i].Final
				}
				if t == nil {
					continue
				}
				v := it.Get(t)
				if !v.Valid {
					partial = true
					continue
				}
				sum += v.Money
				n++
			}
			if n == 0 {
				out = append(out, moneyCell{Text: "—", Class: "none"})
			} else {
				out = append(out, moneyCell{Text: wan(models.Disclosed(sum))})
			}
		}
	}
	return out, partial
}

func sumItem(rows []deptYearRow, final bool, get func(*models.ThreePublic) models.NullMoney) models.NullMoney {
	var sum models.Money
	n := 0
	for i := range rows {
		t := rows[i].Budget
		if final {
			t = rows[i].Final
		}
		if t == nil {
			continue
		}
		if v := get(t); v.Valid {
			sum += v.Money
			n++
		}
	}
	if n == 0 {
		return models.NotDisclosed
	}
	return models.Disclosed(sum)
}

// regionCharts are the region's three charts with the numbers beside them.
func regionCharts(p *regionYearPage) []chartFigure {
	if len(p.Rows) == 0 {
		return nil
	}
	q := url.Values{"region": {p.Region.Code}, "year": {strconv.Itoa(p.Year)}}
	phase := models.PhaseBudget
	if p.HasFinal {
		phase = models.PhaseFinal
	}
	final := phase == models.PhaseFinal
	q.Set("phase", string(phase))
	var out []chartFigure

	comp := chartFigure{Title: strconv.Itoa(p.Year) + " 年" + phase.Chinese() + "三公经费构成",
		Src: chartBase + "composition.svg?" + q.Encode(), Data: chartBase + "composition?" + q.Encode(),
		Head: []string{"项目", "金额（万元）", "占合计"}, NumFrom: 1}
	total := sumItem(p.Rows, final, threePublicItems[0].Get)
	alt := comp.Title + "："
	for _, it := range []struct {
		name string
		get  func(*models.ThreePublic) models.NullMoney
	}{
		{"因公出国(境)费", threePublicItems[1].Get},
		{"公务用车购置费", func(t *models.ThreePublic) models.NullMoney { return t.VehiclePurchase }},
		{"公务用车运行(维护)费", func(t *models.ThreePublic) models.NullMoney { return t.VehicleOperation }},
		{"公务接待费", threePublicItems[3].Get},
	} {
		v := sumItem(p.Rows, final, it.get)
		comp.Rows = append(comp.Rows, []string{it.name, wan(v), percent(v, total)})
		alt += it.name + " " + wan(v) + " 万元（" + percent(v, total) + "）；"
	}
	comp.Rows = append(comp.Rows, []string{"合计", wan(total), ""})
	comp.Alt = alt + "合计 " + wan(total) + " 万元"
	out = append(out, comp)

	rq := url.Values{"region": q["region"], "year": q["year"], "phase": q["phase"], "item": {"total"}}
	rank := chartFigure{Title: strconv.Itoa(p.Year) + " 年各部门" + phase.Chinese() + "三公经费合计排名",
		Src: chartBase + "ranking.svg?" + rq.Encode(), Data: chartBase + "ranking?" + rq.Encode(),
		Head: []string{"名次", "部门（前 10 名）", "金额（万元）"}, NumFrom: 2}
	ranked := append([]deptYearRow(nil), p.Rows...)
	rankKey := "b_total"
	if final {
		rankKey = "f_total"
	}
	sortRegionRows(ranked, rankKey, true)
	alt = rank.Title + "："
	for i, r := range ranked {
		if i == 10 {
			break
		}
		t := r.Budget
		if final {
			t = r.Final
		}
		if t == nil || !t.Total.Valid {
			break
		}
		rank.Rows = append(rank.Rows, []string{strconv.Itoa(i + 1), r.Name, wan(t.Total)})
		alt += strconv.Itoa(i+1) + ". " + r.Name + " " + wan(t.Total) + " 万元；"
	}
	rank.Alt = alt
	out = append(out, rank)

	if p.HasBudget && p.HasFinal {
		bq := url.Values{"region": q["region"], "year": q["year"]}
		bvf := chartFigure{Title: strconv.Itoa(p.Year) + " 年三公经费预算与决算对比（全部部门合计）",
			Src: chartBase + "budget-vs-final.svg?" + bq.Encode(), Data: chartBase + "budget-vs-final?" + bq.Encode(),
			Head: []string{"项目", "预算（万元）", "决算（万元）", "执行率"}, NumFrom: 1}
		alt = bvf.Title + "："
		for _, it := range threePublicItems {
			b, f := sumItem(p.Rows, false, it.Get), sumItem(p.Rows, true, it.Get)
			bvf.Rows = append(bvf.Rows, []string{it.Name, wan(b), wan(f), percent(f, b)})
			alt += it.Name + " 预算 " + wan(b) + " 万元、决算 " + wan(f) + " 万元；"
		}
		bvf.Alt = alt
		out = append(out, bvf)
	}
	return out
}

// ---- department ----

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
	Permalink string
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

	type key struct {
		year  int
		phase models.Phase
	}
	recs := map[key]store.ThreePublicRow{}
	yearSet := map[int]bool{}
	err = s.d.Store.EachThreePublic(ctx, store.FeedFilter{Region: region.Code, Dept: dept.Code}, func(r store.ThreePublicRow) error {
		recs[key{r.FiscalYear, r.Phase}] = r
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
		p.Versions = append(p.Versions, versionRow{Filing: f, Permalink: "/api/v1/filings/" + id, Report: "/api/v1/filings/" + id + "/report"})
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
	for _, y := range p.Years {
		b, f := moneyOf(get(y, models.PhaseBudget), threePublicItems[0].Get), moneyOf(get(y, models.PhaseFinal), threePublicItems[0].Get)
		rate := "—"
		if bt, ft := get(y, models.PhaseBudget), get(y, models.PhaseFinal); bt != nil && ft != nil {
			rate = percent(ft.Total, bt.Total)
		}
		p.Trend.Rows = append(p.Trend.Rows, []string{strconv.Itoa(y) + " 年", b.Text, f.Text, rate})
		alt += strconv.Itoa(y) + " 年预算 " + b.Text + "、决算 " + f.Text + "；"
	}
	p.Trend.Alt = alt
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
	DeptPage string
	Filing   string
	CSV      string
	Diff     string
}

func newChangeRow(r store.Release) changeRow {
	e := exports.NewReleaseEntry("", r)
	return changeRow{Release: r, Title: e.DatasetTitle,
		DeptPage: "/regions/" + url.PathEscape(r.RegionCode) + "/departments/" + url.PathEscape(r.DeptCode),
		Filing:   e.Links["filing"], CSV: e.Links["csv"], Diff: e.Links["diff"]}
}

type changesPage struct {
	page
	Changes []changeRow
	Next    string
}

func (s *Site) Changes(c *gin.Context) {
	f := store.ChangeFilter{Region: c.Query("region"), Limit: 100}
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
	p := changesPage{page: s.page("更新记录", "changes")}
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
}

func (s *Site) Rules(c *gin.Context) {
	p := rulesPage{page: s.page("一致性检查规则", "rules")}
	for _, r := range checks.Catalogue {
		p.Rules = append(p.Rules, ruleRow{RuleInfo: r, Name: ruleName(r.Key)})
	}
	s.render(c, 200, "rules", p)
}
