package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Phase is the stage of the fiscal year a document belongs to.
type Phase string

const (
	PhaseBudget   Phase = "budget"   // 部门预算（年初预算）
	PhaseAdjusted Phase = "adjusted" // 调整预算（全年预算）
	PhaseFinal    Phase = "final"    // 部门决算
)

// Phases lists the phases in the order of the fiscal year.
var Phases = []Phase{PhaseBudget, PhaseAdjusted, PhaseFinal}

// ParsePhase accepts the English key or the Chinese name users write.
func ParsePhase(s string) (Phase, error) {
	switch strings.TrimSpace(s) {
	case "budget", "预算", "年初预算", "部门预算":
		return PhaseBudget, nil
	case "adjusted", "调整预算", "全年预算":
		return PhaseAdjusted, nil
	case "final", "决算", "部门决算":
		return PhaseFinal, nil
	}
	return "", Errorf(EINVALID, "阶段“%s”无效，应为 预算(budget)、调整预算(adjusted) 或 决算(final)", s)
}

// Chinese returns the name printed on official tables.
func (p Phase) Chinese() string {
	switch p {
	case PhaseBudget:
		return "预算"
	case PhaseAdjusted:
		return "调整预算"
	case PhaseFinal:
		return "决算"
	}
	return string(p)
}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { return p == PhaseBudget || p == PhaseAdjusted || p == PhaseFinal }

// Status is where a filing is in its life.
type Status string

const (
	StatusDraft      Status = "draft"      // being uploaded and checked; not public
	StatusPublished  Status = "published"  // frozen and public
	StatusSuperseded Status = "superseded" // a later version was published; still readable
	StatusWithdrawn  Status = "withdrawn"  // taken back with a note; still readable
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusPublished, StatusSuperseded, StatusWithdrawn:
		return true
	}
	return false
}

// Region is an administrative division, identified by its 6-digit code
// (行政区划代码; 000000 for the central government).
type Region struct {
	Code string `db:"code" json:"code"`
	Name string `db:"name" json:"name"`
}

// ValidateRegionCode checks the shape of a region code: exactly six ASCII digits.
func ValidateRegionCode(code string) error {
	if len(code) != 6 || !allDigits(code) {
		return Errorf(EINVALID, "区划代码“%s”应为 6 位数字", code)
	}
	return nil
}

// Validate checks a region before it is stored.
func (r Region) Validate() error {
	if err := ValidateRegionCode(r.Code); err != nil {
		return err
	}
	return validateText("区划名称", r.Name, 100, false)
}

// Department is a government department (部门) of a region. Codes are text:
// leading zeros matter ("001").
type Department struct {
	RegionCode string `db:"region_code" json:"region_code"`
	Code       string `db:"code" json:"code"`
	Name       string `db:"name" json:"name"`
	// ParentCode is the code of the department this one belongs to, or "" for a top-level one.
	ParentCode string `db:"parent_code" json:"parent_code,omitempty"`
}

// Validate checks a department before it is stored.
func (d Department) Validate() error {
	if err := ValidateRegionCode(d.RegionCode); err != nil {
		return err
	}
	if err := ValidateDeptCode(d.Code); err != nil {
		return err
	}
	if d.ParentCode != "" {
		if err := ValidateDeptCode(d.ParentCode); err != nil {
			return err
		}
		if d.ParentCode == d.Code {
			return Errorf(EINVALID, "部门“%s”不能是自己的上级部门", d.Code)
		}
	}
	return validateText("部门名称", d.Name, 200, true)
}

// ValidateDeptCode checks a department code: 1–32 characters of letters, digits, '-' or '_'.
func ValidateDeptCode(code string) error {
	if code == "" || len(code) > 32 {
		return Errorf(EINVALID, "部门编码“%s”应为 1–32 位字母或数字", code)
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return Errorf(EINVALID, "部门编码“%s”应为 1–32 位字母或数字", code)
		}
	}
	return nil
}

// Fiscal years the service accepts.
const (
	MinFiscalYear = 2000
	MaxFiscalYear = 2100
)

// ValidateFiscalYear checks that y is a plausible fiscal (calendar) year.
func ValidateFiscalYear(y int) error {
	if y < MinFiscalYear || y > MaxFiscalYear {
		return Errorf(EINVALID, "年度 %d 超出范围（%d–%d）", y, MinFiscalYear, MaxFiscalYear)
	}
	return nil
}

// FilingKey names one department's disclosure for one fiscal year and phase.
// Every version of a filing shares its key.
type FilingKey struct {
	RegionCode string `db:"region_code" json:"region_code"`
	DeptCode   string `db:"dept_code" json:"dept_code"`
	FiscalYear int    `db:"fiscal_year" json:"fiscal_year"`
	Phase      Phase  `db:"phase" json:"phase"`
}

// Validate checks every part of the key.
func (k FilingKey) Validate() error {
	if err := ValidateRegionCode(k.RegionCode); err != nil {
		return err
	}
	if err := ValidateDeptCode(k.DeptCode); err != nil {
		return err
	}
	if err := ValidateFiscalYear(k.FiscalYear); err != nil {
		return err
	}
	if !k.Phase.Valid() {
		return Errorf(EINVALID, "阶段“%s”无效", k.Phase)
	}
	return nil
}

// Filing is one version of everything disclosed for one department × fiscal
// year × phase: its 三公 record, its line items and the findings of the checks.
// Version 1 is the first; uploads after a publication open version N+1 as a draft.
type Filing struct {
	ID int64 `db:"id" json:"id"`
	FilingKey
	Version     int        `db:"version" json:"version"`
	Status      Status     `db:"status" json:"status"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
	CreatedBy   string     `db:"created_by" json:"created_by"`
	UpdatedAt   time.Time  `db:"updated_at" json:"updated_at"`
	PublishedAt *time.Time `db:"published_at" json:"published_at,omitempty"`
	PublishedBy *string    `db:"published_by" json:"published_by,omitempty"`
	// Note is the correction note of a version that supersedes an earlier one,
	// or the reason given for a withdrawal.
	Note *string `db:"note" json:"note,omitempty"`
	// RegionName and DeptName are the names this version's uploads gave. They
	// are frozen with the figures when it is published; the public reads names
	// from published versions only, never from a draft.
	RegionName string `db:"region_name" json:"region_name"`
	DeptName   string `db:"dept_name" json:"dept_name"`
}

// validateText checks a free-text field: valid UTF-8, no control characters,
// at most max characters, and non-blank when required.
func validateText(label, s string, max int, required bool) error {
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "%s包含无效字符", label)
	}
	if required && strings.TrimSpace(s) == "" {
		return Errorf(EINVALID, "%s不能为空", label)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return Errorf(EINVALID, "%s过长（%d 个字符，最多 %d 个）", label, n, max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return Errorf(EINVALID, "%s包含控制字符", label)
		}
	}
	return nil
}
