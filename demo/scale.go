package demo

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"

	"sunshine/codes"
	"sunshine/models"
)

// Scale is a synthetic deployment of any size, for benchmarks: Regions
// fictional regions (990101, 990102, …, never a real division), each with
// Depts departments, over Years fiscal years from FirstYear, in each of
// Phases. Its filings are laid out to the 项 over the whole starter code list
// — 300 to 400 line items each, as a real department's tables have — with
// every total consistent and no deliberate defect, so the checks find nothing.
// The generator is deterministic: the same Scale gives the same bytes.
type Scale struct {
	Regions, Depts, Years int
	FirstYear             int            // 0 means 2021
	Phases                []models.Phase // nil means budget and final
}

func (s Scale) firstYear() int {
	if s.FirstYear == 0 {
		return 2021
	}
	return s.FirstYear
}

func (s Scale) phases() []models.Phase {
	if s.Phases == nil {
		return []models.Phase{models.PhaseBudget, models.PhaseFinal}
	}
	return s.Phases
}

// Filings is how many department filings the scale has.
func (s Scale) Filings() int { return s.Regions * s.Depts * s.Years * len(s.phases()) }

// ScaleRegion is the i-th synthetic region (from 0): 990101 is the demo city itself.
func ScaleRegion(i int) models.Region {
	if i == 0 {
		return Region
	}
	return models.Region{Code: fmt.Sprintf("99%04d", 101+i), Name: fmt.Sprintf("演示%d市（演示数据）", i+1)}
}

