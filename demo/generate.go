// Package demo generates a realistic, clearly fictional county-level city —
// 阳光市（演示数据）, region code 990101 — with about forty departments, fiscal
// years 2021–2025, budgets and final accounts with every standard table, 三公
// with counts and change reasons, and a handful of deliberate defects for the
// checks to show. The generator is deterministic: the same clock gives the same
// bytes, so loading it twice stores nothing new.
package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"sunshine/codes"
	"sunshine/models"
)

// Region is the demo city. The code is shaped like a division code but no
// real division starts with 99, so demo data can never be mistaken for a real region's.
var Region = models.Region{Code: "990101", Name: "阳光市（演示数据）"}

// Years are the fiscal years the demo covers.
var Years = []int{2021, 2022, 2023, 2024, 2025}

// Dept is one demo department: its main functional 款 and its size.
type Dept struct {
	Code, Name string
	// Main is the functional 款 of its own work (e.g. 20106 财政事务); its
	// 行政运行 项 carries the basic spending and a second 项 the projects.
	Main     string
	Project  string // the 项 of its project spending
	Staff    int    // people on the payroll, which drives most amounts
	Vehicles int    // official vehicles held
	Abroad   bool   // sends delegations abroad (因公出国)
}

// Depts are the departments of the demo city. Their main 款 come from the
// starter code list, so the demo needs no code list of its own.
var Depts = func() []Dept {
	type d struct {
		name, main, project string
		staff, vehicles     int
		abroad              bool
	}
	list := []d{
		{"中共阳光市委办公室", "20103", "2010301", 46, 3, false},
		{"阳光市人民代表大会常务委员会办公室", "20101", "2010101", 32, 2, false},
		{"阳光市人民政府办公室", "20103", "2010301", 58, 4, true},
		{"阳光市财政局", "20106", "2010602", 85, 3, true},
		{"阳光市司法局", "20406", "2040604", 40, 3, false},
		{"阳光市公共法律服务中心", "20406", "2040607", 18, 1, false},
		{"阳光市普法办公室", "20406", "2040605", 9, 0, false},
		{"阳光市财政事务服务中心", "20106", "2010608", 26, 1, false},
		{"阳光市财政信息中心", "20106", "2010607", 14, 0, false},
		{"阳光市发展和改革局", "20103", "2010301", 44, 2, true},
		{"阳光市教育局", "20103", "2010301", 61, 4, true},
		{"阳光市科学技术局", "20103", "2010301", 22, 1, true},
		{"阳光市工业和信息化局", "20103", "2010301", 30, 2, false},
		{"阳光市民政局", "20103", "2010301", 35, 2, false},
		{"阳光市人力资源和社会保障局", "20103", "2010301", 52, 2, false},
		{"阳光市自然资源局", "20103", "2010301", 70, 5, false},
		{"阳光市生态环境局", "20103", "2010301", 38, 3, false},
		{"阳光市住房和城乡建设局", "20103", "2010301", 47, 3, false},
		{"阳光市交通运输局", "20103", "2010301", 55, 4, false},
		{"阳光市水利局", "20103", "2010301", 41, 3, false},
		{"阳光市农业农村局", "20103", "2010301", 66, 4, false},
		{"阳光市商务局", "20103", "2010301", 24, 1, true},
		{"阳光市文化旅游广电体育局", "20103", "2010301", 39, 2, true},
		{"阳光市卫生健康局", "20103", "2010301", 49, 3, false},
		{"阳光市退役军人事务局", "20103", "2010301", 20, 1, false},
		{"阳光市应急管理局", "20103", "2010301", 33, 4, false},
		{"阳光市审计局", "20103", "2010301", 29, 2, false},
		{"阳光市市场监督管理局", "20103", "2010301", 88, 6, false},
		{"阳光市统计局", "20103", "2010301", 21, 1, false},
		{"阳光市医疗保障局", "20103", "2010301", 25, 1, false},
		{"阳光市林业局", "20103", "2010301", 36, 4, false},
		{"阳光市城市管理和综合执法局", "20103", "2010301", 95, 7, false},
		{"阳光市信访局", "20103", "2010301", 16, 1, false},
		{"阳光市机关事务服务中心", "20103", "2010301", 42, 9, false},
		{"阳光市档案馆", "20101", "2010101", 15, 0, false},
		{"阳光市政务服务中心", "20103", "2010301", 31, 1, false},
		{"阳光市乡村振兴局", "20103", "2010301", 19, 2, false},
		{"阳光市供销合作社联合社", "20103", "2010301", 17, 1, false},
		{"阳光市妇女联合会", "20101", "2010101", 11, 0, false},
		{"共青团阳光市委员会", "20101", "2010101", 9, 0, false},
	}
	out := make([]Dept, len(list))
	for i, x := range list {
		out[i] = Dept{Code: fmt.Sprintf("%03d", i+1), Name: x.name, Main: x.main, Project: x.project,
			Staff: x.staff, Vehicles: x.vehicles, Abroad: x.abroad}
	}
	return out
}()

