package models

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Money is an exact amount of Chinese yuan counted in fen (分, 1/100 元).
// It never passes through float64: parsing and formatting work on decimal digits.
type Money int64

// Unit is the unit a figure was printed in. Official tables use 元 (to the fen),
// 万元 (two decimals) and occasionally 亿元.
type Unit string

const (
	Yuan    Unit = "元"
	WanYuan Unit = "万元"
	YiYuan  Unit = "亿元"
)

// Units lists the accepted units in ascending size.
var Units = []Unit{Yuan, WanYuan, YiYuan}

// ParseUnit accepts the unit as written in a table header or cell.
// Returns an error with code EINVALID for anything but 元, 万元 or 亿元.
func ParseUnit(s string) (Unit, error) {
	switch strings.TrimSpace(s) {
	case "元", "yuan":
		return Yuan, nil
	case "万元", "wan_yuan", "10k_yuan":
		return WanYuan, nil
	case "亿元", "yi_yuan", "100m_yuan":
		return YiYuan, nil
	}
	return "", Errorf(EINVALID, "单位“%s”无效，应为 元、万元 或 亿元", s)
}

// FenDigits is the number of decimal places of the unit that make up one fen:
// 2 for 元, 6 for 万元, 10 for 亿元.
func (u Unit) FenDigits() int {
	switch u {
	case WanYuan:
		return 6
	case YiYuan:
		return 10
	default:
		return 2
	}
}

// Fen is how many fen one unit holds.
func (u Unit) Fen() int64 { return pow10[u.FenDigits()] }

// Valid reports whether u is one of the known units.
func (u Unit) Valid() bool { return u == Yuan || u == WanYuan || u == YiYuan }

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12}

// ParseMoney reads a decimal figure printed in unit u ("1,234.56", "-0.83",
// "6.08") and returns it in fen. It accepts thousands separators in the integer
// part (ASCII or full-width commas, in groups of three), surrounding spaces, a
// leading sign and full-width digits. A value that is not a whole number of fen
// once converted, or that does not fit, is an EINVALID error; so is an empty string
// (callers decide what a blank cell means).
func ParseMoney(s string, u Unit) (Money, error) {
	if !u.Valid() {
		return 0, Errorf(EINVALID, "单位“%s”无效", string(u))
	}
	t := normalizeDigits(strings.TrimSpace(s))
	if t == "" {
		return 0, Errorf(EINVALID, "金额为空")
	}
	neg := false
	switch t[0] {
	case '-':
		neg, t = true, t[1:]
	case '+':
		t = t[1:]
	}
	intPart, fracPart, hasPoint := strings.Cut(t, ".")
	if intPart == "" && (!hasPoint || fracPart == "") {
		return 0, notANumber(s)
	}
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, notANumber(s)
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, notANumber(s)
			}
		}
		intPart = strings.Join(groups, "")
	}
	if !allDigits(intPart) || !allDigits(fracPart) || (hasPoint && fracPart == "" && intPart == "") {
		return 0, notANumber(s)
	}
	digits := u.FenDigits()
	// Trailing zeros beyond a fen are harmless ("1.230" 元); any other digit there is a fraction of a fen.
	trimmed := strings.TrimRight(fracPart, "0")
	if len(trimmed) > digits {
		return 0, Errorf(EINVALID, "金额“%s”%s换算后不是整分（最多 %d 位小数）", s, string(u), digits)
	}
	frac := trimmed + strings.Repeat("0", digits-len(trimmed))
	all := strings.TrimLeft(intPart+frac, "0")
	if all == "" {
		return 0, nil
	}
	if len(all) > 19 {
		return 0, overflow(s)
	}
	v, err := strconv.ParseUint(all, 10, 64)
	limit := uint64(math.MaxInt64)
	if neg {
		limit++ // math.MinInt64 fen, which Format prints, must parse back
	}
	if err != nil || v > limit {
		return 0, overflow(s)
	}
	if neg {
		return Money(-int64(v)), nil // int64(1<<63) is MinInt64, and so is its negation
	}
	return Money(v), nil
}

func notANumber(s string) error {
	return Errorf(EINVALID, "“%s”不是有效的金额", s)
}