// Each calls fn with every filing of the scale in upload order: region by
// region, year by year, budget before final, department by department. It
// holds one filing at a time, so a scale of any size streams.
func (s Scale) Each(fn func(Filing) error) error {
	for r := 0; r < s.Regions; r++ {
		region := ScaleRegion(r)
		depts := make([]Dept, s.Depts)
		for i := range depts {
			depts[i] = scaleDept(r, i, region)
		}
		for y := s.firstYear(); y < s.firstYear()+s.Years; y++ {
			for _, phase := range s.phases() {
				for _, d := range depts {
					if err := fn(scaleFiling(region, d, y, phase)); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// All returns every filing of the scale (for small scales and tests).
func (s Scale) All() []Filing {
	out := make([]Filing, 0, s.Filings())
	_ = s.Each(func(f Filing) error { out = append(out, f); return nil })
	return out
}

// scaleDept is the i-th department of region r: the demo city's departments
// in turn, renamed for the region, with a staff that differs from region to
// region so that no two regions print the same figures. Past the fortieth,
// each is a subordinate unit (所属单位) of one of the forty.
func scaleDept(r, i int, region models.Region) Dept {
	d := Depts[i%len(Depts)]
	d.Code = fmt.Sprintf("%03d", i+1)
	if r > 0 {
		d.Name = strings.Replace(d.Name, "阳光市", strings.TrimSuffix(region.Name, "（演示数据）"), 1)
	}
	if k := i / len(Depts); k > 0 {
		d.Name = fmt.Sprintf("%s所属单位%d", d.Name, k)
	}
	d.Staff += (r*7 + i) % 13
	return d
}

func scaleFiling(region models.Region, d Dept, year int, phase models.Phase) Filing {
	b := budgetPlan(d, year)
	p := b
	if phase == models.PhaseFinal {
		p = finalPlan(d, year, b)
		// The demo city's flood-season overrun is one of its warnings to show; a scale has none.
		p.vehicleOps = min(p.vehicleOps, b.vehicleOps)
	}
	key := models.FilingKey{RegionCode: region.Code, DeptCode: d.Code, FiscalYear: year, Phase: phase}
	return Filing{Key: key, RegionName: region.Name, DeptName: d.Name,
		ThreePublic: threePublic(d, year, phase, p, b), Items: detailedLineItems(d, p)}
}

// funds is a functional row's basic and project spending, in 元.
type funds struct{ basic, project int64 }

// split is one economic row's personnel and public-use spending, in 元.
type split struct{ personnel, publicUse int64 }

// share is part of v: the per-mille of v, in whole 100 元 (at least 100 元 when v allows).
func share(v int64, perMille int) int64 {
	s := v * int64(perMille) / 1000 / 100 * 100
	if s == 0 && v >= 1000 {
		s = 100
	}
	return s
}

// pick is a deterministic 0–999 per department and code, choosing which rows a department has.
func pick(d Dept, code string) int {
	h := fnv.New32a()
	h.Write([]byte(d.Name))
	h.Write([]byte(code))
	return int(h.Sum32() % 1000)
}

// starterLeaves are the starter list's codes of one level and kind, in list order.
func starterLeaves(l *codes.List, level codes.Level) []string {
	var out []string
	for _, c := range l.Codes() {
		if c.Level == level {
			out = append(out, c.Code)
		}
	}
	return out
}

var (
	functionalItems = starterLeaves(functional, codes.LevelItem)
	economicKuan    = starterLeaves(economic, codes.LevelSection)
)

// detailedLineItems lays a plan out as the standard tables in full detail:
// besides the rows of lineItems, slices of the running costs and of the
// projects are spread over most other 项 of the starter functional list, and
// slices of allowances and of other goods and services over the other
// economic 款 of 301, 302 and 303. Each slice is taken from a figure of the
// same column, so every total of lineItems stands, and 类, 款 and totals are
// summed from the rows below them.
func detailedLineItems(d Dept, p plan) []models.LineItem {
	var l itemList
	personnel, publicUse := p.personnel(), p.publicUse()
	basic := personnel + publicUse
	total := basic + p.project

	// Functional leaves (项).
	run, project := basic-p.pension-p.annuity-p.medical-p.housing, p.project
	leaves := map[string]funds{
		"2080505": {p.pension, 0}, "2080506": {p.annuity, 0}, "2101101": {p.medical, 0}, "2210201": {p.housing, 0},
	}
	for _, code := range functionalItems {
		if _, taken := leaves[code]; taken || code == d.Main+"01" || code == d.Project {
			continue
		}
		n := pick(d, code)
		if n < 60 {
			continue // not every department spends on every 项
		}
		var f funds
		if n%4 != 1 {
			f.basic = share(run, 8+n%20)
		}
		if n%4 != 0 {
			f.project = share(project, 10+n%25)
		}
		run, project = run-f.basic, project-f.project
		leaves[code] = f
	}
	mainRun := d.Main + "01"
	leaves[mainRun] = funds{run, 0}
	if d.Project == mainRun {
		leaves[mainRun] = funds{run, project}
	} else {
		leaves[d.Project] = funds{0, project}
	}
	rows, sums := sumUp(leaves, func(f, g funds) funds { return funds{f.basic + g.basic, f.project + g.project} })
	for _, t := range []models.Table{models.TableGeneralExpenditure, models.TableExpenditure} {
		l.row(t, models.RowTotal, basic, p.project)
		for _, code := range rows {
			l.row(t, code, sums[code].basic, sums[code].project)
		}
	}
	var classes []string
	for _, code := range rows {
		if len(code) == 3 {
			classes = append(classes, code)
		}
	}
	classTotal := func(code string) int64 { return sums[code].basic + sums[code].project }

	// Income: everything is 财政拨款 of this year.
	l.add(models.TableIncome, models.RowTotal, "total", total, models.Yuan)
	l.add(models.TableIncome, models.RowTotal, "fiscal", total, models.Yuan)
	for _, c := range classes {
		l.add(models.TableIncome, c, "total", classTotal(c), models.Yuan)
		l.add(models.TableIncome, c, "fiscal", classTotal(c), models.Yuan)
	}
	for _, k := range []string{"general_budget", "income_subtotal", "income_total"} {
		l.add(models.TableSummary, k, "amount", total, models.Yuan)
	}
	for _, c := range classes {
		l.add(models.TableSummary, c, "amount", classTotal(c), models.Yuan)
	}
	for _, k := range []string{"expenditure_subtotal", "expenditure_total"} {
		l.add(models.TableSummary, k, "amount", total, models.Yuan)
	}
	for _, k := range []string{"general_budget", "income_subtotal", "income_total"} {
		l.add(models.TableFiscalSummary, k, "total", total, models.Yuan)
		l.add(models.TableFiscalSummary, k, "general_budget", total, models.Yuan)
	}
	for _, c := range classes {
		l.add(models.TableFiscalSummary, c, "total", classTotal(c), models.Yuan)
		l.add(models.TableFiscalSummary, c, "general_budget", classTotal(c), models.Yuan)
	}
	for _, k := range []string{"expenditure_subtotal", "expenditure_total"} {
		l.add(models.TableFiscalSummary, k, "total", total, models.Yuan)
		l.add(models.TableFiscalSummary, k, "general_budget", total, models.Yuan)
	}

	// Basic spending by economic 款: the rows of lineItems, then slices of
	// allowances (personnel: the other 301 款 and 303) and of other goods and
	// services (public use: the other 302 款). The 三公 lines stay as they are.
	allowances, other := p.allowances, p.other
	econ := map[string]split{
		"30101": {p.wages, 0}, "30103": {p.bonus, 0}, "30108": {p.pension, 0}, "30109": {p.annuity, 0},
		"30110": {p.medical, 0}, "30113": {p.housing, 0},
		"30201": {0, p.office}, "30205": {0, p.water}, "30206": {0, p.power}, "30211": {0, p.travel},
		"30212": {0, p.abroad}, "30217": {0, p.reception}, "30228": {0, p.union}, "30231": {0, p.vehicleOps},
	}
	for _, code := range economicKuan {
		if _, taken := econ[code]; taken || code == "30102" || code == "30299" {
			continue
		}
		n := pick(d, code)
		switch code[:3] {
		case "301", "303":
			econ[code] = split{share(allowances, 5+n%15), 0}
			allowances -= econ[code].personnel
		case "302":
			econ[code] = split{0, share(other, 10+n%30)}
			other -= econ[code].publicUse
		}
	}
	econ["30102"], econ["30299"] = split{allowances, 0}, split{0, other}
	for code, s := range econ {
		if s.personnel == 0 && s.publicUse == 0 {
			delete(econ, code) // no vehicles, no trips abroad: no line
		}
	}
	erows, esums := sumUp(econ, func(a, b split) split { return split{a.personnel + b.personnel, a.publicUse + b.publicUse} })
	bx := models.TableBasicExpenditure
	l.add(bx, models.RowTotal, "total", basic, models.Yuan)
	l.add(bx, models.RowTotal, "personnel", personnel, models.Yuan)
	l.add(bx, models.RowTotal, "public_use", publicUse, models.Yuan)
	for _, code := range erows {
		s := esums[code]
		l.add(bx, code, "total", s.personnel+s.publicUse, models.Yuan)
		if s.personnel != 0 {
			l.add(bx, code, "personnel", s.personnel, models.Yuan)
		}
		if s.publicUse != 0 {
			l.add(bx, code, "public_use", s.publicUse, models.Yuan)
		}
	}

	l.addClosingTables(p, publicUse)
	return l.items
}

// sumUp adds leaf rows (项 or economic 款) into their parents (款, 类) and
// returns every row code in print order — each 类 followed by its 款 and
// their 项, which is the codes' sort order — with the sums.
func sumUp[T any](leaves map[string]T, add func(T, T) T) ([]string, map[string]T) {
	sums := map[string]T{}
	for code, v := range leaves {
		for c := code; c != ""; c = codes.Parent(c) {
			sums[c] = add(sums[c], v)
		}
	}
	rows := make([]string, 0, len(sums))
	for c := range sums {
		rows = append(rows, c)
	}
	sort.Strings(rows)
	return rows, sums
}
