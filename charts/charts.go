// Package charts computes the data of the portal's four 三公经费 charts (trend,
// composition, ranking, budget vs final) and renders them as standalone SVG.
//
// It is pure: the handlers read published records from the store, say which
// release each came from, and hand them in; nothing here knows SQL or HTTP.
// Amounts stay exact (models.Money, fen) in the data; "not disclosed" stays
// null, never 0. Only pixel geometry uses float64.
//
// It is also the one place a derived figure is computed: the public pages
// print the sums, shares and 执行率 these functions return, so a page, a
// chart and its embed never disagree. docs/figures.md defines each.
package charts

import (
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"sunshine/models"
)

// Record is one published 三公 record with the department and filing it belongs to.
// A chart call expects the records of one region.
type Record struct {
	RegionCode string
	RegionName string
	DeptCode   string
	DeptName   string
	FiscalYear int
	Phase      models.Phase
	FilingID   int64
	Version    int
	// Release is the dataset release the record was read from; every answer
	// lists the releases of the records it used.
	Release     ReleaseRef
	ThreePublic models.ThreePublic
}

// ReleaseRef names one numbered release of a dataset.
type ReleaseRef struct {
	DatasetID string `json:"dataset_id"` // "990101-2024-final-three_public"
	Number    int    `json:"release"`
}

// String is the form printed on charts: "990101-2024-final-three_public 第 3 版".
func (r ReleaseRef) String() string {
	return r.DatasetID + " 第 " + strconv.Itoa(r.Number) + " 版"
}

// Source says what an answer was computed from.
type Source struct {
	Releases []ReleaseRef `json:"releases"`
	// Note is for the caller to fill (a pinned release, say); the chart functions leave it empty
	// and the SVG prints it after the releases.
	Note string `json:"note,omitempty"`
}

// Display is an amount as readers see it: 万元, two decimals, thousands separators ("1,234.56").
// The empty Display is "not disclosed" and marshals as JSON null.
type Display string

// MarshalJSON writes null for the empty Display.
func (d Display) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	return strconv.AppendQuote(nil, string(d)), nil
}

func display(n models.NullMoney) Display {
	if !n.Valid {
		return ""
	}
	return Display(n.Money.FormatRounded(models.WanYuan, 2, true))
}

// Percent is a percentage with one decimal and no sign ("42.3"), computed in integers.
// The empty Percent means undefined (a share of nothing, a rate without a budget) and marshals as null.
type Percent string

// MarshalJSON writes null for the empty Percent.
func (p Percent) MarshalJSON() ([]byte, error) {
	if p == "" {
		return []byte("null"), nil
	}
	return strconv.AppendQuote(nil, string(p)), nil
}

// Tenths is the percentage in tenths of a percent ("42.3" → 423), for sorting;
// false when the Percent is undefined.
func (p Percent) Tenths() (int64, bool) {
	if p == "" {
		return 0, false
	}
	whole, frac, _ := strings.Cut(strings.TrimPrefix(string(p), "-"), ".")
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, false
	}
	if strings.HasPrefix(string(p), "-") {
		n = -n
	}
	return n, true
}

// percent returns part/whole × 100 rounded half up to one decimal, using exact
// integer arithmetic (128-bit intermediate, so no amount can overflow it).
// It is undefined ("") when whole is not positive.
func percent(part, whole models.Money) Percent {
	if whole <= 0 {
		return ""
	}
	neg := part < 0
	abs := uint64(part)
	if neg {
		abs = uint64(-(part + 1)) + 1
	}
	// tenths of a percent, rounded half up: (abs·1000·2 + whole) / (2·whole)
	hi, lo := bits.Mul64(abs, 2000)
	lo, carry := bits.Add64(lo, uint64(whole), 0)
	hi += carry
	div := 2 * uint64(whole)
	if hi >= div {
		return "" // above 2^64 tenths of a percent: no real figure gets here
	}
	q, _ := bits.Div64(hi, lo, div)
	s := strconv.FormatUint(q/10, 10) + "." + strconv.FormatUint(q%10, 10)
	if neg && q != 0 {
		s = "-" + s
	}
	return Percent(s)
}

