package charts

import "sunshine/models"

// CompositionData is how a region's 三公 of one year and phase divides among the
// three items, and how the vehicle money divides between purchase and operation.
//
// Each part is the sum over the departments that disclosed it; a department whose
// figure is not disclosed is left out of that part only, and Excluded counts it.
// Shares are of the sum of the parts (so the three shares add up to 100 %, give
// or take the rounding of each to one decimal), not of the 合计 column, which some
// departments may disclose when a part is missing.
type CompositionData struct {
	RegionCode  string       `json:"region_code"`
	RegionName  string       `json:"region_name"`
	Year        int          `json:"year"`
	Phase       models.Phase `json:"phase"`
	Unit        string       `json:"unit"`         // 元
	DisplayUnit string       `json:"display_unit"` // 万元
	Departments int          `json:"departments"`  // departments with a record for the year and phase
	// Total is the sum of the departments' 合计 column, for reference; its Share is null.
	Total Part `json:"total"`
	// Items are outbound_trips, vehicles and reception; ItemsSum is their sum, the base of their shares.
	Items           []Part           `json:"items"`
	ItemsSum        models.NullMoney `json:"items_sum"`
	ItemsSumDisplay Display          `json:"items_sum_display"`
	// Vehicles are vehicle_purchase and vehicle_operation; VehiclesSum is the base of their shares.
	Vehicles           []Part           `json:"vehicles"`
	VehiclesSum        models.NullMoney `json:"vehicles_sum"`
	VehiclesSumDisplay Display          `json:"vehicles_sum_display"`
	Source             Source           `json:"source"`
	// Option is the same chart as an ECharts option (echarts.go), to hand to setOption as it is.
	Option Option `json:"option"`
}

// Part is one slice of a composition.
type Part struct {
	Item     string           `json:"item"`
	Name     string           `json:"name"`
	Amount   models.NullMoney `json:"amount"` // null when no department disclosed it
	Display  Display          `json:"display"`
	Share    Percent          `json:"share"`    // of the composition's sum, e.g. "42.3"
	Counted  int              `json:"counted"`  // departments that disclosed it
	Excluded int              `json:"excluded"` // departments that did not
}

// Composition returns the composition of the region's 三公 for the year and phase.
// For a final account the amounts are the 决算数, never the 预算数 printed beside them.
func Composition(records []Record, year int, phase models.Phase) CompositionData {
	recs := latest(records, func(r *Record) bool { return r.FiscalYear == year && r.Phase == phase })
	d := CompositionData{Year: year, Phase: phase, Unit: string(models.Yuan), DisplayUnit: string(models.WanYuan),
		Departments: len(recs), Source: sourceOf(recs)}
	d.RegionCode, d.RegionName = region(recs)
	d.Total = part(recs, ItemTotal)
	d.Items, d.ItemsSum = parts(recs, ItemOutboundTrips, ItemVehicles, ItemReception)
	d.ItemsSumDisplay = display(d.ItemsSum)
	d.Vehicles, d.VehiclesSum = parts(recs, ItemVehiclePurchase, ItemVehicleOperation)
	d.VehiclesSumDisplay = display(d.VehiclesSum)
	d.Option = CompositionOption(d)
	return d
}

func part(recs []Record, key string) Part {
	var s sum
	for i := range recs {
		s.add(items[key].actual(&recs[i].ThreePublic))
	}
	v := s.value()
	return Part{Item: key, Name: items[key].name, Amount: v, Display: display(v), Counted: s.n, Excluded: s.excluded}
}

// parts sums each item and gives each its share of their sum.
func parts(recs []Record, keys ...string) ([]Part, models.NullMoney) {
	ps := make([]Part, len(keys))
	var whole sum
	for i, k := range keys {
		ps[i] = part(recs, k)
		if ps[i].Amount.Valid {
			whole.add(ps[i].Amount)
		}
	}
	for i := range ps {
		if ps[i].Amount.Valid {
			ps[i].Share = percent(ps[i].Amount.Money, whole.total)
		}
	}
	return ps, whole.value()
}
