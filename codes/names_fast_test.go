package codes

import (
	"strings"
	"testing"
	"unicode"
)

// normalizeSlow is NormalizeName without its fast path, as it was written first.
func normalizeSlow(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSuffix(trimOrdinal(b.String()), "支出")
}

// The fast path (a name with nothing to fold is only cut) gives what folding
// every name gives, and SameName what comparing the two normalised names gives.
func TestNormalizeName_FastPathAgrees(t *testing.T) {
	parts := []string{"", "一般公共服务", "支出", "行政运行", "（一）", "(1)", "1.", "1、", "十九、", "其中：", "其中:",
		" ", "\u3000", "\u00a0", "\u200b", "\ufeff", "ＡＢＣ", "（", "）", "\xff", "\xe4\xb8", "\ufffd", "a", "．", "0"}
	var names []string
	for _, a := range parts {
		for _, b := range parts {
			for _, c := range parts {
				names = append(names, a+b+c)
			}
		}
	}
	for _, n := range names {
		if got, want := NormalizeName(n), normalizeSlow(n); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", n, got, want)
		}
	}
	for i, a := range names {
		b := names[(i*7919)%len(names)]
		for _, pair := range [][2]string{{a, b}, {a, a}, {a, normalizeSlow(a)}} {
			if got, want := SameName(pair[0], pair[1]), normalizeSlow(pair[0]) == normalizeSlow(pair[1]); got != want {
				t.Errorf("SameName(%q, %q) = %v, want %v", pair[0], pair[1], got, want)
			}
		}
	}
}

func BenchmarkSameName(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		SameName("一般公共服务", "一般公共服务支出")
		SameName("行政运行", "行政运行")
		SameName("  （一）行政运行", "行政运行")
	}
}
