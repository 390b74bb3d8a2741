// Package checkstest builds realistic, fully consistent filings for tests and
// the demo: a county finance bureau's 2024 department budget (tables in 元,
// 三公 and 机关运行经费 in 万元) and its 2024 final account (everything in 万元),
// every standard table present, every identity of DOMAIN.md §5 holding
// exactly, so checks.Run reports nothing. Mutate one cell to see one rule fire.
//
// Only codes of the starter lists are used, so the checks need no loaded list.
package checkstest

import (
	"fmt"

	"sunshine/checks"
	"sunshine/models"
)

// The department the filings belong to. The region code is fictional (shape only).
const (
	RegionCode = "439901"
	DeptCode   = "001"
	DeptName   = "示例市财政局"
	Year       = 2024
)

// Filing IDs of the two filings, so findings can be told apart.
const (
	BudgetID = 101
	FinalID  = 102
)

// Money parses a figure printed in unit u, panicking on a typo in a fixture.
func Money(s string, u models.Unit) models.Money {
	m, err := models.ParseMoney(s, u)
	if err != nil {
		panic(fmt.Sprintf("checkstest: %q %s: %v", s, u, err))
	}
	return m
}

// Amount is Money as a disclosed amount; "" is not disclosed.
func Amount(s string, u models.Unit) models.NullMoney {
	if s == "" {
		return models.NotDisclosed
	}
	return models.Disclosed(Money(s, u))
}

// Item is one line item; amount "" is a cell given empty (not disclosed).
func Item(table models.Table, code, column, amount string, u models.Unit) models.LineItem {
	return models.LineItem{Table: table, Code: code, Column: column, Amount: Amount(amount, u), Unit: u}
}

// Count is a disclosed count.
func Count(n int64) models.NullCount { return models.CountOf(n) }

// Published returns copies of the filings marked published, as a checks.Published.
func Published(filings ...*checks.Filing) checks.Memory {
	m := make(checks.Memory, 0, len(filings))
	for _, f := range filings {
		c := *f
		c.Status = models.StatusPublished
		m = append(m, c)
	}
	return m
}

// Budget returns the 2024 department budget (部门预算): standard tables in 元,
// 三公 and 机关运行经费 in 万元. Every call returns a fresh copy to mutate.
func Budget() *checks.Filing {
	return department{
		id: BudgetID, phase: models.PhaseBudget, unit: models.Yuan,
		expenditure: []leaf{ // basic, project
			{"2010601", "5,200,000.00", ""},
			{"2010602", "", "800,000.00"},
			{"2010607", "", "300,000.00"},
			{"2080501", "150,000.00", ""},
			{"2080505", "480,000.00", ""},
			{"2080506", "240,000.00", ""},
			{"2101101", "260,000.00", ""},
			{"2210201", "380,000.00", ""},
		},
		income: []leaf{ // fiscal
			{"2010601", "5,200,000.00"},
			{"2010602", "800,000.00"},
			{"2010607", "300,000.00"},
			{"2080501", "150,000.00"},
			{"2080505", "480,000.00"},
			{"2080506", "240,000.00"},
			{"2101101", "260,000.00"},
			{"2210201", "380,000.00"},
		},
		basic: []leaf{ // personnel, public_use
			{"30101", "1,200,000.00", ""},
			{"30102", "1,500,000.00", ""},
			{"30103", "100,000.00", ""},
			{"30107", "900,000.00", ""},
			{"30108", "480,000.00", ""},
			{"30109", "240,000.00", ""},
			{"30110", "260,000.00", ""},
			{"30113", "380,000.00", ""},
			{"30201", "", "250,000.00"},
			{"30205", "", "30,000.00"},
			{"30206", "", "120,000.00"},
			{"30207", "", "60,000.00"},
			{"30211", "", "200,000.00"},
			{"30213", "", "80,000.00"},
			{"30215", "", "50,000.00"},
			{"30216", "", "100,000.00"},
			{"30217", "", "40,000.00"},
			{"30228", "", "90,000.00"},
			{"30229", "", "60,000.00"},
			{"30231", "", "120,000.00"},
			{"30239", "", "180,000.00"},
			{"30299", "", "100,000.00"},
			{"30302", "150,000.00", ""},
			{"30309", "20,000.00", ""},
		},
		carryoverIn: "0.00", carryoverOut: "0.00",
		procurementUnit: models.Yuan,
		goods:           "300,000.00", services: "250,000.00", sme: "400,000.00",
		operatingCost: "148.00", // 万元 = the public_use total, 1,480,000.00 元
		threePublic: models.ThreePublic{
			Unit:          models.WanYuan,
			Total:         Amount("16.00", models.WanYuan),
			OutboundTrips: Amount("0.00", models.WanYuan),
			Vehicles:      Amount("12.00", models.WanYuan), VehiclePurchase: Amount("0.00", models.WanYuan),
			VehicleOperation: Amount("12.00", models.WanYuan),
			Reception:        Amount("4.00", models.WanYuan),
			TripGroups:       Count(0), TripPersons: Count(0),
			VehiclesPurchased: Count(0), VehiclesHeld: Count(3),
			ReceptionBatches: Count(50), ReceptionPersons: Count(400),
			ForeignReceptionBatches: Count(0), ForeignReceptionPersons: Count(0),
			ChangeReason: "严格落实过紧日子要求，三公经费预算与上年持平。",
		},
	}.build()
}