func overflow(s string) error {
	return Errorf(EINVALID, "金额“%s”超出可处理的范围", s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalizeDigits turns full-width digits, point, comma and signs (as typed by
// Chinese input methods) into ASCII, and drops the spaces some exports put
// between digit groups.
func normalizeDigits(s string) string {
	if isASCIINumberish(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == '．':
			b.WriteByte('.')
		case r == '，':
			b.WriteByte(',')
		case r == '－' || r == '−':
			b.WriteByte('-')
		case r == '＋':
			b.WriteByte('+')
		case r == '\u00a0' || r == '\u3000':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isASCIINumberish(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Format prints m in unit u exactly, with at least two decimals and as many
// more as the value needs: Money(60800000000).Format(YiYuan) == "6.08",
// Money(8300).Format(WanYuan) == "0.0083".
func (m Money) Format(u Unit) string {
	return m.format(u, 2, false)
}

// FormatGrouped is Format with thousands separators in the integer part ("1,234.56").
func (m Money) FormatGrouped(u Unit) string {
	return m.format(u, 2, true)
}

// Round returns m rounded half away from zero to the given number of decimals of unit u,
// as shown on a printed table (two decimals of 万元 is the usual case).
func (m Money) Round(u Unit, decimals int) Money {
	drop := u.FenDigits() - decimals
	if drop <= 0 {
		return m
	}
	step := pow10[drop]
	q, r := int64(m)/step, int64(m)%step
	if r < 0 {
		r = -r
	}
	if 2*r >= step {
		if m < 0 {
			q--
		} else {
			q++
		}
	}
	return Money(q * step)
}

// FormatRounded prints m in unit u rounded to exactly the given decimals,
// as a table printed in that unit shows it.
func (m Money) FormatRounded(u Unit, decimals int, grouped bool) string {
	s := m.Round(u, decimals).format(u, decimals, grouped)
	return trimFrac(s, decimals)
}

// FormatPrinted prints m in unit u at the precision it was printed at when
// that is known (FormatRounded), else exactly (Format, FormatGrouped).
func (m Money) FormatPrinted(u Unit, d Decimals, grouped bool) string {
	if k, ok := d.N(); ok {
		return m.FormatRounded(u, k, grouped)
	}
	return m.format(u, 2, grouped)
}

func trimFrac(s string, decimals int) string {
	i := strings.IndexByte(s, '.')
	if i < 0 {
		return s
	}
	if decimals == 0 {
		return s[:i]
	}
	if len(s)-i-1 > decimals {
		return s[:i+1+decimals]
	}
	return s
}

func (m Money) format(u Unit, minDecimals int, grouped bool) string {
	digits := u.FenDigits()
	v := int64(m)
	neg := v < 0
	var abs uint64
	if neg {
		abs = uint64(-(v + 1)) + 1 // safe for math.MinInt64
	} else {
		abs = uint64(v)
	}
	s := strconv.FormatUint(abs, 10)
	if len(s) <= digits {
		s = strings.Repeat("0", digits-len(s)+1) + s
	}
	intPart, frac := s[:len(s)-digits], s[len(s)-digits:]
	frac = strings.TrimRight(frac, "0")
	if len(frac) < minDecimals {
		frac += strings.Repeat("0", minDecimals-len(frac))
	}
	if grouped {
		intPart = group(intPart)
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(intPart)
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

func group(s string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// String prints m in 元 with two decimals, the form used in logs and messages.
func (m Money) String() string { return m.Format(Yuan) }

// MarshalJSON writes m as a JSON number in 元 ("1234.56"), exactly.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.Format(Yuan)), nil }

// UnmarshalJSON reads a JSON number or string in 元.
func (m *Money) UnmarshalJSON(b []byte) error {
	v, err := ParseMoney(strings.Trim(string(b), `"`), Yuan)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Value stores fen as an integer column.
func (m Money) Value() (driver.Value, error) { return int64(m), nil }

// Scan reads fen from an integer column.
func (m *Money) Scan(src any) error {
	v, err := scanInt64(src)
	if err != nil {
		return fmt.Errorf("money: %w", err)
	}
	*m = Money(v)
	return nil
}

// Add returns m+o, reporting overflow instead of wrapping.
func (m Money) Add(o Money) (Money, bool) {
	s := m + o
	if (o > 0 && s < m) || (o < 0 && s > m) {
		return 0, false
	}
	return s, true
}

// NullMoney is an amount that may be "not disclosed" (未公开). Not disclosed
// is a different fact from zero: it is stored as NULL, written as JSON null
// and as an empty CSV cell.
type NullMoney struct {
	Money Money
	Valid bool
}

// Disclosed returns a NullMoney holding m.
func Disclosed(m Money) NullMoney { return NullMoney{Money: m, Valid: true} }

// NotDisclosed is the "not disclosed" value.
var NotDisclosed = NullMoney{}

// String prints the amount in 元, or "未公开".
func (n NullMoney) String() string {
	if !n.Valid {
		return "未公开"
	}
	return n.Money.String()
}

// MarshalJSON writes null when not disclosed, else the amount in 元.
func (n NullMoney) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return n.Money.MarshalJSON()
}

// UnmarshalJSON reads null or an amount in 元.
func (n *NullMoney) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = NullMoney{}
		return nil
	}
	n.Valid = true
	return n.Money.UnmarshalJSON(b)
}

// Value stores NULL for not disclosed.
func (n NullMoney) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return int64(n.Money), nil
}

// Scan reads NULL as not disclosed.
func (n *NullMoney) Scan(src any) error {
	if src == nil {
		*n = NullMoney{}
		return nil
	}
	n.Valid = true
	return n.Money.Scan(src)
}

func scanInt64(src any) (int64, error) {
	switch v := src.(type) {
	case int64:
		return v, nil
	case int32:
		return int64(v), nil
	case int:
		return int64(v), nil
	case uint64:
		if v > math.MaxInt64 {
			return 0, fmt.Errorf("value %d out of range", v)
		}
		return int64(v), nil
	case []byte:
		return strconv.ParseInt(string(v), 10, 64)
	case string:
		return strconv.ParseInt(v, 10, 64)
	}
	return 0, fmt.Errorf("cannot scan %T as integer", src)
}