// Item keys accepted by Ranking, in table order (DOMAIN.md §3).
const (
	ItemTotal            = "total"
	ItemOutboundTrips    = "outbound_trips"
	ItemVehicles         = "vehicles"
	ItemVehiclePurchase  = "vehicle_purchase"
	ItemVehicleOperation = "vehicle_operation"
	ItemReception        = "reception"
)

// trendItems are the items the trend and budget charts show; the vehicle split is the composition chart's.
var trendItems = []string{ItemTotal, ItemOutboundTrips, ItemVehicles, ItemReception}

type itemDef struct {
	name   string
	actual func(*models.ThreePublic) models.NullMoney
	budget func(*models.ThreePublic) models.NullMoney // the 预算数 column a final account prints
}

var items = map[string]itemDef{
	ItemTotal: {"合计",
		func(t *models.ThreePublic) models.NullMoney { return t.Total },
		func(t *models.ThreePublic) models.NullMoney { return t.BudgetTotal }},
	ItemOutboundTrips: {"因公出国(境)费",
		func(t *models.ThreePublic) models.NullMoney { return t.OutboundTrips },
		func(t *models.ThreePublic) models.NullMoney { return t.BudgetOutboundTrips }},
	ItemVehicles: {"公务用车购置及运行费",
		func(t *models.ThreePublic) models.NullMoney { return t.Vehicles },
		func(t *models.ThreePublic) models.NullMoney { return t.BudgetVehicles }},
	ItemVehiclePurchase: {"公务用车购置费",
		func(t *models.ThreePublic) models.NullMoney { return t.VehiclePurchase },
		func(t *models.ThreePublic) models.NullMoney { return t.BudgetVehiclePurchase }},
	ItemVehicleOperation: {"公务用车运行费",
		func(t *models.ThreePublic) models.NullMoney { return t.VehicleOperation },
		func(t *models.ThreePublic) models.NullMoney { return t.BudgetVehicleOperation }},
	ItemReception: {"公务接待费",
		func(t *models.ThreePublic) models.NullMoney { return t.Reception },
		func(t *models.ThreePublic) models.NullMoney { return t.BudgetReception }},
}

// ItemName returns the Chinese name of an item key, or "" for an unknown key.
func ItemName(key string) string { return items[key].name }

// latest keeps one record per department, year and phase: the highest version
// (then the highest filing id), so a caller that passes superseded versions too
// still gets each figure once.
func latest(records []Record, keep func(*Record) bool) []Record {
	type key struct {
		dept  string
		year  int
		phase models.Phase
	}
	idx := map[key]int{}
	var out []Record
	for i := range records {
		r := &records[i]
		if !keep(r) {
			continue
		}
		k := key{r.DeptCode, r.FiscalYear, r.Phase}
		j, seen := idx[k]
		if !seen {
			idx[k] = len(out)
			out = append(out, *r)
			continue
		}
		if o := out[j]; r.Version > o.Version || (r.Version == o.Version && r.FilingID > o.FilingID) {
			out[j] = *r
		}
	}
	return out
}

// sourceOf lists the distinct releases of the records, in a stable order.
func sourceOf(records []Record) Source {
	seen := map[ReleaseRef]bool{}
	rs := []ReleaseRef{}
	for _, r := range records {
		if r.Release.DatasetID == "" || seen[r.Release] {
			continue
		}
		seen[r.Release] = true
		rs = append(rs, r.Release)
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].DatasetID != rs[j].DatasetID {
			return rs[i].DatasetID < rs[j].DatasetID
		}
		return rs[i].Number < rs[j].Number
	})
	return Source{Releases: rs}
}

// region names the region of the records (the first that has a name).
func region(records []Record) (code, name string) {
	for _, r := range records {
		if code == "" {
			code = r.RegionCode
		}
		if r.RegionName != "" {
			return r.RegionCode, r.RegionName
		}
	}
	return code, ""
}

// sum adds up the disclosed values; n counts them and excluded counts the others.
// The sum is not disclosed when no value was.
type sum struct {
	total    models.Money
	n        int
	excluded int
}

func (s *sum) add(v models.NullMoney) {
	if !v.Valid {
		s.excluded++
		return
	}
	s.total += v.Money // a region's 三公 is far below the 9×10^16 fen where int64 would wrap
	s.n++
}

func (s sum) value() models.NullMoney {
	if s.n == 0 {
		return models.NotDisclosed
	}
	return models.Disclosed(s.total)
}
