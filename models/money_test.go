package models

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

// Compile-time checks: the money types are usable as SQL parameters and scan targets.
var (
	_ driver.Valuer = Money(0)
	_ driver.Valuer = NullMoney{}
	_ driver.Valuer = NullCount{}
	_ sql.Scanner   = (*Money)(nil)
	_ sql.Scanner   = (*NullMoney)(nil)
	_ sql.Scanner   = (*NullCount)(nil)
)

func TestParseUnit_AcceptsChineseAndEnglishNames(t *testing.T) {
	cases := map[string]Unit{
		"元": Yuan, " 元 ": Yuan, "yuan": Yuan,
		"万元": WanYuan, "wan_yuan": WanYuan, "10k_yuan": WanYuan, "\t万元\n": WanYuan,
		"亿元": YiYuan, "yi_yuan": YiYuan, "100m_yuan": YiYuan,
	}
	for in, want := range cases {
		got, err := ParseUnit(in)
		if err != nil || got != want {
			t.Errorf("ParseUnit(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseUnit_RefusesOtherUnits(t *testing.T) {
	for _, in := range []string{"", " ", "千元", "万", "亿", "分", "元元", "RMB", "yuan/万元"} {
		got, err := ParseUnit(in)
		if err == nil {
			t.Errorf("ParseUnit(%q) = %q; want an error", in, got)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseUnit(%q) error code = %q; want %q", in, ErrorCode(err), EINVALID)
		}
	}
}

func TestUnit_FenDigitsAndFenMatchTheUnitSize(t *testing.T) {
	cases := []struct {
		u      Unit
		digits int
		fen    int64
	}{
		{Yuan, 2, 100},
		{WanYuan, 6, 1_000_000},
		{YiYuan, 10, 10_000_000_000},
	}
	for _, c := range cases {
		if got := c.u.FenDigits(); got != c.digits {
			t.Errorf("%s.FenDigits() = %d; want %d", c.u, got, c.digits)
		}
		if got := c.u.Fen(); got != c.fen {
			t.Errorf("%s.Fen() = %d; want %d", c.u, got, c.fen)
		}
		if !c.u.Valid() {
			t.Errorf("%s.Valid() = false; want true", c.u)
		}
	}
	for _, u := range []Unit{"", "千元", "yuan"} {
		if u.Valid() {
			t.Errorf("Unit(%q).Valid() = true; want false", u)
		}
	}
	if len(Units) != 3 || Units[0] != Yuan || Units[1] != WanYuan || Units[2] != YiYuan {
		t.Errorf("Units = %v; want [元 万元 亿元] in ascending size", Units)
	}
}

func TestParseMoney_ReadsRealFiguresInEveryUnit(t *testing.T) {
	cases := []struct {
		in   string
		u    Unit
		want Money
	}{
		// 元, to the fen.
		{"1,234.56", Yuan, 123456},
		{"1234.56", Yuan, 123456},
		{"0", Yuan, 0},
		{"0.00", Yuan, 0},
		{"-0", Yuan, 0},
		{"-0.01", Yuan, -1},
		{"0.01", Yuan, 1},
		{"+12.5", Yuan, 1250},
		{".5", Yuan, 50},
		{"-.5", Yuan, -50},
		{"1.230", Yuan, 123},     // trailing zeros beyond the fen are harmless
		{"1.2300000", Yuan, 123}, // however many
		{"007", Yuan, 700},
		{"1,234,567.89", Yuan, 123456789},
		{"-1,234,567.89", Yuan, -123456789},
		{"  42.10  ", Yuan, 4210},
		{"\t42\n", Yuan, 4200},
		// 万元: 0.83 万元 = 8,300 元 = 830,000 分.
		{"0.83", WanYuan, 830_000},
		{"328.7", WanYuan, 328_700_000}, // 3,287,000 元
		{"240", WanYuan, 240_000_000},   // 2,400,000 元
		{"0.0083", WanYuan, 8300},       // 83 元
		{"0.000001", WanYuan, 1},        // one fen is the sixth decimal
		{"-1,234.56", WanYuan, -1_234_560_000},
		// 亿元: 6.08 亿元 = 608,000,000 元 = 60,800,000,000 分.
		{"6.08", YiYuan, 60_800_000_000},
		{"0.0000000001", YiYuan, 1},
		{"1", YiYuan, 10_000_000_000},
		// Full-width input as typed by Chinese input methods.
		{"１２３．４５", Yuan, 12345},
		{"１，２３４．５６", Yuan, 123456},
		{"－０．０１", Yuan, -1},
		{"−5", Yuan, -500}, // U+2212 MINUS SIGN
		{"＋5", Yuan, 500},
		{"１,２３４", Yuan, 123400},        // full-width digits, ASCII comma: still correctly grouped
		{"1，234", Yuan, 123400},        // ASCII digits, full-width comma
		{"\u00a0１２\u3000", Yuan, 1200}, // no-break and ideographic spaces are dropped
		{"1\u00a0234", Yuan, 123400},
		// Limits: math.MaxInt64 fen.
		{"92233720368547758.07", Yuan, math.MaxInt64},
		{"92,233,720,368,547,758.07", Yuan, math.MaxInt64},
		{"-92233720368547758.07", Yuan, -math.MaxInt64},
		{"922337203.6854775807", YiYuan, math.MaxInt64},
	}
	for _, c := range cases {
		got, err := ParseMoney(c.in, c.u)
		if err != nil {
			t.Errorf("ParseMoney(%q, %s) error: %v; want %d", c.in, c.u, err, c.want)
			continue
		}
		if got != c.want {
			t.Errorf("ParseMoney(%q, %s) = %d; want %d", c.in, c.u, got, c.want)
		}
	}
}

func TestParseMoney_AcceptsMinInt64(t *testing.T) {
	// Format supports math.MinInt64, so ParseMoney must read what Format prints.
	got, err := ParseMoney("-92233720368547758.08", Yuan)
	if err != nil || got != math.MinInt64 {
		t.Fatalf("ParseMoney(MinInt64 in 元) = %d, %v; want %d", got, err, int64(math.MinInt64))
	}
	if _, err := ParseMoney("-92233720368547758.09", Yuan); err == nil {
		t.Errorf("ParseMoney one fen below MinInt64 succeeded; want an overflow error")
	}
}

func TestParseMoney_RefusesFractionOfFen(t *testing.T) {
	cases := []struct {
		in string
		u  Unit
	}{
		{"1.234", Yuan},
		{"0.001", Yuan},
		{"-0.005", Yuan},
		{"1.2301", Yuan},
		{"0.0000001", WanYuan},
		{"328.7000001", WanYuan},
		{"0.00000000001", YiYuan},
		{"１２３．４５６", Yuan},
	}
	for _, c := range cases {
		got, err := ParseMoney(c.in, c.u)
		if err == nil {
			t.Errorf("ParseMoney(%q, %s) = %d; want an error (not a whole fen)", c.in, c.u, got)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseMoney(%q, %s) error code = %q; want %q", c.in, c.u, ErrorCode(err), EINVALID)
		}
		if !strings.Contains(err.Error(), "整分") {
			t.Errorf("ParseMoney(%q, %s) error %q should say the value is not a whole fen (整分)", c.in, c.u, err)
		}
	}
}

func TestParseMoney_RefusesBadThousandsGrouping(t *testing.T) {
	for _, in := range []string{
		"1,23.4", "12,34", ",123", "1,2345", "1234,567", "1,,234", "1,234,", "1,234,56", "-,123",
		",", "1,", "1.234,56", "1.2,3", "１，２３", "1,234 ,567",
	} {
		got, err := ParseMoney(in, Yuan)
		if err == nil {
			t.Errorf("ParseMoney(%q) = %d; want an error (bad grouping)", in, got)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseMoney(%q) error code = %q; want %q", in, ErrorCode(err), EINVALID)
		}
	}
}

func TestParseMoney_RefusesWhatIsNotADecimalNumber(t *testing.T) {
	for _, in := range []string{
		"", " ", "\u3000", "-", "+", ".", "-.", "+.", "abc", "1e5", "1E5", "0x10", "0b1", "1_000", "NaN", "Inf",
		"-Inf", "--1", "+-1", "-+1", "1-", "1..2", "1.2.3", "1 234", "12a", "¥12", "12元", "(12)", "一二三",
		"1/2", "١٢٣", "½", "1\x00",
	} {
		got, err := ParseMoney(in, Yuan)
		if err == nil {
			t.Errorf("ParseMoney(%q) = %d; want an error", in, got)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseMoney(%q) error code = %q; want %q", in, ErrorCode(err), EINVALID)
		}
	}
}

func TestParseMoney_RefusesUnknownUnit(t *testing.T) {
	for _, u := range []Unit{"", "千元", "yuan"} {
		if got, err := ParseMoney("1", u); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("ParseMoney(\"1\", %q) = %d, %v; want an EINVALID error", u, got, err)
		}
	}
}

func TestParseMoney_RefusesOverflowBeyondInt64(t *testing.T) {
	cases := []struct {
		in string
		u  Unit
	}{
		{"92233720368547758.08", Yuan},        // MaxInt64 + 1 fen
		{"-92233720368547758.09", Yuan},       // MinInt64 − 1 fen
		{"99999999999999999999", Yuan},        // 22 digits of fen
		{"100000000000000000", Yuan},          // 1e17 元 = 1e19 fen
		{"18446744073709551616", Yuan},        // 2^64 元
		{"9223372036854.775808", WanYuan},     // MaxInt64 + 1 fen in 万元
		{"922337203.6854775808", YiYuan},      // MaxInt64 + 1 fen in 亿元
		{"1" + strings.Repeat("0", 40), Yuan}, // absurdly long
	}
	for _, c := range cases {
		got, err := ParseMoney(c.in, c.u)
		if err == nil {
			t.Errorf("ParseMoney(%q, %s) = %d; want an overflow error", c.in, c.u, got)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseMoney(%q, %s) error code = %q; want %q", c.in, c.u, ErrorCode(err), EINVALID)
		}
	}
}

func TestParseMoney_LeadingZerosDoNotCountTowardsOverflow(t *testing.T) {
	in := strings.Repeat("0", 50) + "1.00"
	got, err := ParseMoney(in, Yuan)
	if err != nil || got != 100 {
		t.Errorf("ParseMoney(%q) = %d, %v; want 100", in, got, err)
	}
}

func TestMoneyFormat_PrintsExactlyWithAtLeastTwoDecimals(t *testing.T) {
	cases := []struct {
		m    Money
		u    Unit
		want string
	}{
		{0, Yuan, "0.00"},
		{1, Yuan, "0.01"},
		{10, Yuan, "0.10"},
		{100, Yuan, "1.00"},
		{123456, Yuan, "1234.56"},
		{-1, Yuan, "-0.01"},
		{-123456, Yuan, "-1234.56"},
		{math.MaxInt64, Yuan, "92233720368547758.07"},
		{math.MinInt64, Yuan, "-92233720368547758.08"},
		{0, WanYuan, "0.00"},
		{8300, WanYuan, "0.0083"}, // 83 元
		{830_000, WanYuan, "0.83"},
		{328_700_000, WanYuan, "328.70"},
		{240_000_000, WanYuan, "240.00"},
		{1, WanYuan, "0.000001"},
		{-8300, WanYuan, "-0.0083"},
		{123_456_789, WanYuan, "123.456789"},
		{60_800_000_000, YiYuan, "6.08"},   // 6.08 亿元 = 608,000,000 元
		{608_000_000_000, YiYuan, "60.80"}, // ten times that
		{1, YiYuan, "0.0000000001"},
		{-60_800_000_000, YiYuan, "-6.08"},
		{math.MaxInt64, YiYuan, "922337203.6854775807"},
		{math.MinInt64, WanYuan, "-9223372036854.775808"},
		{math.MaxInt64, WanYuan, "9223372036854.775807"},
	}
	for _, c := range cases {
		if got := c.m.Format(c.u); got != c.want {
			t.Errorf("Money(%d).Format(%s) = %q; want %q", int64(c.m), c.u, got, c.want)
		}
	}
}

func TestMoneyFormatGrouped_InsertsThousandsSeparators(t *testing.T) {
	cases := []struct {
		m    Money
		u    Unit
		want string
	}{
		{0, Yuan, "0.00"},
		{99_999, Yuan, "999.99"},
		{100_000, Yuan, "1,000.00"},
		{123_456_789, Yuan, "1,234,567.89"},
		{-123_456_789, Yuan, "-1,234,567.89"},
		{12_345_678_900, Yuan, "123,456,789.00"},
		{math.MaxInt64, Yuan, "92,233,720,368,547,758.07"},
		{math.MinInt64, Yuan, "-92,233,720,368,547,758.08"},
		{1_234_567_890_000, WanYuan, "1,234,567.89"},
		{8300, WanYuan, "0.0083"},
		{12_345_678_901_234, YiYuan, "1,234.5678901234"},
	}
	for _, c := range cases {
		if got := c.m.FormatGrouped(c.u); got != c.want {
			t.Errorf("Money(%d).FormatGrouped(%s) = %q; want %q", int64(c.m), c.u, got, c.want)
		}
	}
}

func TestMoneyRound_RoundsHalfAwayFromZero(t *testing.T) {
	cases := []struct {
		m        Money
		u        Unit
		decimals int
		want     Money
	}{
		// Two decimals of 万元: a step of 100 元 = 10,000 fen; half is 5,000 fen.
		{5000, WanYuan, 2, 10_000},
		{4999, WanYuan, 2, 0},
		{-5000, WanYuan, 2, -10_000},
		{-4999, WanYuan, 2, 0},
		{15_000, WanYuan, 2, 20_000},
		{-15_000, WanYuan, 2, -20_000},
		{328_712_345, WanYuan, 2, 328_710_000},
		{328_700_000, WanYuan, 2, 328_700_000},
		// Whole 元.
		{123_456, Yuan, 0, 123_500},
		{123_449, Yuan, 0, 123_400},
		{150, Yuan, 0, 200},
		{-150, Yuan, 0, -200},
		{-149, Yuan, 0, -100},
		// As many decimals as the unit has fen digits, or more: unchanged.
		{123_456, Yuan, 2, 123_456},
		{123_456, Yuan, 5, 123_456},
		{1, WanYuan, 6, 1},
		{-7, YiYuan, 10, -7},
		// Two decimals of 亿元: a step of 1,000,000 元.
		{60_850_000_000, YiYuan, 2, 60_900_000_000},
		{60_849_999_999, YiYuan, 2, 60_800_000_000},
		{-60_850_000_000, YiYuan, 2, -60_900_000_000},
	}
	for _, c := range cases {
		if got := c.m.Round(c.u, c.decimals); got != c.want {
			t.Errorf("Money(%d).Round(%s, %d) = %d; want %d", int64(c.m), c.u, c.decimals, int64(got), int64(c.want))
		}
	}
}

func TestMoneyFormatRounded_ShowsTheFigureAsAPrintedTableWould(t *testing.T) {
	cases := []struct {
		m        Money
		u        Unit
		decimals int
		grouped  bool
		want     string
	}{
		{328_700_000, WanYuan, 2, false, "328.70"},
		{12_345, WanYuan, 2, false, "0.01"}, // 123.45 元
		{5000, WanYuan, 2, false, "0.01"},   // exactly half: away from zero
		{4999, WanYuan, 2, false, "0.00"},
		{-5000, WanYuan, 2, false, "-0.01"},
		{-4999, WanYuan, 2, false, "0.00"}, // never "-0.00"
		{0, WanYuan, 2, false, "0.00"},
		{123_456_789_012, WanYuan, 2, true, "123,456.79"},
		{-123_456_789_012, WanYuan, 2, true, "-123,456.79"},
		{123_456_789_012, WanYuan, 2, false, "123456.79"},
		{123_456, Yuan, 0, false, "1235"},
		{150, Yuan, 0, false, "2"},
		{-150, Yuan, 0, false, "-2"},
		{123_456_789, Yuan, 0, true, "1,234,568"},
		{123, Yuan, 4, false, "1.2300"},
		{123_456, Yuan, 2, true, "1,234.56"},
		{60_800_000_000, YiYuan, 2, false, "6.08"},
		{60_850_000_000, YiYuan, 2, false, "6.09"},
		{-60_850_000_000, YiYuan, 2, false, "-6.09"},
		{60_800_000_000, YiYuan, 4, false, "6.0800"},
		{8300, WanYuan, 4, false, "0.0083"},
		{8350, WanYuan, 3, false, "0.008"},
		{8350, WanYuan, 5, false, "0.00835"},
	}
	for _, c := range cases {
		if got := c.m.FormatRounded(c.u, c.decimals, c.grouped); got != c.want {
			t.Errorf("Money(%d).FormatRounded(%s, %d, %v) = %q; want %q",
				int64(c.m), c.u, c.decimals, c.grouped, got, c.want)
		}
	}
}

func TestMoneyAdd_ReportsOverflowInsteadOfWrapping(t *testing.T) {
	cases := []struct {
		a, b Money
		want Money
		ok   bool
	}{
		{1, 2, 3, true},
		{-1, -2, -3, true},
		{math.MaxInt64, 0, math.MaxInt64, true},
		{math.MaxInt64, -1, math.MaxInt64 - 1, true},
		{math.MaxInt64, 1, 0, false},
		{math.MinInt64, -1, 0, false},
		{math.MinInt64, math.MaxInt64, -1, true},
		{math.MaxInt64 / 2, math.MaxInt64/2 + 2, 0, false},
	}
	for _, c := range cases {
		got, ok := c.a.Add(c.b)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Money(%d).Add(%d) = %d, %v; want %d, %v", int64(c.a), int64(c.b), int64(got), ok, int64(c.want), c.ok)
		}
	}
}

func TestMoneyString_IsYuanWithTwoDecimals(t *testing.T) {
	if got := Money(123456).String(); got != "1234.56" {
		t.Errorf("Money(123456).String() = %q; want 1234.56", got)
	}
	if got := Disclosed(0).String(); got != "0.00" {
		t.Errorf("Disclosed(0).String() = %q; want 0.00", got)
	}
	if got := NotDisclosed.String(); got != "未公开" {
		t.Errorf("NotDisclosed.String() = %q; want 未公开", got)
	}
}

func TestNullMoney_DisclosedZeroDiffersFromNotDisclosed(t *testing.T) {
	zero := Disclosed(0)
	if !zero.Valid || zero.Money != 0 {
		t.Errorf("Disclosed(0) = %+v; want a valid zero", zero)
	}
	if NotDisclosed.Valid {
		t.Errorf("NotDisclosed.Valid = true; want false")
	}
	if zero == NotDisclosed {
		t.Errorf("Disclosed(0) == NotDisclosed; a disclosed zero must differ from not disclosed")
	}
}

func TestMoneyJSON_MarshalsAsABareNumberWithTwoDecimals(t *testing.T) {
	cases := []struct {
		m    Money
		want string
	}{
		{123456, "1234.56"},
		{0, "0.00"},
		{100, "1.00"},
		{-1, "-0.01"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.m)
		if err != nil {
			t.Errorf("json.Marshal(Money(%d)) error: %v", int64(c.m), err)
			continue
		}
		if string(b) != c.want {
			t.Errorf("json.Marshal(Money(%d)) = %s; want %s", int64(c.m), b, c.want)
		}
		var back Money
		if err := json.Unmarshal(b, &back); err != nil || back != c.m {
			t.Errorf("json round trip of Money(%d) = %d, %v", int64(c.m), int64(back), err)
		}
	}
}

func TestNullMoneyJSON_NotDisclosedIsNull(t *testing.T) {
	type row struct {
		A NullMoney  `json:"a"`
		B NullMoney  `json:"b"`
		C NullMoney  `json:"c"`
		D *NullMoney `json:"d"`
	}
	in := row{A: NotDisclosed, B: Disclosed(123456), C: Disclosed(0)}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"a":null,"b":1234.56,"c":0.00,"d":null}`
	if string(b) != want {
		t.Fatalf("json.Marshal = %s; want %s", b, want)
	}
	var out row
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.A != NotDisclosed || out.B != Disclosed(123456) || out.C != Disclosed(0) || out.D != nil {
		t.Errorf("json round trip = %+v; want %+v", out, in)
	}
}

func TestNullMoneyJSON_UnmarshalResetsToNotDisclosedOnNull(t *testing.T) {
	n := Disclosed(500)
	if err := json.Unmarshal([]byte("null"), &n); err != nil {
		t.Fatal(err)
	}
	if n != NotDisclosed {
		t.Errorf("after unmarshalling null: %+v; want not disclosed", n)
	}
}

func TestMoneyJSON_UnmarshalAcceptsNumbersAndStringsInYuan(t *testing.T) {
	cases := map[string]Money{
		`1234.56`:    123456,
		`"1234.56"`:  123456,
		`"1,234.56"`: 123456,
		`0`:          0,
		`-0.5`:       -50,
		`12`:         1200,
	}
	for in, want := range cases {
		var m Money
		if err := json.Unmarshal([]byte(in), &m); err != nil || m != want {
			t.Errorf("json.Unmarshal(%s) = %d, %v; want %d", in, int64(m), err, int64(want))
		}
		var n NullMoney
		if err := json.Unmarshal([]byte(in), &n); err != nil || n != Disclosed(want) {
			t.Errorf("json.Unmarshal(%s) into NullMoney = %+v, %v; want %d", in, n, err, int64(want))
		}
	}
}

func TestMoneyJSON_UnmarshalRefusesFractionsOfFenAndNonNumbers(t *testing.T) {
	for _, in := range []string{`1234.567`, `"abc"`, `1e3`, `true`, `""`, `"1,23"`} {
		var m Money
		if err := json.Unmarshal([]byte(in), &m); err == nil {
			t.Errorf("json.Unmarshal(%s) into Money = %d; want an error", in, int64(m))
		}
		var n NullMoney
		if err := json.Unmarshal([]byte(in), &n); err == nil {
			t.Errorf("json.Unmarshal(%s) into NullMoney = %+v; want an error", in, n)
		}
	}
}

func TestMoneySQL_ValueIsFenAsInt64(t *testing.T) {
	v, err := Money(123456).Value()
	if err != nil || v != int64(123456) {
		t.Errorf("Money(123456).Value() = %#v, %v; want int64(123456)", v, err)
	}
	if !driver.IsValue(v) {
		t.Errorf("Money.Value() returned %T, not a driver.Value", v)
	}
}

func TestMoneySQL_ScanAcceptsIntegerRepresentations(t *testing.T) {
	cases := []struct {
		src  any
		want Money
	}{
		{int64(123456), 123456},
		{int64(-1), -1},
		{int32(42), 42},
		{int(7), 7},
		{uint64(99), 99},
		{[]byte("123456"), 123456},
		{[]byte("-5"), -5},
		{"9223372036854775807", math.MaxInt64},
	}
	for _, c := range cases {
		var m Money
		if err := m.Scan(c.src); err != nil || m != c.want {
			t.Errorf("Money.Scan(%#v) = %d, %v; want %d", c.src, int64(m), err, int64(c.want))
		}
	}
}

func TestMoneySQL_ScanRefusesNullFloatsAndGarbage(t *testing.T) {
	for _, src := range []any{nil, 1.5, float64(100), []byte("12.50"), []byte(""), "abc", true, uint64(math.MaxInt64) + 1} {
		m := Money(77)
		if err := m.Scan(src); err == nil {
			t.Errorf("Money.Scan(%#v) = %d; want an error", src, int64(m))
		} else if m != 77 {
			t.Errorf("Money.Scan(%#v) failed but changed the value to %d", src, int64(m))
		}
	}
}

func TestNullMoneySQL_NotDisclosedIsNull(t *testing.T) {
	v, err := NotDisclosed.Value()
	if err != nil || v != nil {
		t.Errorf("NotDisclosed.Value() = %#v, %v; want nil", v, err)
	}
	v, err = Disclosed(0).Value()
	if err != nil || v != int64(0) {
		t.Errorf("Disclosed(0).Value() = %#v, %v; want int64(0)", v, err)
	}
	v, err = Disclosed(-830000).Value()
	if err != nil || v != int64(-830000) {
		t.Errorf("Disclosed(-830000).Value() = %#v, %v; want int64(-830000)", v, err)
	}
}

func TestNullMoneySQL_ScanReadsNullAsNotDisclosed(t *testing.T) {
	n := Disclosed(5)
	if err := n.Scan(nil); err != nil || n != NotDisclosed {
		t.Errorf("Scan(nil) = %+v, %v; want not disclosed", n, err)
	}
	for _, c := range []struct {
		src  any
		want NullMoney
	}{
		{int64(0), Disclosed(0)},
		{int64(123456), Disclosed(123456)},
		{[]byte("830000"), Disclosed(830000)},
		{"-1", Disclosed(-1)},
	} {
		var n NullMoney
		if err := n.Scan(c.src); err != nil || n != c.want {
			t.Errorf("NullMoney.Scan(%#v) = %+v, %v; want %+v", c.src, n, err, c.want)
		}
	}
	var bad NullMoney
	if err := bad.Scan(2.5); err == nil {
		t.Errorf("NullMoney.Scan(2.5) succeeded; want an error")
	}
}

// --- Fuzzing ---

var plainDecimal = regexp.MustCompile(`^[+-]?[0-9]*(\.[0-9]*)?$`)
var groupedDecimal = regexp.MustCompile(`^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$`)

// referenceParse is an independent oracle for ASCII input: big.Rat arithmetic.
// applicable is false for input the oracle does not model (non-ASCII, odd spacing).
func referenceParse(s string, u Unit) (want Money, ok, applicable bool) {
	t := strings.TrimSpace(s)
	for i := 0; i < len(t); i++ {
		if t[i] >= 0x80 {
			return 0, false, false
		}
	}
	switch {
	case groupedDecimal.MatchString(t):
		t = strings.ReplaceAll(t, ",", "")
	case plainDecimal.MatchString(t):
	default:
		return 0, false, true // anything else must be refused
	}
	if !strings.ContainsAny(t, "0123456789") {
		return 0, false, true
	}
	r, good := new(big.Rat).SetString(t)
	if !good {
		return 0, false, true
	}
	r.Mul(r, new(big.Rat).SetInt64(u.Fen()))
	if !r.IsInt() {
		return 0, false, true
	}
	n := r.Num()
	if !n.IsInt64() {
		return 0, false, true
	}
	return Money(n.Int64()), true, true
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{
		"1,234.56", "0.83", "6.08", "328.7", "240", "-0.01", "１２３．４５", "1.230", "1.234", "0.0000001",
		"1,23.4", "12,34", ",123", "abc", "", "-", ".", "1e5", "0x10", "１,２３４", "5.", ".5", "--1", "1..2",
		"92233720368547758.07", "92233720368547758.08", "-92233720368547758.08", "-92233720368547758.09",
		" +1，234．5 ", "\u00a01\u3000", "－0.5", "1,234,567.890000", "00000000000000000000001",
		"922337203.6854775807", "\xff", "1\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var parsed [3]Money
		var okUnit [3]bool
		for i, u := range Units {
			m, err := ParseMoney(s, u) // must never panic
			if err != nil {
				if ErrorCode(err) != EINVALID {
					t.Fatalf("ParseMoney(%q, %s) error code %q; want %q", s, u, ErrorCode(err), EINVALID)
				}
			} else {
				parsed[i], okUnit[i] = m, true
				for _, out := range []string{m.Format(u), m.FormatGrouped(u)} {
					back, err := ParseMoney(out, u)
					if err != nil || back != m {
						t.Fatalf("ParseMoney(%q, %s) = %d; printed %q parses back as %d, %v", s, u, int64(m), out, int64(back), err)
					}
				}
			}
			if want, ok, applicable := referenceParse(s, u); applicable {
				if ok != (err == nil) || (ok && want != m) {
					t.Fatalf("ParseMoney(%q, %s) = %d, %v; reference says %d, ok=%v", s, u, int64(m), err, int64(want), ok)
				}
			}
		}
		// The same text in a larger unit is the same figure times the unit ratio, when it fits.
		for i := 0; i+1 < len(Units); i++ {
			lo, hi := Units[i], Units[i+1]
			ratio := hi.Fen() / lo.Fen()
			if okUnit[i] {
				v := int64(parsed[i])
				fits := v <= math.MaxInt64/ratio && v >= math.MinInt64/ratio
				if fits && (!okUnit[i+1] || int64(parsed[i+1]) != v*ratio) {
					t.Fatalf("%q: %s → %d but %s → %d (ok=%v); want %d", s, lo, v, hi, int64(parsed[i+1]), okUnit[i+1], v*ratio)
				}
			}
			if okUnit[i+1] && int64(parsed[i+1])%ratio == 0 && !okUnit[i] {
				t.Fatalf("%q parses in %s as a whole %s but not in %s", s, hi, lo, lo)
			}
		}
	})
}

func FuzzMoneyRoundTrip(f *testing.F) {
	for _, m := range []int64{
		0, 1, -1, 99, 100, 123456, -123456, 830_000, 8300, 60_800_000_000, 608_000_000_000, 328_700_000,
		5000, -5000, 4999, math.MaxInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 1e18, -1e18,
	} {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, raw int64) {
		m := Money(raw)
		for _, u := range Units {
			s := m.Format(u)
			back, err := ParseMoney(s, u)
			if err != nil || back != m {
				t.Fatalf("Money(%d).Format(%s) = %q parses back as %d, %v", raw, u, s, int64(back), err)
			}
			// At least two decimals, and no trailing zero beyond them.
			_, frac, ok := strings.Cut(s, ".")
			if !ok || len(frac) < 2 || len(frac) > u.FenDigits() || (len(frac) > 2 && frac[len(frac)-1] == '0') {
				t.Fatalf("Money(%d).Format(%s) = %q: want 2..%d decimals without trailing zeros past two", raw, u, s, u.FenDigits())
			}
			g := m.FormatGrouped(u)
			if strings.ReplaceAll(g, ",", "") != s {
				t.Fatalf("Money(%d).FormatGrouped(%s) = %q differs from Format %q beyond its commas", raw, u, g, s)
			}
			if back, err := ParseMoney(g, u); err != nil || back != m {
				t.Fatalf("Money(%d).FormatGrouped(%s) = %q parses back as %d, %v", raw, u, g, int64(back), err)
			}
			// Rounding to two decimals, away from the ends of the int64 range where the
			// rounded value cannot be represented.
			const margin = 1e11
			if raw > math.MinInt64+margin && raw < math.MaxInt64-margin {
				step := u.Fen() / 100
				r := m.Round(u, 2)
				diff := int64(r) - raw
				if int64(r)%step != 0 || 2*diff > step || 2*diff < -step || (2*diff == -step && raw > 0) || (2*diff == step && raw < 0) {
					t.Fatalf("Money(%d).Round(%s, 2) = %d: not the nearest multiple of %d, half away from zero", raw, u, int64(r), step)
				}
				if r.Round(u, 2) != r {
					t.Fatalf("Round is not idempotent for %d in %s", raw, u)
				}
				fr := m.FormatRounded(u, 2, false)
				if back, err := ParseMoney(fr, u); err != nil || back != r {
					t.Fatalf("Money(%d).FormatRounded(%s, 2) = %q parses as %d, %v; want %d", raw, u, fr, int64(back), err, int64(r))
				}
				if _, frac, _ := strings.Cut(fr, "."); len(frac) != 2 {
					t.Fatalf("Money(%d).FormatRounded(%s, 2) = %q; want exactly two decimals", raw, u, fr)
				}
			}
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("json.Marshal(Money(%d)) error: %v", raw, err)
		}
		var back Money
		if err := json.Unmarshal(b, &back); err != nil || back != m {
			t.Fatalf("json round trip of %d via %s = %d, %v", raw, b, int64(back), err)
		}
	})
}

// FormatPrinted shows a figure at its printed precision when known, else exactly.
func TestMoneyFormatPrinted_AtThePrintedPrecisionOrExactly(t *testing.T) {
	m := Money(1_234_567_800) // 12,345,678.00 元 = 1234.5678 万元
	for _, c := range []struct {
		u       Unit
		d       Decimals
		grouped bool
		want    string
	}{
		{WanYuan, PrintedDecimals(2), true, "1,234.57"},
		{WanYuan, PrintedDecimals(0), false, "1235"},
		{WanYuan, 0, false, "1234.5678"},
		{Yuan, 0, true, "12,345,678.00"},
	} {
		if got := m.FormatPrinted(c.u, c.d, c.grouped); got != c.want {
			t.Errorf("FormatPrinted(%s, %v, %v) = %q, want %q", c.u, c.d, c.grouped, got, c.want)
		}
	}
}
