package checks

import (
	"math"
	"testing"

	"sunshine/models"
)

func fig(s string, u models.Unit) figure {
	m, err := models.ParseMoney(s, u)
	if err != nil {
		panic(err)
	}
	return figure{Amount: m, Unit: u}
}

func figs(u models.Unit, ss ...string) []figure {
	var out []figure
	for _, s := range ss {
		out = append(out, fig(s, u))
	}
	return out
}

// TestEvaluate_AppliesTheToleranceOfDomain follows the examples of DOMAIN.md §5.
func TestEvaluate_AppliesTheToleranceOfDomain(t *testing.T) {
	wan, yuan, yi := models.WanYuan, models.Yuan, models.YiYuan
	cases := []struct {
		name             string
		actual, expected []figure
		upTo             bool
		want             verdict
		tolerance        models.Money
	}{
		{"total vs 4 parts in 万元: 250 元 allowed", figs(wan, "10.025"), figs(wan, "1", "2", "3", "4"), false, rounding, 25_000},
		{"total vs 4 parts in 万元: 250.01 元 is too much", figs(wan, "10.025001"), figs(wan, "1", "2", "3", "4"), false, differ, 25_000},
		{"the other way round", figs(wan, "9.975"), figs(wan, "1", "2", "3", "4"), false, rounding, 25_000},
		{"one 万元 figure in two tables: exactly 100 元", figs(wan, "631.01"), figs(wan, "631.00"), false, rounding, 10_000},
		{"one 万元 figure in two tables: 100.01 元", figs(wan, "631.010001"), figs(wan, "631.00"), false, differ, 10_000},
		{"万元 vs 元: 50 元", figs(wan, "631.00"), figs(yuan, "6,310,050.00"), false, rounding, 5_000},
		{"万元 vs 元: 50.01 元", figs(wan, "631.00"), figs(yuan, "6,310,050.01"), false, differ, 5_000},
		{"元 vs 元: exact", figs(yuan, "1.00"), figs(yuan, "0.99"), false, differ, 0},
		{"亿元: 500,000 元 per figure", figs(yi, "6.09"), figs(yi, "6.08"), false, rounding, 100_000_000},
		{"equal", figs(wan, "1.00"), figs(yuan, "10,000.00"), false, agree, 5_000},
		{"a 万元 cell printed with more decimals still counts 50 元", figs(wan, "1.0083"), figs(wan, "1.0083"), false, agree, 10_000},
		{"an absent line adds no tolerance", figs(wan, "1.00"), []figure{fig("1.00", wan), {}}, false, agree, 10_000},
		{"upper limit: below is fine", figs(wan, "1.00"), figs(wan, "2.00"), true, agree, 10_000},
		{"upper limit: 100 元 above is rounding", figs(wan, "2.01"), figs(wan, "2.00"), true, rounding, 10_000},
		{"upper limit: far above", figs(wan, "3.00"), figs(wan, "2.00"), true, differ, 10_000},
		{"not disclosed: skipped", figs(wan, "3.00"), []figure{{Missing: true}}, false, skipped, 0},
		{"overflow", []figure{{Amount: math.MaxInt64}, {Amount: 1}}, figs(yuan, "1"), false, overflow, 0},
		{"overflow of the difference", []figure{{Amount: math.MaxInt64}}, []figure{{Amount: -1}}, false, overflow, 0},
	}
	for _, c := range cases {
		got := evaluate(side{Figures: c.actual}, side{Figures: c.expected}, c.upTo)
		if got.verdict != c.want {
			t.Errorf("%s: verdict %d; want %d (%+v)", c.name, got.verdict, c.want, got)
		}
		if c.want != skipped && c.want != overflow && got.tolerance != c.tolerance {
			t.Errorf("%s: tolerance %d fen; want %d", c.name, got.tolerance, c.tolerance)
		}
	}
}

func TestMoney_PrintsTheSourceUnitAndYuan(t *testing.T) {
	cases := []struct {
		m    models.Money
		u    models.Unit
		want string
	}{
		{12_350_000, models.WanYuan, "12.35 万元（123,500.00 元）"},
		{12_345_600, models.Yuan, "123,456.00 元"},
		{60_800_000_000, models.YiYuan, "6.08 亿元（608,000,000.00 元）"},
		{-100, models.Yuan, "-1.00 元"},
	}
	for _, c := range cases {
		if got := money(c.m, c.u); got != c.want {
			t.Errorf("money(%d, %s) = %q; want %q", c.m, c.u, got, c.want)
		}
	}
}

func TestScaleSlip_RecognisesUnitMixUps(t *testing.T) {
	cases := []struct {
		a, b models.Money
		want int
	}{
		{160_000_000_000, 16_000_000, 4}, // 16 万元 entered as 16 万万元
		{16_000_000, 160_000_000_000, -4},
		{54_000_000_000, 16_000_000, 4},  // 3,375 ×: within a factor of 3 of 10⁴
		{53_000_000_000, 16_000_000, 0},  // 3,312.5 ×
		{480_000_000_000, 16_000_000, 4}, // 30,000 ×
		{490_000_000_000, 16_000_000, 0}, // 30,625 ×
		{1_600_000_000_000_000, 16_000_000, 8},
		{16_000_000, 1_600_000_000_000_000, -8},
		{32_000_000, 16_000_000, 0},
		{0, 16_000_000, 0},
		{16_000_000, 0, 0},
		{math.MaxInt64, 1, 0},
	}
	for _, c := range cases {
		if got := scaleSlip(c.a, c.b); got != c.want {
			t.Errorf("scaleSlip(%d, %d) = %d; want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestMedianOf(t *testing.T) {
	if m := medianOf([]models.Money{5, 1, 3}); m != 3 {
		t.Errorf("median of 5 1 3 = %d", m)
	}
	if m := medianOf([]models.Money{4, 1, 3, 2}); m != 2 {
		t.Errorf("median of 4 1 3 2 = %d; want 2 (2.5 rounded down)", m)
	}
}
