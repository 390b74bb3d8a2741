package models

import (
	"database/sql/driver"
	"fmt"
	"strconv"
)

// ThreePublic is a filing's "three public expenses" (三公经费) record: the
// amounts of DOMAIN.md §3, the 预算数 a final account prints beside its 决算数,
// and the counts that go with them. Every field may be "not disclosed".
type ThreePublic struct {
	FilingID int64 `db:"filing_id" json:"filing_id"`

	Total            NullMoney `db:"total" json:"total"`                         // 合计
	OutboundTrips    NullMoney `db:"outbound_trips" json:"outbound_trips"`       // 因公出国(境)费
	Vehicles         NullMoney `db:"vehicles" json:"vehicles"`                   // 公务用车购置及运行(维护)费
	VehiclePurchase  NullMoney `db:"vehicle_purchase" json:"vehicle_purchase"`   // 公务用车购置费
	VehicleOperation NullMoney `db:"vehicle_operation" json:"vehicle_operation"` // 公务用车运行(维护)费
	Reception        NullMoney `db:"reception" json:"reception"`                 // 公务接待费

	// The 预算数 columns of a final account; always not disclosed in a budget.
	BudgetTotal            NullMoney `db:"budget_total" json:"budget_total"`
	BudgetOutboundTrips    NullMoney `db:"budget_outbound_trips" json:"budget_outbound_trips"`
	BudgetVehicles         NullMoney `db:"budget_vehicles" json:"budget_vehicles"`
	BudgetVehiclePurchase  NullMoney `db:"budget_vehicle_purchase" json:"budget_vehicle_purchase"`
	BudgetVehicleOperation NullMoney `db:"budget_vehicle_operation" json:"budget_vehicle_operation"`
	BudgetReception        NullMoney `db:"budget_reception" json:"budget_reception"`

	TripGroups              NullCount `db:"trip_groups" json:"trip_groups"`                             // 因公出国(境)团组数
	TripPersons             NullCount `db:"trip_persons" json:"trip_persons"`                           // 因公出国(境)人次
	VehiclesPurchased       NullCount `db:"vehicles_purchased" json:"vehicles_purchased"`               // 公务用车购置数
	VehiclesHeld            NullCount `db:"vehicles_held" json:"vehicles_held"`                         // 公务用车保有量
	ReceptionBatches        NullCount `db:"reception_batches" json:"reception_batches"`                 // 国内公务接待批次
	ReceptionPersons        NullCount `db:"reception_persons" json:"reception_persons"`                 // 国内公务接待人次
	ForeignReceptionBatches NullCount `db:"foreign_reception_batches" json:"foreign_reception_batches"` // 外宾接待批次
	ForeignReceptionPersons NullCount `db:"foreign_reception_persons" json:"foreign_reception_persons"` // 外宾接待人次

	ChangeReason string `db:"change_reason" json:"change_reason"` // 增减变化原因; "" when none was given
	// Unit is the unit the amounts were printed in at the source.
	Unit Unit `db:"unit" json:"unit"`
	// SourceRow is the 1-based row of the uploaded file the record came from (header = 1), 0 when unknown.
	SourceRow int `db:"source_row" json:"source_row,omitempty"`
	// Decimals is the coarsest precision its non-zero amounts were printed at.
	Decimals Decimals `db:"decimals" json:"-"`
}

// ThreePublicAmount names one amount column of the 三公 record.
type ThreePublicAmount struct {
	Key     string
	Chinese string
	Get     func(*ThreePublic) *NullMoney
}

// ThreePublicAmounts lists the amount columns in table order; the 预算数 columns follow with a "budget_" prefix.
var ThreePublicAmounts = []ThreePublicAmount{
	{"total", "合计", func(t *ThreePublic) *NullMoney { return &t.Total }},
	{"outbound_trips", "因公出国(境)费", func(t *ThreePublic) *NullMoney { return &t.OutboundTrips }},
	{"vehicles", "公务用车购置及运行费", func(t *ThreePublic) *NullMoney { return &t.Vehicles }},
	{"vehicle_purchase", "公务用车购置费", func(t *ThreePublic) *NullMoney { return &t.VehiclePurchase }},
	{"vehicle_operation", "公务用车运行费", func(t *ThreePublic) *NullMoney { return &t.VehicleOperation }},
	{"reception", "公务接待费", func(t *ThreePublic) *NullMoney { return &t.Reception }},
	{"budget_total", "预算数合计", func(t *ThreePublic) *NullMoney { return &t.BudgetTotal }},
	{"budget_outbound_trips", "预算数因公出国(境)费", func(t *ThreePublic) *NullMoney { return &t.BudgetOutboundTrips }},
	{"budget_vehicles", "预算数公务用车购置及运行费", func(t *ThreePublic) *NullMoney { return &t.BudgetVehicles }},
	{"budget_vehicle_purchase", "预算数公务用车购置费", func(t *ThreePublic) *NullMoney { return &t.BudgetVehiclePurchase }},
	{"budget_vehicle_operation", "预算数公务用车运行费", func(t *ThreePublic) *NullMoney { return &t.BudgetVehicleOperation }},
	{"budget_reception", "预算数公务接待费", func(t *ThreePublic) *NullMoney { return &t.BudgetReception }},
}

