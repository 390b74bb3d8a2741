package codes

import "testing"

func TestNormalizeName_Ordinals(t *testing.T) {
	for printed, official := range map[string]string{
		"一、一般公共服务支出": "一般公共服务支出",
		"十九、住房保障支出":  "住房保障支出",
		"（一）行政运行":    "行政运行",
		"(1)行政运行":    "行政运行",
		"1.行政运行":     "行政运行",
		"其中：行政运行":    "行政运行",
		"  2、 机关事业单位基本养老保险缴费支出": "机关事业单位基本养老保险缴费支出",
	} {
		if !SameName(printed, official) {
			t.Errorf("SameName(%q, %q) = false", printed, official)
		}
	}
	// Digits that are part of the name, and a name that is all numerals, stay.
	for _, name := range []string{"2020年抗疫特别国债", "一二三"} {
		if got := NormalizeName(name); got != name {
			t.Errorf("NormalizeName(%q) = %q", name, got)
		}
	}
}
