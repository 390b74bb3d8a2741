package codes

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeName reduces a code's name to what code.name_mismatch compares, so
// that differences users do not mean are ignored. Exactly these, in order:
//
//  1. full-width ASCII forms (U+FF01–U+FF5E) become their half-width
//     equivalents, so （）and () are the same, as are ［］ and [];
//  2. every white space (ASCII, U+3000 ideographic, no-break, …) and the
//     invisible U+200B zero-width space and U+FEFF BOM are removed, so leading
//     indentation and spaces inside the name do not count;
//  3. a leading ordinal as the summary tables print it is removed: "一、",
//     "十九、", "（一）", "(1)", "1.", "1、", and a leading "其中：";
//  4. one trailing 支出 is removed, so 一般公共服务 matches 一般公共服务支出.
//
// Nothing else: other characters, the order of words and older official names
// (医疗卫生与计划生育 for 卫生健康) still differ; the latter come from each year's list.
func NormalizeName(name string) string {
	if !needsFolding(name) {
		// Nothing to fold or remove: steps 3 and 4 only cut the string.
		return strings.TrimSuffix(trimOrdinal(name), "支出")
	}
	var b strings.Builder
	b.Grow(len(name))
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

// needsFolding reports whether step 1 or 2 of NormalizeName changes name.
func needsFolding(name string) bool {
	for _, r := range name {
		if r >= 0xFF01 && r <= 0xFF5E || unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == utf8.RuneError {
			return true
		}
	}
	return false
}

// trimOrdinal removes the numbering a printed table puts before a row name
// (一、 十九、 (一) (1) 1. 1、) and a leading 其中：/其中:.
func trimOrdinal(s string) string {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "其中:"), "其中：")
	numeral := func(r rune) bool { return strings.ContainsRune("一二三四五六七八九十百零〇0123456789", r) }
	if strings.HasPrefix(s, "(") {
		if i := strings.IndexRune(s, ')'); i > 1 && strings.IndexFunc(s[1:i], func(r rune) bool { return !numeral(r) }) < 0 {
			return s[i+1:]
		}
		return s
	}
	i := strings.IndexFunc(s, func(r rune) bool { return !numeral(r) })
	if i <= 0 {
		return s
	}
	rest := s[i:]
	for _, sep := range []string{"、", ".", "．"} {
		if strings.HasPrefix(rest, sep) && len(rest) > len(sep) {
			return rest[len(sep):]
		}
	}
	return s
}

// SameName reports whether a name as printed matches a code's official name
// once both are normalised by NormalizeName.
func SameName(printed, official string) bool {
	if printed == official {
		return true // NormalizeName is a function of its argument
	}
	return NormalizeName(printed) == NormalizeName(official)
}
