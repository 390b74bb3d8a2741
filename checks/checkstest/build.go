package checkstest

import (
	"sort"

	"sunshine/checks"
	"sunshine/codes"
	"sunshine/models"
)

// department is the description a filing is built from: the leaves of the
// classified tables; every 款, 类, total row, total column and summary row is
// computed from them, so the filing is consistent by construction.
type department struct {
	id    int64
	phase models.Phase
	unit  models.Unit // of the standard tables

	expenditure []leaf // basic, project; all of it from the general budget
	income      []leaf // fiscal
	basic       []leaf // personnel, public_use

	carryoverIn, carryoverOut string

	procurementUnit      models.Unit
	goods, services, sme string
	operatingCost        string // 万元

	threePublic models.ThreePublic
}

// lines collects line items, numbering them as rows of one uploaded file.
type lines struct {
	items []models.LineItem
	unit  models.Unit
}

func (l *lines) add(table models.Table, code, name, column string, amount models.Money, u models.Unit) {
	l.items = append(l.items, models.LineItem{
		Table: table, Code: code, Name: name, Column: column,
		Amount: models.Disclosed(amount), Unit: u, SourceRow: len(l.items) + 2, // header = 1
	})
}

// classified adds a classification table: its leaves, each 款 and 类 as the sum
// of the rows below it, the total row, and a total column summing the parts.
// It returns each row's amounts by column, for the tables that repeat them.
func (l *lines) classified(table models.Table, kind string, parts []string, leaves []leaf) map[string]map[string]models.Money {
	list := codes.Starter(kind)
	sums := map[string]map[string]models.Money{}
	given := map[string]map[string]bool{}
	addTo := func(code, col string, m models.Money) {
		if sums[code] == nil {
			sums[code], given[code] = map[string]models.Money{}, map[string]bool{}
		}
		sums[code][col] += m
		given[code][col] = true
	}
	for _, lf := range leaves {
		code := lf[0]
		for i, col := range parts {
			if lf[1+i] == "" {
				continue
			}
			m := Money(lf[1+i], l.unit)
			for c := code; c != ""; c = codes.Parent(c) {
				addTo(c, col, m)
				addTo(c, "total", m)
			}
			addTo(models.RowTotal, col, m)
			addTo(models.RowTotal, "total", m)
		}
	}
	rows := make([]string, 0, len(sums))
	for code := range sums {
		if code != models.RowTotal {
			rows = append(rows, code)
		}
	}
	sort.Strings(rows)
	rows = append([]string{models.RowTotal}, rows...)
	for _, code := range rows {
		name := "合计"
		if c, ok := list.Lookup(code); ok {
			name = c.Name
		}
		for _, col := range append([]string{"total"}, parts...) {
			if given[code][col] {
				l.add(table, code, name, col, sums[code][col], l.unit)
			}
		}
	}
	return sums
}

func (d department) build() *checks.Filing {
	l := &lines{unit: d.unit}
	functional := codes.Starter(codes.Functional)

	// Tables 2–3 first: the summary repeats their sums.
	incomeRows := l.classified(models.TableIncome, codes.Functional, []string{"fiscal"}, d.income)
	spendRows := l.classified(models.TableExpenditure, codes.Functional, []string{"basic", "project"}, d.expenditure)
	income := incomeRows[models.RowTotal]["total"]
	spend := spendRows[models.RowTotal]["total"]
	carryIn, carryOut := Money(d.carryoverIn, d.unit), Money(d.carryoverOut, d.unit)
	var classes []string
	for code := range spendRows {
		if len(code) == 3 {
			classes = append(classes, code)
		}
	}
	sort.Strings(classes)

	summaryRow := func(table models.Table, code string, amount models.Money, columns ...string) {
		name := code
		if r, ok := models.LookupTableRow(models.TableSummary, code); ok {
			name = r.Chinese
		} else if c, ok := functional.Lookup(code); ok {
			name = c.Name
		}
		for _, col := range columns {
			l.add(table, code, name, col, amount, d.unit)
		}
	}
	summary := func(table models.Table, columns ...string) {
		summaryRow(table, "general_budget", income, columns...)
		summaryRow(table, "income_subtotal", income, columns...)
		summaryRow(table, "carryover_in", carryIn, columns...)
		summaryRow(table, "income_total", income+carryIn, columns...)
		for _, code := range classes {
			summaryRow(table, code, spendRows[code]["total"], columns...)
		}
		summaryRow(table, "expenditure_subtotal", spend, columns...)
		summaryRow(table, "carryover_out", carryOut, columns...)
		summaryRow(table, "expenditure_total", spend+carryOut, columns...)
	}
	// Table 1: the summary.
	summary(models.TableSummary, "amount")
	// Table 4: all of the department's money is general-budget money.
	summary(models.TableFiscalSummary, "total", "general_budget")
	// Tables 5–6.
	l.classified(models.TableGeneralExpenditure, codes.Functional, []string{"basic", "project"}, d.expenditure)
	l.classified(models.TableBasicExpenditure, codes.Economic, []string{"personnel", "public_use"}, d.basic)
	// Tables 8–9 declared empty: only the total row, amount 0.
	l.add(models.TableGovFundExpenditure, models.RowTotal, "合计", "total", 0, d.unit)
	l.add(models.TableStateCapitalExpenditure, models.RowTotal, "合计", "total", 0, d.unit)
	// Procurement and the operating cost of the organs.
	pu := d.procurementUnit
	goods, services := Money(d.goods, pu), Money(d.services, pu)
	l.add(models.TableProcurement, models.RowTotal, "合计", "amount", goods+services, pu)
	l.add(models.TableProcurement, "goods", "货物", "amount", goods, pu)
	l.add(models.TableProcurement, "services", "服务", "amount", services, pu)
	l.add(models.TableProcurement, "sme", "授予中小企业合同金额", "amount", Money(d.sme, pu), pu)
	l.add(models.TableOperatingCost, models.RowTotal, "机关运行经费", "amount", Money(d.operatingCost, models.WanYuan), models.WanYuan)

	tp := d.threePublic
	tp.FilingID = d.id
	tp.SourceRow = 2
	for i := range l.items {
		l.items[i].FilingID = d.id
	}
	return &checks.Filing{
		Filing: models.Filing{
			ID: d.id,
			FilingKey: models.FilingKey{RegionCode: RegionCode, DeptCode: DeptCode, FiscalYear: Year,
				Phase: d.phase},
			Version: 1, Status: models.StatusDraft, CreatedBy: "checkstest",
		},
		ThreePublic: &tp,
		Items:       l.items,
	}
}
