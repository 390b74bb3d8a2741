package checks

import (
	"strings"

	"sunshine/models"
)

// Rules 1–2: the identities inside the 三公 record.

var ruleThreePublicTotal = rule{RuleInfo{
	Key: "three_public.total", Number: "1", Severity: models.SeverityError, Scope: ScopeTable,
	Chinese: "三公经费合计应等于因公出国(境)费、公务用车购置及运行(维护)费、公务接待费之和（决算的预算数、决算数分别核对）；合计为 0 时各项都应为 0。",
	English: "The 三公 total equals outbound trips + vehicles + reception (in a final, for the budget and the actual columns alike); a zero total means every item is zero.",
	Basis:   basis143,
}, checkThreePublicTotal}

var ruleThreePublicVehicles = rule{RuleInfo{
	Key: "three_public.vehicles", Number: "2", Severity: models.SeverityError, Scope: ScopeTable,
	Chinese: "公务用车购置及运行(维护)费应等于公务用车购置费与公务用车运行(维护)费之和。",
	English: "The vehicles subtotal equals vehicle purchase + vehicle operation.",
	Basis:   basis143,
}, checkThreePublicVehicles}

var ruleVehiclesNotSplit = rule{RuleInfo{
	Key: "three_public.vehicles_not_split", Number: "2", Severity: models.SeverityWarning, Scope: ScopeTable,
	Chinese: "公开了公务用车购置及运行(维护)费，却未分别公开购置费和运行(维护)费（财政部检查中的常见问题）。",
	English: "A non-zero vehicles amount is disclosed without its split into purchase and operation, which the rules require.",
	Basis:   basis143,
}, checkVehiclesNotSplit}

// threePublicColumns is one set of 三公 amounts: the only set of a budget, or
// in a final the 决算数 and the 预算数 printed beside them.
type threePublicColumns struct {
	label    string // "决算数", "预算数", or "" in a budget
	prefix   string // the column keys' prefix: "" or "budget_"
	unit     models.Unit
	decimals models.Decimals
	row      int

	total, trips, vehicles, purchase, operation, reception models.NullMoney
}

// threePublicSets returns the sets of amounts the filing's 三公 record has.
func threePublicSets(in *input) []threePublicColumns {
	t := in.ThreePublic
	if t == nil {
		return nil
	}
	actual := threePublicColumns{unit: unitOf(t.Unit), decimals: t.Decimals, row: t.SourceRow,
		total: t.Total, trips: t.OutboundTrips, vehicles: t.Vehicles,
		purchase: t.VehiclePurchase, operation: t.VehicleOperation, reception: t.Reception}
	if in.Phase != models.PhaseFinal {
		return []threePublicColumns{actual}
	}
	actual.label = "决算数"
	budget := threePublicColumns{label: "预算数", prefix: "budget_", unit: actual.unit, decimals: t.Decimals, row: t.SourceRow,
		total: t.BudgetTotal, trips: t.BudgetOutboundTrips, vehicles: t.BudgetVehicles,
		purchase: t.BudgetVehiclePurchase, operation: t.BudgetVehicleOperation, reception: t.BudgetReception}
	return []threePublicColumns{actual, budget}
}

// The 三公 items by column key, as printed.
var threePublicNames = map[string]string{
	"total":             "合计",
	"outbound_trips":    "因公出国(境)费",
	"vehicles":          "公务用车购置及运行(维护)费",
	"vehicle_purchase":  "公务用车购置费",
	"vehicle_operation": "公务用车运行(维护)费",
	"reception":         "公务接待费",
}

// threePublicAt locates a 三公 column: 三公经费决算数“公务接待费”.
func threePublicAt(label, key string, row int) where {
	name := threePublicNames[strings.TrimPrefix(key, "budget_")]
	return where{Text: "三公经费" + label + "“" + name + "”", Table: models.TableThreePublic, Column: key, Row: row}
}

func (c threePublicColumns) at(key string) where { return threePublicAt(c.label, c.prefix+key, c.row) }

func (c threePublicColumns) fig(n models.NullMoney) figure { return disclosed(n, c.unit, c.decimals) }

// blanksNote is what a message adds when blank items were read as 0.
const blanksNote = "（空白按 0 核对）"

