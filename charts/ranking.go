package charts

import (
	"sort"

	"sunshine/models"
)

// RankingData ranks a region's departments by one item for a year and phase.
type RankingData struct {
	RegionCode   string       `json:"region_code"`
	RegionName   string       `json:"region_name"`
	Year         int          `json:"year"`
	Phase        models.Phase `json:"phase"`
	Item         string       `json:"item"`
	ItemName     string       `json:"item_name"`
	Unit         string       `json:"unit"`          // 元
	DisplayUnit  string       `json:"display_unit"`  // 万元
	Disclosed    int          `json:"disclosed"`     // departments ranked
	NotDisclosed int          `json:"not_disclosed"` // departments listed last, unranked
	// Rows are the departments by amount, largest first; equal amounts share a rank
	// (1, 2, 2, 4) and are ordered by department code; not disclosed rows come last.
	Rows   []RankingRow `json:"rows"`
	Source Source       `json:"source"`
	// Option is the same chart as an ECharts option (echarts.go), to hand to setOption as it is.
	Option Option `json:"option"`
}

// RankingRow is one department's place.
type RankingRow struct {
	Rank      int              `json:"rank,omitempty"` // absent when not disclosed
	DeptCode  string           `json:"dept_code"`
	DeptName  string           `json:"dept_name"`
	Amount    models.NullMoney `json:"amount"`
	Display   Display          `json:"display"`
	Disclosed bool             `json:"disclosed"`
	FilingID  int64            `json:"filing_id"`
	Version   int              `json:"version"`
}

// Ranking ranks the departments by item, one of total, outbound_trips, vehicles,
// vehicle_purchase, vehicle_operation and reception.
// Returns EINVALID for any other item.
func Ranking(records []Record, year int, phase models.Phase, item string) (RankingData, error) {
	def, ok := items[item]
	if !ok {
		return RankingData{}, models.Errorf(models.EINVALID,
			"排名项目“%s”无效，应为 total、outbound_trips、vehicles、vehicle_purchase、vehicle_operation 或 reception", item)
	}
	recs := latest(records, func(r *Record) bool { return r.FiscalYear == year && r.Phase == phase })
	d := RankingData{Year: year, Phase: phase, Item: item, ItemName: def.name, Unit: string(models.Yuan),
		DisplayUnit: string(models.WanYuan), Rows: []RankingRow{}, Source: sourceOf(recs)}
	d.RegionCode, d.RegionName = region(recs)
	for i := range recs {
		r := &recs[i]
		v := def.actual(&r.ThreePublic)
		d.Rows = append(d.Rows, RankingRow{DeptCode: r.DeptCode, DeptName: r.DeptName, Amount: v, Display: display(v),
			Disclosed: v.Valid, FilingID: r.FilingID, Version: r.Version})
	}
	sort.Slice(d.Rows, func(i, j int) bool {
		a, b := d.Rows[i], d.Rows[j]
		if a.Disclosed != b.Disclosed {
			return a.Disclosed
		}
		if a.Disclosed && a.Amount.Money != b.Amount.Money {
			return a.Amount.Money > b.Amount.Money
		}
		return a.DeptCode < b.DeptCode
	})
	for i := range d.Rows {
		row := &d.Rows[i]
		if !row.Disclosed {
			d.NotDisclosed++
			continue
		}
		d.Disclosed++
		row.Rank = i + 1
		if i > 0 && d.Rows[i-1].Disclosed && d.Rows[i-1].Amount.Money == row.Amount.Money {
			row.Rank = d.Rows[i-1].Rank
		}
	}
	d.Option = RankingOption(d)
	return d, nil
}
