package models

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// budgetRecord is a typical 三公 budget row, in 万元 as such tables are printed.
func budgetRecord() ThreePublic {
	return ThreePublic{
		Total:            Disclosed(568_700_000), // 568.70 万元
		OutboundTrips:    Disclosed(0),
		Vehicles:         Disclosed(328_700_000),
		VehiclePurchase:  Disclosed(240_000_000),
		VehicleOperation: Disclosed(88_700_000),
		Reception:        Disclosed(240_000_000),
		TripGroups:       CountOf(0),
		VehiclesHeld:     CountOf(12),
		ChangeReason:     "压减公务接待，严格执行“只减不增”。",
		Unit:             WanYuan,
	}
}

func TestThreePublicValidate_AcceptsABudgetRecordWithoutBudgetColumns(t *testing.T) {
	tp := budgetRecord()
	for _, p := range Phases {
		if err := tp.Validate(p); err != nil {
			t.Errorf("Validate(%s) = %v; want nil", p, err)
		}
	}
}

func TestThreePublicValidate_AcceptsAllNotDisclosed(t *testing.T) {
	tp := ThreePublic{Unit: Yuan}
	if err := tp.Validate(PhaseBudget); err != nil {
		t.Errorf("Validate of a record with nothing disclosed = %v; want nil", err)
	}
}

func TestThreePublicValidate_RefusesBudgetColumnsInBudgetPhases(t *testing.T) {
	n := 0
	for _, a := range ThreePublicAmounts {
		if !strings.HasPrefix(a.Key, "budget_") {
			continue
		}
		n++
		for _, p := range []Phase{PhaseBudget, PhaseAdjusted} {
			tp := budgetRecord()
			*a.Get(&tp) = Disclosed(100)
			err := tp.Validate(p)
			if err == nil {
				t.Errorf("%s given in a %s record: Validate = nil; want an error", a.Key, p)
				continue
			}
			if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), a.Chinese) {
				t.Errorf("%s given in a %s record: error %q (code %q); want EINVALID naming %q", a.Key, p, err, ErrorCode(err), a.Chinese)
			}
		}
	}
	if n != 6 {
		t.Errorf("found %d budget_ columns; want 6", n)
	}
}

func TestThreePublicValidate_RefusesBudgetColumnDisclosedAsZeroInBudget(t *testing.T) {
	tp := budgetRecord()
	tp.BudgetReception = Disclosed(0) // zero is disclosed, not blank
	if err := tp.Validate(PhaseBudget); err == nil {
		t.Errorf("budget_reception = 0 in a budget record: Validate = nil; want an error")
	}
}

func TestThreePublicValidate_AllowsBudgetColumnsInFinal(t *testing.T) {
	tp := budgetRecord()
	tp.BudgetTotal = Disclosed(600_000_000)
	tp.BudgetOutboundTrips = Disclosed(0)
	tp.BudgetVehicles = Disclosed(350_000_000)
	tp.BudgetVehiclePurchase = Disclosed(250_000_000)
	tp.BudgetVehicleOperation = Disclosed(100_000_000)
	tp.BudgetReception = Disclosed(250_000_000)
	tp.TripGroups, tp.TripPersons = CountOf(0), CountOf(0)
	tp.VehiclesPurchased, tp.ReceptionBatches, tp.ReceptionPersons = CountOf(1), CountOf(35), CountOf(280)
	if err := tp.Validate(PhaseFinal); err != nil {
		t.Errorf("Validate(final) with every 预算数 column = %v; want nil", err)
	}
}

func TestThreePublicValidate_RefusesUnknownUnit(t *testing.T) {
	for _, u := range []Unit{"", "千元"} {
		tp := budgetRecord()
		tp.Unit = u
		if err := tp.Validate(PhaseBudget); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("unit %q: Validate = %v; want an EINVALID error", u, err)
		}
	}
}

func TestThreePublicValidate_RefusesNegativeCounts(t *testing.T) {
	for _, c := range ThreePublicCounts {
		tp := budgetRecord()
		*c.Get(&tp) = CountOf(-1)
		err := tp.Validate(PhaseFinal)
		if err == nil {
			t.Errorf("%s = -1: Validate = nil; want an error", c.Key)
			continue
		}
		if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), c.Chinese) {
			t.Errorf("%s = -1: error %q; want EINVALID naming %q", c.Key, err, c.Chinese)
		}
	}
}