// ThreePublicCount names one count column of the 三公 record.
type ThreePublicCount struct {
	Key     string
	Chinese string
	Get     func(*ThreePublic) *NullCount
}

// ThreePublicCounts lists the count columns in table order.
var ThreePublicCounts = []ThreePublicCount{
	{"trip_groups", "因公出国(境)团组数", func(t *ThreePublic) *NullCount { return &t.TripGroups }},
	{"trip_persons", "因公出国(境)人次", func(t *ThreePublic) *NullCount { return &t.TripPersons }},
	{"vehicles_purchased", "公务用车购置数", func(t *ThreePublic) *NullCount { return &t.VehiclesPurchased }},
	{"vehicles_held", "公务用车保有量", func(t *ThreePublic) *NullCount { return &t.VehiclesHeld }},
	{"reception_batches", "国内公务接待批次", func(t *ThreePublic) *NullCount { return &t.ReceptionBatches }},
	{"reception_persons", "国内公务接待人次", func(t *ThreePublic) *NullCount { return &t.ReceptionPersons }},
	{"foreign_reception_batches", "外宾接待批次", func(t *ThreePublic) *NullCount { return &t.ForeignReceptionBatches }},
	{"foreign_reception_persons", "外宾接待人次", func(t *ThreePublic) *NullCount { return &t.ForeignReceptionPersons }},
}

// Validate checks what a single record can check alone: a known unit, no budget
// columns on a budget-phase record, no negative counts, and the length of the reason.
// Negative amounts are left to the amount.negative rule, which reports them as findings.
// The arithmetic between fields is the consistency rules' job, not this one.
func (t *ThreePublic) Validate(p Phase) error {
	if !t.Unit.Valid() {
		return Errorf(EINVALID, "单位“%s”无效", t.Unit)
	}
	for _, a := range ThreePublicAmounts {
		v := a.Get(t)
		if p != PhaseFinal && len(a.Key) > 7 && a.Key[:7] == "budget_" && v.Valid {
			return Errorf(EINVALID, "“%s”只用于决算", a.Chinese)
		}
	}
	for _, c := range ThreePublicCounts {
		if v := c.Get(t); v.Valid && v.Count < 0 {
			return Errorf(EINVALID, "“%s”不能为负数", c.Chinese)
		}
	}
	return validateText("增减变化原因", t.ChangeReason, 10000, false)
}

// NullCount is a whole-number count (groups, persons, vehicles) that may be
// "not disclosed", which is different from 0.
type NullCount struct {
	Count int64
	Valid bool
}

// CountOf returns a disclosed count.
func CountOf(n int64) NullCount { return NullCount{Count: n, Valid: true} }

// ParseCount reads a whole number ≥ 0 ("12", "1,200"). Blank is the caller's business.
func ParseCount(s string) (int64, error) {
	t := normalizeDigits(s)
	m, err := ParseMoney(t, Yuan)
	if err != nil || m%100 != 0 {
		return 0, Errorf(EINVALID, "“%s”不是整数", s)
	}
	if m < 0 {
		return 0, Errorf(EINVALID, "“%s”不能为负数", s)
	}
	return int64(m / 100), nil
}

// MarshalJSON writes null when not disclosed.
func (n NullCount) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, n.Count, 10), nil
}

// UnmarshalJSON reads null or a whole number.
func (n *NullCount) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = NullCount{}
		return nil
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("count: %w", err)
	}
	*n = CountOf(v)
	return nil
}

// Value stores NULL for not disclosed.
func (n NullCount) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return n.Count, nil
}

// Scan reads NULL as not disclosed.
func (n *NullCount) Scan(src any) error {
	if src == nil {
		*n = NullCount{}
		return nil
	}
	v, err := scanInt64(src)
	if err != nil {
		return fmt.Errorf("count: %w", err)
	}
	*n = CountOf(v)
	return nil
}