// partsAsPrinted returns the parts of a printed total as its identity reads
// them: a printed 三公 table leaves a zero item blank (DOMAIN.md §2), so when
// at least one part is printed the blank ones count 0 and blanks is true.
// With no part printed there is nothing to compare: ok is false.
func (c threePublicColumns) partsAsPrinted(parts ...models.NullMoney) (figs []figure, blanks, ok bool) {
	for _, p := range parts {
		if p.Valid {
			ok = true
		} else {
			blanks = true
		}
	}
	if !ok {
		return nil, false, false
	}
	for _, p := range parts {
		if p.Valid {
			figs = append(figs, c.fig(p))
		} else {
			figs = append(figs, figure{Amount: 0, Unit: c.unit, Decimals: c.decimals})
		}
	}
	return figs, blanks, true
}

// vehicleItem is the vehicles item as it takes part in the total: the
// subtotal when printed, else purchase and operation when either is.
func (c threePublicColumns) vehicleItem() models.NullMoney {
	if c.vehicles.Valid || (!c.purchase.Valid && !c.operation.Valid) {
		return c.vehicles
	}
	return models.Disclosed(c.purchase.Money + c.operation.Money)
}

func checkThreePublicTotal(in *input, out *output) {
	for _, c := range threePublicSets(in) {
		if !c.total.Valid {
			continue
		}
		if c.total.Money == 0 {
			// A printed zero total cannot hide a printed non-zero item (items are
			// not negative and rounding cannot lift one above its total), so
			// no tolerance applies here.
			items := []struct {
				key string
				n   models.NullMoney
			}{{"outbound_trips", c.trips}, {"vehicles", c.vehicles}, {"vehicle_purchase", c.purchase},
				{"vehicle_operation", c.operation}, {"reception", c.reception}}
			for _, it := range items {
				if it.n.Valid && it.n.Money != 0 {
					amount := money(it.n.Money, c.unit)
					out.reportf(c.at(it.key), money(0, c.unit), amount,
						"三公经费%s合计为 0，该项却为 %s；合计为 0 时各项都应为 0", c.label, amount)
				}
			}
			continue
		}
		parts, blanks, ok := c.partsAsPrinted(c.trips, c.vehicleItem(), c.reception)
		if !ok {
			continue
		}
		if !c.vehicles.Valid && c.purchase.Valid && c.operation.Valid {
			// Purchase and operation stand for the unprinted subtotal: each adds its own rounding.
			parts = append(parts[:1:1], c.fig(c.purchase), c.fig(c.operation), parts[2])
		}
		label := "因公出国(境)费 + 公务用车购置及运行(维护)费 + 公务接待费"
		if blanks {
			label += blanksNote
		}
		out.compare(comparison{
			at:       c.at("total"),
			actual:   one("", c.fig(c.total)),
			expected: side{Label: label, Figures: parts},
		})
	}
}

func checkThreePublicVehicles(in *input, out *output) {
	for _, c := range threePublicSets(in) {
		if !c.vehicles.Valid {
			continue
		}
		parts, blanks, ok := c.partsAsPrinted(c.purchase, c.operation)
		if !ok {
			continue // neither part printed: three_public.vehicles_not_split's business
		}
		label := "公务用车购置费 + 公务用车运行(维护)费"
		if blanks {
			label += blanksNote
		}
		out.compare(comparison{
			at:       c.at("vehicles"),
			actual:   one("", c.fig(c.vehicles)),
			expected: side{Label: label, Figures: parts},
		})
	}
}

func checkVehiclesNotSplit(in *input, out *output) {
	for _, c := range threePublicSets(in) {
		// One part printed and the other blank is a printed zero, which
		// three_public.vehicles checks; only a subtotal with neither part is unsplit.
		if !c.vehicles.Valid || c.vehicles.Money == 0 || c.purchase.Valid || c.operation.Valid {
			continue
		}
		var missing []string
		if !c.purchase.Valid {
			missing = append(missing, "公务用车购置费")
		}
		if !c.operation.Valid {
			missing = append(missing, "公务用车运行(维护)费")
		}
		amount := money(c.vehicles.Money, c.unit)
		at := c.at("vehicles")
		at.Value = amount
		out.reportf(at, "", amount, "公开了 %s，但未公开%s；应分别公开公务用车购置费和运行(维护)费",
			amount, strings.Join(missing, "和"))
	}
}