func TestThreePublicValidate_LeavesNegativeAmountsToTheAmountNegativeRule(t *testing.T) {
	// amount.negative is a consistency rule (a finding), not a refusal of the record.
	tp := budgetRecord()
	tp.Reception = Disclosed(-100)
	if err := tp.Validate(PhaseBudget); err != nil {
		t.Errorf("negative reception: Validate = %v; want nil (reported by the amount.negative rule)", err)
	}
}

func TestThreePublicValidate_ChecksTheChangeReasonText(t *testing.T) {
	tp := budgetRecord()
	tp.ChangeReason = strings.Repeat("减", 10000)
	if err := tp.Validate(PhaseBudget); err != nil {
		t.Errorf("reason of 10,000 characters: Validate = %v; want nil", err)
	}
	tp.ChangeReason = "第一，压减接待。\r\n第二，车辆改革。\t完"
	if err := tp.Validate(PhaseBudget); err != nil {
		t.Errorf("reason with line breaks and tabs: Validate = %v; want nil", err)
	}
	for name, reason := range map[string]string{
		"10,001 characters": strings.Repeat("减", 10001),
		"control character": "压减\x07接待",
		"invalid UTF-8":     "压减\xc3",
	} {
		tp.ChangeReason = reason
		if err := tp.Validate(PhaseBudget); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("reason with %s: Validate = %v; want an EINVALID error", name, err)
		}
	}
}

func TestThreePublicAmounts_KeysMatchTheStructTagsAndFields(t *testing.T) {
	want := []string{"total", "outbound_trips", "vehicles", "vehicle_purchase", "vehicle_operation", "reception",
		"budget_total", "budget_outbound_trips", "budget_vehicles", "budget_vehicle_purchase",
		"budget_vehicle_operation", "budget_reception"}
	if len(ThreePublicAmounts) != len(want) {
		t.Fatalf("len(ThreePublicAmounts) = %d; want %d", len(ThreePublicAmounts), len(want))
	}
	var tp ThreePublic
	for i, a := range ThreePublicAmounts {
		if a.Key != want[i] {
			t.Errorf("ThreePublicAmounts[%d].Key = %q; want %q", i, a.Key, want[i])
		}
		if a.Chinese == "" {
			t.Errorf("%s has no Chinese name", a.Key)
		}
		*a.Get(&tp) = Disclosed(Money(i + 1))
	}
	// Each accessor points at the field whose json and db tags carry its key.
	rv := reflect.ValueOf(tp)
	rt := rv.Type()
	seen := 0
	for i := 0; i < rt.NumField(); i++ {
		fld := rt.Field(i)
		if fld.Type != reflect.TypeOf(NullMoney{}) {
			continue
		}
		seen++
		key := fld.Tag.Get("json")
		if fld.Tag.Get("db") != key {
			t.Errorf("field %s: db tag %q differs from json tag %q", fld.Name, fld.Tag.Get("db"), key)
		}
		idx := indexOf(want, key)
		if idx < 0 {
			t.Errorf("field %s (%s) has no entry in ThreePublicAmounts", fld.Name, key)
			continue
		}
		if got := rv.Field(i).Interface().(NullMoney); got != Disclosed(Money(idx+1)) {
			t.Errorf("ThreePublicAmounts[%q].Get does not point at field %s", key, fld.Name)
		}
	}
	if seen != len(want) {
		t.Errorf("ThreePublic has %d amount fields; ThreePublicAmounts lists %d", seen, len(want))
	}
}