// Filing is the generated content of one department-year-phase.
type Filing struct {
	Key models.FilingKey
	// RegionName is the region's name in the upload files; "" is the demo city's.
	RegionName  string
	DeptName    string
	ThreePublic models.ThreePublic
	Items       []models.LineItem
	// Defect names the deliberate mistake in this filing, "" for a clean one.
	Defect string
}

// FinalPublished is when a year's final accounts are out: final accounts are
// published in the summer after the year ends; the demo takes 1 September.
func FinalPublished(year int) time.Time { return time.Date(year+1, 9, 1, 0, 0, 0, 0, time.UTC) }

// Generate returns every demo filing that would be disclosed by now, in load
// order: year by year, budget before final.
func Generate(now time.Time) []Filing {
	var out []Filing
	for _, y := range Years {
		for _, p := range []models.Phase{models.PhaseBudget, models.PhaseFinal} {
			if p == models.PhaseFinal && now.Before(FinalPublished(y)) {
				continue
			}
			for _, d := range Depts {
				out = append(out, generate(d, y, p))
			}
		}
	}
	return out
}

// yuan is a whole number of 元 as Money; the demo keeps every amount a whole
// 100 元 so that figures printed in 万元 are exact to two decimals.
func yuan(n int64) models.Money { return models.Money(n * 100) }

func hundreds(r *rand.Rand, lo, hi int64) int64 { return (lo + r.Int64N(hi-lo+1)) / 100 * 100 }

// plan is a department's spending for one year and phase, in 元.
type plan struct {
	wages, allowances, bonus, pension, annuity, medical, housing                int64 // 301 人员经费
	office, water, power, travel, union, reception, vehicleOps, abroad, other   int64 // 302 公用经费
	project                                                                     int64
	vehiclePurchase                                                             int64
	tripGroups, tripPersons, vehiclesBought, receptionBatches, receptionPersons int64
}

func (p plan) personnel() int64 {
	return p.wages + p.allowances + p.bonus + p.pension + p.annuity + p.medical + p.housing
}
func (p plan) publicUse() int64 {
	return p.office + p.water + p.power + p.travel + p.union + p.reception + p.vehicleOps + p.abroad + p.other
}

// budgetPlan is the department's budget for a year; its final is derived from it.
func budgetPlan(d Dept, year int) plan {
	r := rand.New(rand.NewPCG(uint64(year), uint64(len(d.Name))*7919+uint64(d.Staff)))
	staff := int64(d.Staff)
	growth := int64(100 + 3*(year-2021)) // pay rises about 3% a year
	p := plan{
		wages:      hundreds(r, 52000, 60000) * staff * growth / 100,
		allowances: hundreds(r, 40000, 52000) * staff * growth / 100,
		bonus:      hundreds(r, 8000, 15000) * staff,
		office:     hundreds(r, 2500, 3500) * staff,
		water:      hundreds(r, 300, 500) * staff,
		power:      hundreds(r, 900, 1400) * staff,
		travel:     hundreds(r, 1500, 3000) * staff,
		union:      hundreds(r, 1000, 1300) * staff,
		other:      hundreds(r, 1000, 3000) * staff,
	}
	p.pension = (p.wages + p.allowances) * 16 / 100 / 100 * 100
	p.annuity = (p.wages + p.allowances) * 8 / 100 / 100 * 100
	p.medical = (p.wages + p.allowances) * 9 / 100 / 100 * 100
	p.housing = (p.wages + p.allowances) * 12 / 100 / 100 * 100
	p.project = hundreds(r, 20000, 60000) * staff
	// 三公: "只减不增" — receptions and vehicle running costs shrink a little each year.
	shrink := int64(100 - 4*(year-2021))
	p.reception = hundreds(r, 600, 1200) * staff * shrink / 100 / 100 * 100
	p.receptionBatches = staff/2 + int64(r.IntN(10)) + 1
	p.receptionPersons = p.receptionBatches * int64(5+r.IntN(4))
	if d.Vehicles > 0 {
		p.vehicleOps = hundreds(r, 18000, 26000) * int64(d.Vehicles) * shrink / 100 / 100 * 100
		if (year+d.Staff)%5 == 0 {
			p.vehiclesBought = 1
			p.vehiclePurchase = hundreds(r, 150000, 180000)
		}
	}
	if d.Abroad && year != 2021 && year != 2022 { // no trips abroad in the pandemic years
		p.tripGroups = int64(1 + r.IntN(2))
		p.tripPersons = p.tripGroups * int64(3+r.IntN(3))
		p.abroad = hundreds(r, 30000, 45000) * p.tripPersons
	}
	return p
}

