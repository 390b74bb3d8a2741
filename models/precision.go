package models

import (
	"database/sql/driver"
	"strings"
)

// Decimals is how many decimal places a figure was printed with in its unit:
// "1,234" → 0, "12.3" → 1, "12.35" → 2. The printed precision bounds how far
// the figure may be from the true value (half a unit of its last digit), which
// is the rounding tolerance the checks allow (DOMAIN.md §2.2).
//
// The zero value is DecimalsUnknown (a figure stored before the service kept
// its precision, or built in code), which the checks take as two decimals, the
// precision official tables use; PrintedDecimals(n) makes a known one.
type Decimals int8

// DecimalsUnknown marks a figure whose printed precision was not recorded.
const DecimalsUnknown Decimals = 0

// PrintedDecimals is a figure printed with n decimal places.
func PrintedDecimals(n int) Decimals { return Decimals(min(max(n, 0), 20) + 1) }

// N returns the number of decimal places, and false when unknown.
func (d Decimals) N() (int, bool) { return int(d) - 1, d > 0 }

// DecimalsOf counts the decimal places of a figure as written: the digits
// after the decimal point ("." or the full-width "．"), trailing zeros
// included, because "12.30" was printed to the fen and "12.3" was not.
// A blank text has DecimalsUnknown.
func DecimalsOf(s string) Decimals {
	s = strings.TrimSpace(s)
	if s == "" {
		return DecimalsUnknown
	}
	s = strings.ReplaceAll(s, "．", ".")
	i := strings.IndexByte(s, '.')
	if i < 0 {
		return PrintedDecimals(0)
	}
	n := 0
	for _, r := range s[i+1:] {
		if (r >= '0' && r <= '9') || (r >= '０' && r <= '９') {
			n++
			continue
		}
		break
	}
	return PrintedDecimals(n)
}

// Coarser returns the coarser of two precisions (fewer decimals); an unknown
// one yields to a known one.
func (d Decimals) Coarser(o Decimals) Decimals {
	switch {
	case d == DecimalsUnknown:
		return o
	case o == DecimalsUnknown:
		return d
	case o < d:
		return o
	}
	return d
}

// HalfUnit is half a unit of the last printed digit of a figure in unit u, in
// fen: the most a printed figure can be from the true value. A figure printed
// to the fen or finer is exact (true amounts are whole fen) and gives 0.
// Examples: 元 with 0 decimals → 50 fen; 万元 with 2 → 5,000 fen (50 元);
// 万元 with 0 → 500,000 fen (5,000 元); 亿元 with 2 → 50,000,000 fen.
func (d Decimals) HalfUnit(u Unit) Money {
	n, ok := d.N()
	if !ok {
		n = 2
	}
	fd := u.FenDigits()
	if n >= fd {
		return 0
	}
	return Money(pow10[fd-n] / 2)
}

// Scan reads the decimals column: NULL is DecimalsUnknown.
func (d *Decimals) Scan(src any) error {
	var n int64
	switch v := src.(type) {
	case nil:
		*d = DecimalsUnknown
		return nil
	case int64:
		n = v
	case []byte:
		for _, c := range v {
			if c < '0' || c > '9' {
				return Errorf(EINVALID, "decimals: %q is not a number", v)
			}
			n = n*10 + int64(c-'0')
		}
	default:
		return Errorf(EINVALID, "decimals: cannot scan %T", src)
	}
	*d = PrintedDecimals(int(n))
	return nil
}

// Value writes the decimals column: NULL when unknown.
func (d Decimals) Value() (driver.Value, error) {
	if n, ok := d.N(); ok {
		return int64(n), nil
	}
	return nil, nil
}
