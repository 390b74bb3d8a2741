package exports

import (
	"net/url"
	"strconv"
	"strings"

	"sunshine/models"
)

// DownloadVariant is one way of downloading a release file that the pages
// offer: the file and the options that change its bytes.
type DownloadVariant struct {
	File  string     // the release file: data.csv
	Query url.Values // unit, headers, bom, encoding
	Label string     // what the page says: "CSV · Excel（UTF-8 BOM）· 中文表头 · 元"
}

// Href is the variant's address under a release folder (ReleaseURL).
func (v DownloadVariant) Href(releaseURL string) string {
	if len(v.Query) == 0 {
		return releaseURL + v.File
	}
	return releaseURL + v.File + "?" + v.Query.Encode()
}

func variant(file, label string, kv ...string) DownloadVariant {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return DownloadVariant{File: file, Query: q, Label: label}
}

// DownloadVariants are every variant of a release the pages list, each with a
// file name of its own (DownloadName): amounts in 元 or 万元, English or
// Chinese headers, UTF-8, UTF-8 with a BOM for Excel, GB18030 for old Excel
// and WPS, XLSX, JSON and the data package.
var DownloadVariants = []DownloadVariant{
	variant("data.csv", "CSV · UTF-8 · 英文列名 · 元"),
	variant("data.csv", "CSV · UTF-8 · 中文列名 · 元", "headers", "zh"),
	variant("data.csv", "CSV · Excel 用（UTF-8 BOM）· 中文列名 · 元", "headers", "zh", "bom", "1"),
	variant("data.csv", "CSV · 旧版 Excel/WPS 用（GB18030）· 中文列名 · 元", "headers", "zh", "encoding", "gb18030"),
	variant("data.csv", "CSV · UTF-8 · 英文列名 · 万元", "unit", "万元"),
	variant("data.csv", "CSV · Excel 用（UTF-8 BOM）· 中文列名 · 万元", "headers", "zh", "bom", "1", "unit", "万元"),
	variant("data.csv", "CSV · 旧版 Excel/WPS 用（GB18030）· 中文列名 · 万元", "headers", "zh", "encoding", "gb18030", "unit", "万元"),
	variant("data.xlsx", "Excel（XLSX）· 元"),
	variant("data.xlsx", "Excel（XLSX）· 万元", "unit", "万元"),
	variant("data.json", "JSON · 元"),
	variant("data.json", "JSON · 万元", "unit", "万元"),
	variant("datapackage.json", "数据包描述（datapackage.json）"),
}

// KindTitle is a dataset kind in Chinese: 三公经费, 部门预决算公开表.
func KindTitle(k models.Kind) string {
	if k == models.KindThreePublic {
		return "三公经费"
	}
	return "部门预决算公开表"
}

// DownloadName is the file name a release file is saved under, in Chinese
// and as an ASCII fallback for old clients (RFC 6266): each says region, year,
// phase, kind, release and variant, so two downloads never share a name —
// 资兴市-2024年-决算-三公经费-第3版-中文列名-万元-GB18030.csv and
// 431081-2024-final-three_public-r3-zh-wanyuan-gb18030.csv.
func DownloadName(d models.Dataset, n int, file string, q url.Values) (zh, ascii string) {
	region := d.RegionName
	if region == "" {
		region = d.RegionCode
	}
	zhParts := []string{region, strconv.Itoa(d.FiscalYear) + "年", d.Phase.Chinese(), KindTitle(d.Kind), "第" + strconv.Itoa(n) + "版"}
	asciiParts := []string{d.ID, "r" + strconv.Itoa(n)}
	base, ext, _ := strings.Cut(file, ".")
	unit := models.Yuan
	if u, err := models.ParseUnit(q.Get("unit")); err == nil && q.Get("unit") != "" {
		unit = u
	}
	switch base {
	case "data":
		if ext == "csv" {
			if q.Get("headers") == "zh" {
				zhParts, asciiParts = append(zhParts, "中文列名"), append(asciiParts, "zh")
			} else {
				zhParts, asciiParts = append(zhParts, "英文列名"), append(asciiParts, "en")
			}
		}
		zhParts, asciiParts = append(zhParts, string(unit)), append(asciiParts, UnitSuffix(unit))
		if ext == "csv" {
			switch {
			case q.Get("encoding") == "gb18030" || q.Get("encoding") == "gbk":
				zhParts, asciiParts = append(zhParts, "GB18030"), append(asciiParts, "gb18030")
			case q.Get("bom") == "1":
				zhParts, asciiParts = append(zhParts, "UTF-8-BOM"), append(asciiParts, "utf8-bom")
			default:
				zhParts, asciiParts = append(zhParts, "UTF-8"), append(asciiParts, "utf8")
			}
		}
	case "filings":
		zhParts, asciiParts = append(zhParts, "公开文件版本"), append(asciiParts, "filings")
	case "datapackage":
		zhParts, asciiParts = append(zhParts, "数据包描述"), append(asciiParts, "datapackage")
	}
	return strings.Join(zhParts, "-") + "." + ext, strings.Join(asciiParts, "-") + "." + ext
}

// BulkDownloadName is the bulk ZIP's file name in Chinese and ASCII.
func BulkDownloadName(regionName, region string, year int) (zh, ascii string) {
	if regionName == "" {
		regionName = region
	}
	return regionName + "-" + strconv.Itoa(year) + "年-全部数据集-最新版.zip", region + "-" + strconv.Itoa(year) + ".zip"
}
