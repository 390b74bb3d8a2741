package ingest

import (
	"strings"
	"testing"
)

// trimCell's shortcut must never keep a character the full trim drops: every
// string built from the trimmed characters and a few that share their bytes
// (、 and 〇 start like U+3000, 耀 ends in 0x80 like it) is
// compared with strings.TrimFunc.
func TestTrimCell_SameAsTrimFunc(t *testing.T) {
	full := func(s string) string {
		return strings.TrimFunc(s, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '\u3000' || r == '\u00a0' || r == '\ufeff'
		})
	}
	parts := []string{"", " ", "\t", "\r\n", "\u3000", "\u00a0", "\ufeff", "、", "〇", "合计", "2080505", "元", "耀", "\u00c2", "x"}
	n := 0
	for _, a := range parts {
		for _, b := range parts {
			for _, c := range parts {
				s := a + b + c
				if got, want := trimCell(s), full(s); got != want {
					t.Errorf("trimCell(%q) = %q, want %q", s, got, want)
				}
				n++
			}
		}
	}
	if n != len(parts)*len(parts)*len(parts) {
		t.Fatalf("compared %d strings", n)
	}
}
