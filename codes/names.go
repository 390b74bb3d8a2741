package codes

import (
	"strings"
	"unicode"
)

// NormalizeName reduces a code's name to what code.name_mismatch compares, so
// that differences users do not mean are ignored. Exactly these, in order:
//
//  1. full-width ASCII forms (U+FF01–U+FF5E) become their half-width
//     equivalents, so （）and () are the same, as are ［］ and [];
//  2. every white space (ASCII, U+3000 ideographic, no-break, …) and the
//     invisible U+200B zero-width space and U+FEFF BOM are removed, so leading
//     indentation and spaces inside the name do not count;
//  3. one trailing 支出 is removed, so 一般公共服务 matches 一般公共服务支出.
//
// Nothing else: other characters, the order of words and older official names
// (医疗卫生与计划生育 for 卫生健康) still differ; the latter come from each year's list.
func NormalizeName(name string) string {
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
	return strings.TrimSuffix(b.String(), "支出")
}

// SameName reports whether a name as printed matches a code's official name
// once both are normalised by NormalizeName.
func SameName(printed, official string) bool {
	return NormalizeName(printed) == NormalizeName(official)
}
