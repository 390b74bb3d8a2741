package exports

import (
	"time"

	"sunshine/models"
)

// Origin is what every feed row carries about where its figures come from:
// the filing version, the dataset release, and who and what the filing is
// about. Both feed rows embed it, so its fields come first in both.
type Origin struct {
	// FilingID is the id of the filing version the row was published in (CONTRACT.md §3).
	FilingID int64
	// Version is the filing's version: 1 for the first publication, N+1 for each correction.
	Version int
	// Release is the number of the dataset release the row is read from; 0 when the
	// row is read from the live feed rather than a release (written as null / an empty cell).
	Release int
	// RegionCode is the 6-digit administrative division code (行政区划代码; 000000 for the centre).
	RegionCode string
	// RegionName is the region's name, e.g. 资兴市.
	RegionName string
	// DeptCode is the department's code; text, leading zeros matter ("001").
	DeptCode string
	// DeptName is the department's name.
	DeptName string
	// FiscalYear is the fiscal (calendar) year.
	FiscalYear int
	// Phase is budget (预算), adjusted (调整预算) or final (决算).
	Phase models.Phase
}

// ThreePublicRow is one row of the 三公 feed: one department × year × phase.
// Amounts are NullMoney: "not disclosed" is written as JSON null or an empty
// cell, never as 0.
type ThreePublicRow struct {
	Origin
	// Unit is the unit the source table printed the amounts in (元, 万元 or 亿元).
	// Exported amounts are always in the unit the encoder was asked for, not this one.
	Unit models.Unit

	// Total is 合计, the sum of trips, vehicles and reception (决算数 in a final).
	Total models.NullMoney
	// OutboundTrips is 因公出国(境)费.
	OutboundTrips models.NullMoney
	// Vehicles is 公务用车购置及运行(维护)费, the subtotal of purchase and operation.
	Vehicles models.NullMoney
	// VehiclePurchase is 公务用车购置费.
	VehiclePurchase models.NullMoney
	// VehicleOperation is 公务用车运行(维护)费.
	VehicleOperation models.NullMoney
	// Reception is 公务接待费 (including 外宾接待).
	Reception models.NullMoney

	// BudgetTotal is the 预算数 合计 a final account prints beside its 决算数; not disclosed in budgets.
	BudgetTotal models.NullMoney
	// BudgetOutboundTrips is the 预算数 of 因公出国(境)费 in a final.
	BudgetOutboundTrips models.NullMoney
	// BudgetVehicles is the 预算数 of 公务用车购置及运行费 in a final.
	BudgetVehicles models.NullMoney
	// BudgetVehiclePurchase is the 预算数 of 公务用车购置费 in a final.
	BudgetVehiclePurchase models.NullMoney
	// BudgetVehicleOperation is the 预算数 of 公务用车运行费 in a final.
	BudgetVehicleOperation models.NullMoney
	// BudgetReception is the 预算数 of 公务接待费 in a final.
	BudgetReception models.NullMoney

	// TripGroups is 因公出国(境)团组数 (个).
	TripGroups models.NullCount
	// TripPersons is 因公出国(境)人次.
	TripPersons models.NullCount
	// VehiclesPurchased is 公务用车购置数 (辆).
	VehiclesPurchased models.NullCount
	// VehiclesHeld is 公务用车保有量 (辆).
	VehiclesHeld models.NullCount
	// ReceptionBatches is 国内公务接待批次.
	ReceptionBatches models.NullCount
	// ReceptionPersons is 国内公务接待人次.
	ReceptionPersons models.NullCount
	// ForeignReceptionBatches is 其中：外宾接待批次.
	ForeignReceptionBatches models.NullCount
	// ForeignReceptionPersons is 其中：外宾接待人次.
	ForeignReceptionPersons models.NullCount

	// ChangeReason is 增减变化原因, free text; "" when none was given.
	ChangeReason string
	// Permalink is the stable URL of the filing version this row belongs to.
	Permalink string
	// SourcePage is the page of the PDF the 三公 table was printed on, 0 when
	// it came from a workbook or CSV.
	SourcePage int
}

