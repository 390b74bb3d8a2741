package models

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParsePhase_AcceptsEnglishKeysAndChineseNames(t *testing.T) {
	cases := map[string]Phase{
		"budget": PhaseBudget, "预算": PhaseBudget, "年初预算": PhaseBudget, "部门预算": PhaseBudget, " budget ": PhaseBudget,
		"adjusted": PhaseAdjusted, "调整预算": PhaseAdjusted, "全年预算": PhaseAdjusted, "\t调整预算\n": PhaseAdjusted,
		"final": PhaseFinal, "决算": PhaseFinal, "部门决算": PhaseFinal, "　决算　": PhaseFinal, // ideographic spaces
	}
	for in, want := range cases {
		got, err := ParsePhase(in)
		if err != nil || got != want {
			t.Errorf("ParsePhase(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParsePhase_RefusesAnythingElse(t *testing.T) {
	for _, in := range []string{"", " ", "draft", "budgets", "预决算", "决算数", "预算数", "调整", "final account", "b"} {
		got, err := ParsePhase(in)
		if err == nil {
			t.Errorf("ParsePhase(%q) = %q; want an error", in, got)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParsePhase(%q) error code = %q; want %q", in, ErrorCode(err), EINVALID)
		}
		if !strings.Contains(err.Error(), "budget") || !strings.Contains(err.Error(), "决算") {
			t.Errorf("ParsePhase(%q) error %q should list the accepted values", in, err)
		}
	}
}

func TestPhase_ChineseNameAndValidity(t *testing.T) {
	cases := map[Phase]string{PhaseBudget: "预算", PhaseAdjusted: "调整预算", PhaseFinal: "决算"}
	for p, want := range cases {
		if got := p.Chinese(); got != want {
			t.Errorf("%s.Chinese() = %q; want %q", p, got, want)
		}
		if !p.Valid() {
			t.Errorf("%s.Valid() = false", p)
		}
		// The Chinese name parses back to the same phase.
		if back, err := ParsePhase(p.Chinese()); err != nil || back != p {
			t.Errorf("ParsePhase(%q) = %q, %v; want %q", p.Chinese(), back, err, p)
		}
	}
	if got := Phase("other").Chinese(); got != "other" {
		t.Errorf("unknown phase Chinese() = %q; want the key itself", got)
	}
	for _, p := range []Phase{"", "Budget", "预算"} {
		if p.Valid() {
			t.Errorf("Phase(%q).Valid() = true; want false", p)
		}
	}
	if len(Phases) != 3 || Phases[0] != PhaseBudget || Phases[1] != PhaseAdjusted || Phases[2] != PhaseFinal {
		t.Errorf("Phases = %v; want budget, adjusted, final in fiscal-year order", Phases)
	}
}

func TestStatus_ValidKnowsTheFourStates(t *testing.T) {
	for _, s := range []Status{StatusDraft, StatusPublished, StatusSuperseded, StatusWithdrawn} {
		if !s.Valid() {
			t.Errorf("Status(%q).Valid() = false; want true", s)
		}
	}
	for _, s := range []Status{"", "deleted", "Draft"} {
		if s.Valid() {
			t.Errorf("Status(%q).Valid() = true; want false", s)
		}
	}
}

func TestValidateRegionCode_AcceptsSixDigitsOnly(t *testing.T) {
	for _, ok := range []string{"431081", "000000", "110000", "999999"} {
		if err := ValidateRegionCode(ok); err != nil {
			t.Errorf("ValidateRegionCode(%q) = %v; want nil", ok, err)
		}
	}
	for _, bad := range []string{"43108", "4310811", "43108a", "", " 431081", "431081 ", "-43108", "43 081", "４３１０８１", "43108１"} {
		err := ValidateRegionCode(bad)
		if err == nil {
			t.Errorf("ValidateRegionCode(%q) = nil; want an error", bad)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("ValidateRegionCode(%q) error code = %q; want %q", bad, ErrorCode(err), EINVALID)
		}
	}
}

func TestValidateDeptCode_AcceptsCodesWithLeadingZeros(t *testing.T) {
	for _, ok := range []string{"001", "0", "000123", "A01", "jyj-01", "dept_7", strings.Repeat("0", 32)} {
		if err := ValidateDeptCode(ok); err != nil {
			t.Errorf("ValidateDeptCode(%q) = %v; want nil", ok, err)
		}
	}
}

func TestValidateDeptCode_RefusesEmptyLongAndOddCharacters(t *testing.T) {
	for _, bad := range []string{"", strings.Repeat("1", 33), "01 2", " 001", "01.2", "01/2", "教育局", "００１", "a'b", "a;b"} {
		err := ValidateDeptCode(bad)
		if err == nil {
			t.Errorf("ValidateDeptCode(%q) = nil; want an error", bad)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("ValidateDeptCode(%q) error code = %q; want %q", bad, ErrorCode(err), EINVALID)
		}
	}
}

func TestValidateFiscalYear_Accepts2000Through2100(t *testing.T) {
	for _, y := range []int{2000, 2021, 2100} {
		if err := ValidateFiscalYear(y); err != nil {
			t.Errorf("ValidateFiscalYear(%d) = %v; want nil", y, err)
		}
	}
	for _, y := range []int{0, 1999, 2101, -2021, 21} {
		if err := ValidateFiscalYear(y); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("ValidateFiscalYear(%d) = %v; want an EINVALID error", y, err)
		}
	}
}

func validKey() FilingKey {
	return FilingKey{RegionCode: "431081", DeptCode: "001", FiscalYear: 2024, Phase: PhaseFinal}
}

func TestFilingKeyValidate_AcceptsACompleteKey(t *testing.T) {
	for _, p := range Phases {
		k := validKey()
		k.Phase = p
		if err := k.Validate(); err != nil {
			t.Errorf("%+v.Validate() = %v; want nil", k, err)
		}
	}
}

func TestFilingKeyValidate_RefusesEachBadPart(t *testing.T) {
	cases := map[string]func(*FilingKey){
		"short region": func(k *FilingKey) { k.RegionCode = "43108" },
		"no dept":      func(k *FilingKey) { k.DeptCode = "" },
		"bad dept":     func(k *FilingKey) { k.DeptCode = "0 1" },
		"year 1999":    func(k *FilingKey) { k.FiscalYear = 1999 },
		"no year":      func(k *FilingKey) { k.FiscalYear = 0 },
		"no phase":     func(k *FilingKey) { k.Phase = "" },
		"Chinese phase": func(k *FilingKey) {
			k.Phase = "决算" // a Phase must be the key; ParsePhase converts names
		},
	}
	for name, mutate := range cases {
		k := validKey()
		mutate(&k)
		err := k.Validate()
		if err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("%s: %+v.Validate() = %v; want an EINVALID error", name, k, err)
		}
	}
}

func TestFilingJSON_FlattensTheKeyAndKeepsDeptCodeAsText(t *testing.T) {
	f := Filing{ID: 7, FilingKey: validKey(), Version: 2, Status: StatusDraft, CreatedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["dept_code"] != "001" {
		t.Errorf("dept_code = %#v; want the string \"001\" with its leading zeros", m["dept_code"])
	}
	if m["region_code"] != "431081" || m["phase"] != "final" || m["fiscal_year"] != float64(2024) || m["version"] != float64(2) {
		t.Errorf("filing JSON = %s; want region_code, phase, fiscal_year, version at the top level", b)
	}
	for _, absent := range []string{"published_at", "published_by", "note", "FilingKey"} {
		if _, ok := m[absent]; ok {
			t.Errorf("filing JSON has %q; want it omitted for an unpublished draft: %s", absent, b)
		}
	}
	var back Filing
	if err := json.Unmarshal(b, &back); err != nil || back.FilingKey != f.FilingKey || back.ID != 7 {
		t.Errorf("json round trip = %+v, %v; want %+v", back, err, f)
	}
}

func TestDepartmentValidate_AcceptsAProperDepartment(t *testing.T) {
	cases := []Department{
		{RegionCode: "431081", Code: "001", Name: "资兴市教育局"},
		{RegionCode: "431081", Code: "001002", Name: "资兴市第一中学", ParentCode: "001"},
		{RegionCode: "000000", Code: "A", Name: strings.Repeat("部", 200)}, // 200 characters, 600 bytes
		{RegionCode: "431081", Code: "002", Name: "市财政局\t（本级）"},
	}
	for _, d := range cases {
		if err := d.Validate(); err != nil {
			t.Errorf("%+v.Validate() = %v; want nil", d, err)
		}
	}
}

func TestDepartmentValidate_RefusesBadFields(t *testing.T) {
	base := Department{RegionCode: "431081", Code: "001", Name: "资兴市教育局"}
	cases := map[string]func(*Department){
		"region too short":      func(d *Department) { d.RegionCode = "43108" },
		"empty code":            func(d *Department) { d.Code = "" },
		"code with space":       func(d *Department) { d.Code = "00 1" },
		"bad parent code":       func(d *Department) { d.ParentCode = "0/1" },
		"parent is itself":      func(d *Department) { d.ParentCode = "001" },
		"blank name":            func(d *Department) { d.Name = "  \t" },
		"empty name":            func(d *Department) { d.Name = "" },
		"name of 201 chars":     func(d *Department) { d.Name = strings.Repeat("部", 201) },
		"control char in name":  func(d *Department) { d.Name = "教育\x01局" },
		"invalid UTF-8 in name": func(d *Department) { d.Name = "教育\xff局" },
	}
	for name, mutate := range cases {
		d := base
		mutate(&d)
		err := d.Validate()
		if err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("%s: %+v.Validate() = %v; want an EINVALID error", name, d, err)
		}
	}
}

func TestRegionValidate_NameIsOptionalButBounded(t *testing.T) {
	for _, r := range []Region{
		{Code: "431081", Name: "资兴市"},
		{Code: "000000", Name: "中央"},
		{Code: "431081", Name: ""},
		{Code: "431081", Name: strings.Repeat("市", 100)},
	} {
		if err := r.Validate(); err != nil {
			t.Errorf("%+v.Validate() = %v; want nil", r, err)
		}
	}
	for _, r := range []Region{
		{Code: "43108", Name: "资兴市"},
		{Code: "4310811", Name: "资兴市"},
		{Code: "43108a", Name: "资兴市"},
		{Code: "431081", Name: strings.Repeat("市", 101)},
		{Code: "431081", Name: "资兴\x00市"},
		{Code: "431081", Name: "\xfe"},
	} {
		if err := r.Validate(); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("%+v.Validate() = %v; want an EINVALID error", r, err)
		}
	}
}