// finalPlan is what was actually spent: a little under budget, and now and
// then a little over on one 三公 item (which needs a reason).
func finalPlan(d Dept, year int, b plan) plan {
	r := rand.New(rand.NewPCG(uint64(year)*31, uint64(d.Staff)*131+uint64(len(d.Name))))
	under := func(v int64) int64 { return v * int64(90+r.IntN(10)) / 100 / 100 * 100 }
	f := b
	for _, v := range []*int64{&f.wages, &f.allowances, &f.bonus, &f.office, &f.water, &f.power, &f.travel, &f.union,
		&f.other, &f.project, &f.reception, &f.vehicleOps, &f.abroad} {
		*v = under(*v)
	}
	f.pension = (f.wages + f.allowances) * 16 / 100 / 100 * 100
	f.annuity = (f.wages + f.allowances) * 8 / 100 / 100 * 100
	f.medical = (f.wages + f.allowances) * 9 / 100 / 100 * 100
	f.housing = (f.wages + f.allowances) * 12 / 100 / 100 * 100
	if d.Staff%7 == 0 && f.vehicleOps > 0 {
		f.vehicleOps = b.vehicleOps + 3000 // an overrun: repairs after a flood season
	}
	f.receptionBatches = b.receptionBatches - int64(r.IntN(3))
	f.receptionPersons = f.receptionBatches * (b.receptionPersons / max(b.receptionBatches, 1))
	return f
}

// generate builds one filing; defects are applied last.
func generate(d Dept, year int, phase models.Phase) Filing {
	f := generateClean(d, year, phase)
	applyDefect(&f)
	return f
}

// generateClean builds one filing without its deliberate defect: what a correction publishes.
func generateClean(d Dept, year int, phase models.Phase) Filing {
	b := budgetPlan(d, year)
	p := b
	if phase == models.PhaseFinal {
		p = finalPlan(d, year, b)
	}
	f := Filing{Key: models.FilingKey{RegionCode: Region.Code, DeptCode: d.Code, FiscalYear: year, Phase: phase}, DeptName: d.Name}
	f.ThreePublic = threePublic(d, year, phase, p, b)
	f.Items = lineItems(d, p)
	return f
}

func threePublic(d Dept, year int, phase models.Phase, p, b plan) models.ThreePublic {
	m := func(v int64) models.NullMoney { return models.Disclosed(yuan(v)) }
	tp := models.ThreePublic{
		OutboundTrips:           m(p.abroad),
		VehiclePurchase:         m(p.vehiclePurchase),
		VehicleOperation:        m(p.vehicleOps),
		Vehicles:                m(p.vehiclePurchase + p.vehicleOps),
		Reception:               m(p.reception),
		Total:                   m(p.abroad + p.vehiclePurchase + p.vehicleOps + p.reception),
		TripGroups:              models.CountOf(p.tripGroups),
		TripPersons:             models.CountOf(p.tripPersons),
		VehiclesPurchased:       models.CountOf(p.vehiclesBought),
		VehiclesHeld:            models.CountOf(int64(d.Vehicles)),
		ReceptionBatches:        models.CountOf(p.receptionBatches),
		ReceptionPersons:        models.CountOf(p.receptionPersons),
		ForeignReceptionBatches: models.CountOf(0),
		ForeignReceptionPersons: models.CountOf(0),
		Unit:                    models.WanYuan,
	}
	if phase == models.PhaseFinal {
		tp.BudgetOutboundTrips, tp.BudgetVehiclePurchase, tp.BudgetVehicleOperation = m(b.abroad), m(b.vehiclePurchase), m(b.vehicleOps)
		tp.BudgetVehicles, tp.BudgetReception = m(b.vehiclePurchase+b.vehicleOps), m(b.reception)
		tp.BudgetTotal = m(b.abroad + b.vehiclePurchase + b.vehicleOps + b.reception)
	}
	tp.ChangeReason = changeReason(d, year, phase, p, b)
	return tp
}