// NewThreePublicRow copies a stored 三公 record into a feed row.
func NewThreePublicRow(o Origin, t *models.ThreePublic, permalink string) ThreePublicRow {
	return ThreePublicRow{
		Origin: o, Unit: t.Unit,
		Total: t.Total, OutboundTrips: t.OutboundTrips, Vehicles: t.Vehicles,
		VehiclePurchase: t.VehiclePurchase, VehicleOperation: t.VehicleOperation, Reception: t.Reception,
		BudgetTotal: t.BudgetTotal, BudgetOutboundTrips: t.BudgetOutboundTrips, BudgetVehicles: t.BudgetVehicles,
		BudgetVehiclePurchase: t.BudgetVehiclePurchase, BudgetVehicleOperation: t.BudgetVehicleOperation,
		BudgetReception: t.BudgetReception,
		TripGroups:      t.TripGroups, TripPersons: t.TripPersons,
		VehiclesPurchased: t.VehiclesPurchased, VehiclesHeld: t.VehiclesHeld,
		ReceptionBatches: t.ReceptionBatches, ReceptionPersons: t.ReceptionPersons,
		ForeignReceptionBatches: t.ForeignReceptionBatches, ForeignReceptionPersons: t.ForeignReceptionPersons,
		ChangeReason: t.ChangeReason, Permalink: permalink,
	}
}

// LineItemRow is one row of the line-items feed: one amount of a standard
// table in long form (DOMAIN.md §2, CONTRACT.md §2.2).
type LineItemRow struct {
	Origin
	// Table is the standard table's key (expenditure, basic_expenditure, …).
	Table models.Table
	// Code is the row: a classification code (201, 20106, 2010601) or a row key (income_total, total).
	Code string
	// Name is the row's name as printed (科目名称).
	Name string
	// Column is the column key of the table (total, basic, project, amount, …).
	Column string
	// Amount is the figure; not disclosed when the source cell was given empty.
	Amount models.NullMoney
	// Unit is the unit the source table printed the amount in; the export's own unit may differ.
	Unit models.Unit
	// Permalink is the stable URL of the filing version this row belongs to.
	Permalink string
	// SourcePage is the page of the PDF the figure was printed on, 0 when it
	// came from a workbook or CSV.
	SourcePage int
}

// NewLineItemRow copies a stored line item into a feed row.
func NewLineItemRow(o Origin, li *models.LineItem, permalink string) LineItemRow {
	return LineItemRow{
		Origin: o, Table: li.Table, Code: li.Code, Name: li.Name, Column: li.Column,
		Amount: li.Amount, Unit: li.Unit, Permalink: permalink,
	}
}

// FilingRow is one filing version of a dataset release: the resource that the
// 三公 and line-item rows refer to by filing_id in a data package, and where a
// reader finds the correction note of a version that superseded another.
type FilingRow struct {
	Origin
	// Status is published, superseded or withdrawn (drafts are never exported).
	Status models.Status
	// PublishedAt is when the version was published; zero when it never was.
	PublishedAt time.Time
	// Note is the correction note of a version that supersedes an earlier one, or the reason for a withdrawal.
	Note string
	// Permalink is the stable URL of this filing version.
	Permalink string
}

// NewFilingRow copies a stored filing into a row; the names, release and
// permalink are the caller's to add.
func NewFilingRow(f *models.Filing, regionName, deptName string, release int, permalink string) FilingRow {
	r := FilingRow{
		Origin: Origin{
			FilingID: f.ID, Version: f.Version, Release: release,
			RegionCode: f.RegionCode, RegionName: regionName, DeptCode: f.DeptCode, DeptName: deptName,
			FiscalYear: f.FiscalYear, Phase: f.Phase,
		},
		Status: f.Status, Permalink: permalink,
	}
	if f.PublishedAt != nil {
		r.PublishedAt = *f.PublishedAt
	}
	if f.Note != nil {
		r.Note = *f.Note
	}
	return r
}
