package charts

import (
	"encoding/json"
	"math"
	"testing"

	"sunshine/models"
)

func TestPercent_RoundsHalfUpInIntegers(t *testing.T) {
	tests := []struct {
		name        string
		part, whole models.Money
		want        Percent
	}{
		{"a third", 1, 3, "33.3"},
		{"two thirds", 2, 3, "66.7"},
		{"exact", 1, 8, "12.5"},
		{"half a tenth rounds up", 1, 16, "6.3"}, // 6.25 %
		{"whole", 49570000, 49570000, "100.0"},
		{"over", 31470000, 28600000, "110.0"},
		{"zero part", 0, 123500, "0.0"},
		{"zero whole is undefined", 5, 0, ""},
		{"negative whole is undefined", 5, -10, ""},
		{"negative part", -1, 3, "-33.3"},
		{"tiny negative rounds to zero", -1, 100000, "0.0"},
		{"no overflow near the limit", math.MaxInt64 / 2, math.MaxInt64, "50.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percent(tt.part, tt.whole); got != tt.want {
				t.Errorf("percent(%d, %d) = %q, want %q", tt.part, tt.whole, got, tt.want)
			}
		})
	}
}

func TestDisplayAndPercent_MarshalEmptyAsNull(t *testing.T) {
	b, err := json.Marshal(struct {
		A, B Display
		C, D Percent
	}{"12.35", "", "7.2", ""})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"A":"12.35","B":null,"C":"7.2","D":null}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}

func TestDisplay_WanYuanTwoDecimalsGrouped(t *testing.T) {
	tests := []struct {
		in   models.NullMoney
		want Display
	}{
		{models.Disclosed(12350000), "12.35"},        // 123,500.00 元
		{models.Disclosed(12345678900), "12,345.68"}, // 123,456,789.00 元
		{models.Disclosed(0), "0.00"},
		{models.NotDisclosed, ""},
	}
	for _, tt := range tests {
		if got := display(tt.in); got != tt.want {
			t.Errorf("display(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReleaseRef_String(t *testing.T) {
	r := ReleaseRef{DatasetID: "990101-2024-final-three_public", Number: 3}
	if got, want := r.String(), "990101-2024-final-three_public 第 3 版"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLatest_KeepsHighestVersionOfEachFiling(t *testing.T) {
	old := rec("101", 2023, models.PhaseFinal, tp(t, "10.00", "1.00", "7.00", "0", "7.00", "2.00"))
	corrected := old
	corrected.Version, corrected.FilingID = 2, old.FilingID+1
	corrected.ThreePublic.Total = wan(t, "10.02")
	corrected.Release.Number = 2
	for _, in := range [][]Record{{old, corrected}, {corrected, old}} {
		got := latest(in, func(*Record) bool { return true })
		if len(got) != 1 || got[0].Version != 2 {
			t.Fatalf("latest kept %+v, want version 2 only", got)
		}
		if src := sourceOf(got); len(src.Releases) != 1 || src.Releases[0].Number != 2 {
			t.Errorf("source = %+v, want release 2 only", src)
		}
	}
}