// Final returns the 2024 final account (部门决算), everything in 万元, with the
// budget's 三公 figures as its 预算数. Every call returns a fresh copy to mutate.
func Final() *checks.Filing {
	w := models.WanYuan
	return department{
		id: FinalID, phase: models.PhaseFinal, unit: w,
		expenditure: []leaf{ // basic, project
			{"2010601", "526.00", ""},
			{"2010602", "", "76.00"},
			{"2010607", "", "29.00"},
			{"2080501", "15.20", ""},
			{"2080505", "48.30", ""},
			{"2080506", "24.15", ""},
			{"2101101", "26.23", ""},
			{"2210201", "40.12", ""},
		},
		income: []leaf{ // fiscal: 8.00 万元 of 2010602 carried over to next year
			{"2010601", "526.00"},
			{"2010602", "84.00"},
			{"2010607", "29.00"},
			{"2080501", "15.20"},
			{"2080505", "48.30"},
			{"2080506", "24.15"},
			{"2101101", "26.23"},
			{"2210201", "40.12"},
		},
		basic: []leaf{ // personnel, public_use
			{"30101", "121.00", ""},
			{"30102", "152.00", ""},
			{"30103", "10.00", ""},
			{"30107", "92.00", ""},
			{"30108", "48.30", ""},
			{"30109", "24.15", ""},
			{"30110", "26.23", ""},
			{"30113", "40.12", ""},
			{"30201", "", "24.50"},
			{"30205", "", "3.10"},
			{"30206", "", "12.40"},
			{"30207", "", "5.80"},
			{"30211", "", "19.20"},
			{"30213", "", "8.30"},
			{"30215", "", "4.60"},
			{"30216", "", "9.70"},
			{"30217", "", "3.52"},
			{"30228", "", "9.00"},
			{"30229", "", "6.00"},
			{"30231", "", "11.48"},
			{"30239", "", "18.00"},
			{"30299", "", "13.40"},
			{"30302", "15.20", ""},
			{"30309", "2.00", ""},
		},
		carryoverIn: "0.00", carryoverOut: "8.00",
		procurementUnit: w,
		goods:           "28.60", services: "23.40", sme: "39.00",
		operatingCost: "149.00",
		threePublic: models.ThreePublic{
			Unit:          w,
			Total:         Amount("15.00", w),
			OutboundTrips: Amount("0.00", w),
			Vehicles:      Amount("11.48", w), VehiclePurchase: Amount("0.00", w), VehicleOperation: Amount("11.48", w),
			Reception:   Amount("3.52", w),
			BudgetTotal: Amount("16.00", w), BudgetOutboundTrips: Amount("0.00", w),
			BudgetVehicles: Amount("12.00", w), BudgetVehiclePurchase: Amount("0.00", w),
			BudgetVehicleOperation: Amount("12.00", w), BudgetReception: Amount("4.00", w),
			TripGroups: Count(0), TripPersons: Count(0),
			VehiclesPurchased: Count(0), VehiclesHeld: Count(3),
			ReceptionBatches: Count(44), ReceptionPersons: Count(352),
			ForeignReceptionBatches: Count(0), ForeignReceptionPersons: Count(0),
			ChangeReason: "严格落实过紧日子要求，压减公务接待和公务用车运行费，决算数比预算数减少 1.00 万元。",
		},
	}.build()
}

// leaf is a row of the lowest level: its code, then its part columns in
// order ("" = no line).
type leaf []string