func TestThreePublicCounts_KeysMatchTheStructTagsAndFields(t *testing.T) {
	want := []string{"trip_groups", "trip_persons", "vehicles_purchased", "vehicles_held", "reception_batches",
		"reception_persons", "foreign_reception_batches", "foreign_reception_persons"}
	if len(ThreePublicCounts) != len(want) {
		t.Fatalf("len(ThreePublicCounts) = %d; want %d", len(ThreePublicCounts), len(want))
	}
	var tp ThreePublic
	for i, c := range ThreePublicCounts {
		if c.Key != want[i] {
			t.Errorf("ThreePublicCounts[%d].Key = %q; want %q", i, c.Key, want[i])
		}
		*c.Get(&tp) = CountOf(int64(i + 10))
	}
	b, err := json.Marshal(tp)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for i, key := range want {
		if m[key] != float64(i+10) {
			t.Errorf("json %q = %#v; want %d (accessor and tag disagree)", key, m[key], i+10)
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func TestThreePublicJSON_NotDisclosedIsNullAndZeroIsZero(t *testing.T) {
	tp := ThreePublic{FilingID: 3, OutboundTrips: Disclosed(0), Reception: Disclosed(2_400_000), TripGroups: CountOf(0), Unit: WanYuan}
	b, err := json.Marshal(tp)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, frag := range []string{`"total":null`, `"outbound_trips":0.00`, `"reception":24000.00`, `"trip_groups":0`,
		`"trip_persons":null`, `"unit":"万元"`, `"budget_total":null`} {
		if !strings.Contains(s, frag) {
			t.Errorf("JSON %s lacks %s", s, frag)
		}
	}
	if strings.Contains(s, "source_row") {
		t.Errorf("JSON %s has source_row although it is unknown (0)", s)
	}
	var back ThreePublic
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, tp) {
		t.Errorf("json round trip = %+v; want %+v", back, tp)
	}
}

func TestParseCount_ReadsWholeNumbers(t *testing.T) {
	cases := map[string]int64{
		"12":                12,
		"0":                 0,
		"1,200":             1200,
		" 7 ":               7,
		"１２":                12,
		"1，200":             1200,
		"+3":                3,
		"92233720368547758": math.MaxInt64 / 100, // the largest count that fits in fen arithmetic
	}
	for in, want := range cases {
		got, err := ParseCount(in)
		if err != nil || got != want {
			t.Errorf("ParseCount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestParseCount_RefusesFractionsNegativesAndBlanks(t *testing.T) {
	cases := map[string]string{
		"1.5":               "整数",
		"0.01":              "整数",
		"-1":                "负数",
		"-1,200":            "负数",
		"":                  "整数",
		"   ":               "整数",
		"abc":               "整数",
		"1e3":               "整数",
		"1,20":              "整数",
		"十二":                "整数",
		"12人":               "整数",
		"92233720368547759": "整数", // does not fit
	}
	for in, wantMsg := range cases {
		got, err := ParseCount(in)
		if err == nil {
			t.Errorf("ParseCount(%q) = %d; want an error", in, got)
			continue
		}
		if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), wantMsg) {
			t.Errorf("ParseCount(%q) error %q (code %q); want EINVALID mentioning %q", in, err, ErrorCode(err), wantMsg)
		}
	}
}

func TestNullCountJSON_NotDisclosedIsNull(t *testing.T) {
	cases := []struct {
		n    NullCount
		want string
	}{
		{NullCount{}, "null"},
		{CountOf(0), "0"},
		{CountOf(12), "12"},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.n)
		if err != nil || string(b) != c.want {
			t.Errorf("json.Marshal(%+v) = %s, %v; want %s", c.n, b, err, c.want)
			continue
		}
		back := CountOf(99)
		if err := json.Unmarshal(b, &back); err != nil || back != c.n {
			t.Errorf("json round trip of %+v = %+v, %v", c.n, back, err)
		}
	}
	for _, bad := range []string{`1.5`, `"12"`, `true`, `1e3`} {
		var n NullCount
		if err := json.Unmarshal([]byte(bad), &n); err == nil {
			t.Errorf("json.Unmarshal(%s) into NullCount = %+v; want an error", bad, n)
		}
	}
}

func TestNullCountSQL_ValueAndScan(t *testing.T) {
	if v, err := (NullCount{}).Value(); err != nil || v != nil {
		t.Errorf("not disclosed Value() = %#v, %v; want nil", v, err)
	}
	if v, err := CountOf(0).Value(); err != nil || v != int64(0) {
		t.Errorf("CountOf(0).Value() = %#v, %v; want int64(0)", v, err)
	}
	if v, err := CountOf(35).Value(); err != nil || v != int64(35) {
		t.Errorf("CountOf(35).Value() = %#v, %v; want int64(35)", v, err)
	}
	n := CountOf(5)
	if err := n.Scan(nil); err != nil || n != (NullCount{}) {
		t.Errorf("Scan(nil) = %+v, %v; want not disclosed", n, err)
	}
	for _, c := range []struct {
		src  any
		want NullCount
	}{
		{int64(0), CountOf(0)},
		{int64(280), CountOf(280)},
		{[]byte("12"), CountOf(12)},
		{"7", CountOf(7)},
		{int32(3), CountOf(3)},
	} {
		var n NullCount
		if err := n.Scan(c.src); err != nil || n != c.want {
			t.Errorf("NullCount.Scan(%#v) = %+v, %v; want %+v", c.src, n, err, c.want)
		}
	}
	for _, bad := range []any{1.5, []byte("x"), true, uint64(math.MaxUint64)} {
		n := CountOf(5)
		if err := n.Scan(bad); err == nil {
			t.Errorf("NullCount.Scan(%#v) = %+v; want an error", bad, n)
		} else if n != CountOf(5) {
			t.Errorf("NullCount.Scan(%#v) failed but changed the value to %+v", bad, n)
		}
	}
}
