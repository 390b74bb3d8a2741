package charts

import (
	"sort"
	"strconv"

	"sunshine/models"
)

// TrendData is one department's 三公 by year, budget and final side by side,
// shaped for ECharts: categories are the years, each series has one value per
// category (null where the year has no figure).
type TrendData struct {
	RegionCode  string        `json:"region_code"`
	RegionName  string        `json:"region_name"`
	DeptCode    string        `json:"dept_code"`
	DeptName    string        `json:"dept_name"`
	Unit        string        `json:"unit"`         // unit of the series data: 元
	DisplayUnit string        `json:"display_unit"` // unit of the display strings: 万元
	Categories  []string      `json:"categories"`   // "2019", "2020", … every year from the first to the last
	Series      []TrendSeries `json:"series"`
	// Filings lists the records used, so a null can be told apart: a year and
	// phase with a filing has the figure not disclosed; one without has no filing yet.
	Filings []FilingRef `json:"filings"`
	Source  Source      `json:"source"`
	// Option is the same chart as an ECharts option (echarts.go), to hand to setOption as it is.
	Option Option `json:"option"`
}

// TrendSeries is one item in one phase.
type TrendSeries struct {
	Name    string             `json:"name"`  // "合计（预算）"
	Item    string             `json:"item"`  // total, outbound_trips, vehicles, reception
	Phase   models.Phase       `json:"phase"` // budget or final
	Data    []models.NullMoney `json:"data"`  // 元, aligned with Categories
	Display []Display          `json:"display"`
}

// FilingRef names the filing a chart took a department's figures from.
type FilingRef struct {
	DeptCode string       `json:"dept_code,omitempty"`
	Year     int          `json:"year"`
	Phase    models.Phase `json:"phase"`
	FilingID int64        `json:"filing_id"`
	Version  int          `json:"version"`
}

// trendPhases are the phases the trend compares: the approved budget at the start
// of the year against the final accounts. 调整预算 is left out to keep the chart readable.
var trendPhases = []models.Phase{models.PhaseBudget, models.PhaseFinal}

// Trend returns the trend of one department (by code) over every year the records cover.
// With no record for the department, Categories and the series data are empty.
func Trend(records []Record, dept string) TrendData {
	recs := latest(records, func(r *Record) bool {
		return r.DeptCode == dept && (r.Phase == models.PhaseBudget || r.Phase == models.PhaseFinal)
	})
	sort.Slice(recs, func(i, j int) bool {
		if recs[i].FiscalYear != recs[j].FiscalYear {
			return recs[i].FiscalYear < recs[j].FiscalYear
		}
		return recs[i].Phase == models.PhaseBudget && recs[j].Phase != models.PhaseBudget
	})
	d := TrendData{DeptCode: dept, Unit: string(models.Yuan), DisplayUnit: string(models.WanYuan),
		Categories: []string{}, Filings: []FilingRef{}, Source: sourceOf(recs)}
	d.RegionCode, d.RegionName = region(recs)
	for _, r := range recs {
		if r.DeptName != "" {
			d.DeptName = r.DeptName // the latest name wins: departments get renamed
		}
		d.Filings = append(d.Filings, FilingRef{Year: r.FiscalYear, Phase: r.Phase, FilingID: r.FilingID, Version: r.Version})
	}
	var first, last int
	if len(recs) > 0 {
		first, last = recs[0].FiscalYear, recs[len(recs)-1].FiscalYear
	}
	n := 0
	if len(recs) > 0 {
		n = last - first + 1
	}
	for y := 0; y < n; y++ {
		d.Categories = append(d.Categories, strconv.Itoa(first+y))
	}
	for _, key := range trendItems {
		for _, p := range trendPhases {
			s := TrendSeries{Name: items[key].name + "（" + p.Chinese() + "）", Item: key, Phase: p,
				Data: make([]models.NullMoney, n), Display: make([]Display, n)}
			for _, r := range recs {
				if r.Phase != p {
					continue
				}
				v := items[key].actual(&r.ThreePublic)
				s.Data[r.FiscalYear-first] = v
				s.Display[r.FiscalYear-first] = display(v)
			}
			d.Series = append(d.Series, s)
		}
	}
	d.Option = TrendOption(d)
	return d
}

// hasFiling reports whether the trend used a filing for that year and phase.
func (d TrendData) hasFiling(year int, p models.Phase) bool {
	for _, f := range d.Filings {
		if f.Year == year && f.Phase == p {
			return true
		}
	}
	return false
}