func changeReason(d Dept, year int, phase models.Phase, p, b plan) string {
	reason := "严格落实过紧日子要求，压减公务接待和公务用车运行经费。"
	if p.vehiclePurchase > 0 {
		reason = "按规定更新报废公务用车 1 辆，购置费增加；其余三公经费继续压减。"
	}
	if p.abroad > 0 && year == 2023 {
		reason += "疫情防控政策调整后恢复必要的因公出国（境）交流。"
	}
	if phase == models.PhaseFinal {
		if p.vehicleOps > b.vehicleOps {
			reason += "公务用车运行费超出预算，系汛期抢险车辆维修所致。"
		} else {
			reason += "决算数低于预算数，主要是厉行节约、从严控制。"
		}
	}
	return reason
}

// itemList collects a filing's line items.
type itemList struct {
	items []models.LineItem
}

var functional = codes.Starter(codes.Functional)
var economic = codes.Starter(codes.Economic)

func nameOf(table models.Table, code string) string {
	l := functional
	if table == models.TableBasicExpenditure {
		l = economic
	}
	if c, ok := l.Lookup(code); ok {
		return c.Name
	}
	if r, ok := models.LookupTableRow(table, code); ok {
		return r.Chinese
	}
	if code == models.RowTotal {
		return "合计"
	}
	return code
}

func (l *itemList) add(table models.Table, code, col string, v int64, unit models.Unit) {
	l.items = append(l.items, models.LineItem{Table: table, Code: code, Name: nameOf(table, code), Column: col,
		Amount: models.Disclosed(yuan(v)), Unit: unit})
}

// row adds a classified row's total, basic and project cells, leaving zero
// basic or project cells out as the printed tables leave them empty.
func (l *itemList) row(table models.Table, code string, basic, project int64) {
	l.add(table, code, "total", basic+project, models.Yuan)
	if basic != 0 {
		l.add(table, code, "basic", basic, models.Yuan)
	}
	if project != 0 {
		l.add(table, code, "project", project, models.Yuan)
	}
}

// lineItems lays a plan out as the standard tables. All money is general
// public budget (一般公共预算) with no carry-over, so the expenditure table
// repeats general_expenditure and the fund tables are declared empty.
func lineItems(d Dept, p plan) []models.LineItem {
	var l itemList
	personnel, publicUse := p.personnel(), p.publicUse()
	basic := personnel + publicUse
	total := basic + p.project
	// Functional split of basic spending: the social-security, medical and
	// housing contributions go to their own 项; the rest is 行政运行.
	pension, annuity, medical, housing := p.pension, p.annuity, p.medical, p.housing
	run := basic - pension - annuity - medical - housing
	lei := d.Main[:3]
	type fn struct {
		code           string
		basic, project int64
	}
	runItem := d.Main + "01"
	rows := []fn{
		{lei, run, p.project}, {d.Main, run, p.project},
		{"208", pension + annuity, 0}, {"20805", pension + annuity, 0}, {"2080505", pension, 0}, {"2080506", annuity, 0},
		{"210", medical, 0}, {"21011", medical, 0}, {"2101101", medical, 0},
		{"221", housing, 0}, {"22102", housing, 0}, {"2210201", housing, 0},
	}
	if runItem == d.Project {
		rows = append(rows[:2], append([]fn{{runItem, run, p.project}}, rows[2:]...)...)
	} else {
		rows = append(rows[:2], append([]fn{{runItem, run, 0}, {d.Project, 0, p.project}}, rows[2:]...)...)
	}
	for _, t := range []models.Table{models.TableGeneralExpenditure, models.TableExpenditure} {
		l.row(t, models.RowTotal, basic, p.project)
		for _, r := range rows {
			l.row(t, r.code, r.basic, r.project)
		}
	}
	classes := []fn{{lei, run, p.project}, {"208", pension + annuity, 0}, {"210", medical, 0}, {"221", housing, 0}}

	// Income: everything is 财政拨款 of this year.
	l.add(models.TableIncome, models.RowTotal, "total", total, models.Yuan)
	l.add(models.TableIncome, models.RowTotal, "fiscal", total, models.Yuan)
	for _, c := range classes {
		l.add(models.TableIncome, c.code, "total", c.basic+c.project, models.Yuan)
		l.add(models.TableIncome, c.code, "fiscal", c.basic+c.project, models.Yuan)
	}

	// Summary (收支总表).
	for _, k := range []string{"general_budget", "income_subtotal", "income_total"} {
		l.add(models.TableSummary, k, "amount", total, models.Yuan)
	}
	for _, c := range classes {
		l.add(models.TableSummary, c.code, "amount", c.basic+c.project, models.Yuan)
	}
	for _, k := range []string{"expenditure_subtotal", "expenditure_total"} {
		l.add(models.TableSummary, k, "amount", total, models.Yuan)
	}

	// Fiscal summary (财政拨款收支总表).
	for _, k := range []string{"general_budget", "income_subtotal", "income_total"} {
		l.add(models.TableFiscalSummary, k, "total", total, models.Yuan)
		l.add(models.TableFiscalSummary, k, "general_budget", total, models.Yuan)
	}
	for _, c := range classes {
		l.add(models.TableFiscalSummary, c.code, "total", c.basic+c.project, models.Yuan)
		l.add(models.TableFiscalSummary, c.code, "general_budget", c.basic+c.project, models.Yuan)
	}
	for _, k := range []string{"expenditure_subtotal", "expenditure_total"} {
		l.add(models.TableFiscalSummary, k, "total", total, models.Yuan)
		l.add(models.TableFiscalSummary, k, "general_budget", total, models.Yuan)
	}

	// Basic spending by economic classification.
	bx := models.TableBasicExpenditure
	l.add(bx, models.RowTotal, "total", basic, models.Yuan)
	l.add(bx, models.RowTotal, "personnel", personnel, models.Yuan)
	l.add(bx, models.RowTotal, "public_use", publicUse, models.Yuan)
	l.add(bx, "301", "total", personnel, models.Yuan)
	l.add(bx, "301", "personnel", personnel, models.Yuan)
	for _, e := range []struct {
		code string
		v    int64
	}{{"30101", p.wages}, {"30102", p.allowances}, {"30103", p.bonus}, {"30108", p.pension}, {"30109", p.annuity},
		{"30110", p.medical}, {"30113", p.housing}} {
		l.add(bx, e.code, "total", e.v, models.Yuan)
		l.add(bx, e.code, "personnel", e.v, models.Yuan)
	}
	l.add(bx, "302", "total", publicUse, models.Yuan)
	l.add(bx, "302", "public_use", publicUse, models.Yuan)
	for _, e := range []struct {
		code string
		v    int64
	}{{"30201", p.office}, {"30205", p.water}, {"30206", p.power}, {"30211", p.travel}, {"30212", p.abroad},
		{"30217", p.reception}, {"30228", p.union}, {"30231", p.vehicleOps}, {"30299", p.other}} {
		if e.v == 0 {
			continue
		}
		l.add(bx, e.code, "total", e.v, models.Yuan)
		l.add(bx, e.code, "public_use", e.v, models.Yuan)
	}

	l.addClosingTables(p, publicUse)
	return l.items
}

