package models

import "testing"

func TestDecimalsOf(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Decimals
	}{
		{"1,234", PrintedDecimals(0)}, {"12.3", PrintedDecimals(1)}, {"12.30", PrintedDecimals(2)},
		{"0.00", PrintedDecimals(2)}, {" 7 ", PrintedDecimals(0)}, {"", DecimalsUnknown},
		{"１２．５", PrintedDecimals(1)}, {"-3.456", PrintedDecimals(3)}, {"1,234.5678", PrintedDecimals(4)},
	} {
		if got := DecimalsOf(c.in); got != c.want {
			t.Errorf("DecimalsOf(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestDecimalsHalfUnit(t *testing.T) {
	p := PrintedDecimals
	for _, c := range []struct {
		d    Decimals
		u    Unit
		want Money
	}{
		{p(0), Yuan, 50}, {p(1), Yuan, 5}, {p(2), Yuan, 0}, {p(4), Yuan, 0},
		{p(2), WanYuan, 5000}, {p(0), WanYuan, 500000}, {p(1), WanYuan, 50000}, {p(4), WanYuan, 50}, {p(6), WanYuan, 0},
		{p(2), YiYuan, 50000000}, {DecimalsUnknown, WanYuan, 5000}, {DecimalsUnknown, Yuan, 0},
	} {
		if got := c.d.HalfUnit(c.u); got != c.want {
			t.Errorf("Decimals(%d).HalfUnit(%s) = %d, want %d", c.d, c.u, got, c.want)
		}
	}
	if got := p(0).Coarser(p(2)); got != p(0) {
		t.Errorf("Coarser = %d", got)
	}
	if got := DecimalsUnknown.Coarser(p(2)); got != p(2) {
		t.Errorf("Coarser(unknown, 2) = %d", got)
	}
}

func TestDecimalsScanValue(t *testing.T) {
	var d Decimals
	for _, c := range []struct {
		src  any
		want int64
	}{{int64(0), 0}, {int64(2), 2}, {[]byte("4"), 4}} {
		if err := d.Scan(c.src); err != nil {
			t.Fatal(err)
		}
		if v, _ := d.Value(); v != c.want {
			t.Errorf("round trip %v → %v, want %d", c.src, v, c.want)
		}
	}
	if err := d.Scan(nil); err != nil || d != DecimalsUnknown {
		t.Errorf("NULL → %d, %v", d, err)
	}
	if v, _ := d.Value(); v != nil {
		t.Errorf("unknown → %v, want NULL", v)
	}
}