// addClosingTables adds the tables every demo filing ends with: the two fund
// tables declared empty, procurement and 机关运行经费.
func (l *itemList) addClosingTables(p plan, publicUse int64) {
	// No government-fund or state-capital money: both tables are declared empty.
	l.add(models.TableGovFundExpenditure, models.RowTotal, "total", 0, models.Yuan)
	l.add(models.TableStateCapitalExpenditure, models.RowTotal, "total", 0, models.Yuan)

	// Procurement: office goods and services, the odd vehicle.
	goods := (p.office/2 + p.vehiclePurchase) / 100 * 100
	services := p.project / 4 / 100 * 100
	l.add(models.TableProcurement, "goods", "amount", goods, models.Yuan)
	l.add(models.TableProcurement, "works", "amount", 0, models.Yuan)
	l.add(models.TableProcurement, "services", "amount", services, models.Yuan)
	l.add(models.TableProcurement, models.RowTotal, "amount", goods+services, models.Yuan)
	l.add(models.TableProcurement, "sme", "amount", (goods+services)*7/10/100*100, models.Yuan)

	// 机关运行经费 is printed in 万元, as most documents do; it is the public-use total.
	l.add(models.TableOperatingCost, models.RowTotal, "amount", publicUse, models.WanYuan)
}

// Synthetic returns the filings of n fictional regions for one year and phase,
// each region a copy of the demo city's departments under its own region code
// (990101, 990102, …) — realistic, consistent data at any size, for benchmarks.
// Deliberate defects are left out.
func Synthetic(n, year int, phase models.Phase) []Filing {
	out := make([]Filing, 0, n*len(Depts))
	for r := 0; r < n; r++ {
		code := fmt.Sprintf("99%04d", 101+r)
		for _, d := range Depts {
			b := budgetPlan(d, year)
			p := b
			if phase == models.PhaseFinal {
				p = finalPlan(d, year, b)
			}
			f := Filing{Key: models.FilingKey{RegionCode: code, DeptCode: d.Code, FiscalYear: year, Phase: phase}, DeptName: d.Name}
			f.ThreePublic = threePublic(d, year, phase, p, b)
			f.Items = lineItems(d, p)
			out = append(out, f)
		}
	}
	return out
}
