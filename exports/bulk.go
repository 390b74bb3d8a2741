package exports

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"sunshine/models"
	"sunshine/store"
)

// bulkName is the file name of a region-year bulk download: "431081-2024.zip".
var bulkName = regexp.MustCompile(`^([0-9]{6})-([0-9]{4})\.zip$`)

// ParseBulkName reads a bulk file name: "431081-2024.zip".
func ParseBulkName(file string) (region string, year int, err error) {
	m := bulkName.FindStringSubmatch(file)
	if m != nil {
		year, _ = strconv.Atoi(m[2])
	}
	if m == nil || year < 2000 || year > 2100 {
		return "", 0, models.Errorf(models.EINVALID, "批量下载文件名“%s”无效：应为“6 位行政区划代码-年度.zip”，如 431081-2024.zip", file)
	}
	return m[1], year, nil
}

// bulkRank orders the datasets inside a bulk download as a reader expects: budget, adjusted, final; 三公 before line items.
func bulkRank(d store.Dataset) int {
	rank := map[models.Phase]int{models.PhaseBudget: 0, models.PhaseAdjusted: 2, models.PhaseFinal: 4}[d.Phase]
	if d.Kind == models.KindLineItems {
		rank++
	}
	return rank
}

// BulkReleases resolves the latest release of every dataset of a region-year.
// Returns ENOTFOUND when nothing of that region-year is published.
func BulkReleases(ctx context.Context, src ReleaseReader, region string, year int) ([]Release, error) {
	var out []Release
	err := EachDataset(ctx, src, store.DatasetFilter{Region: region, Year: year}, nil, func(d store.Dataset) error {
		r, err := ResolveRelease(ctx, src, d.ID, d.LatestRelease)
		out = append(out, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, models.Errorf(models.ENOTFOUND, "区划 %s 在 %d 年没有已公开的数据", region, year)
	}
	sort.Slice(out, func(i, j int) bool { return bulkRank(out[i].Dataset) < bulkRank(out[j].Dataset) })
	return out, nil
}

// BulkETag names the bytes of a bulk file: the releases it holds and the base
// of the links inside, so it changes exactly when a dataset gets a new release.
func BulkETag(base string, rels []Release) string {
	var b strings.Builder
	b.WriteString("bulk/1\n" + FormatVersion + "\n" + base)
	for _, r := range rels {
		b.WriteString("\n" + r.Dataset.ID + "/" + strconv.Itoa(r.Entry.Number))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// WriteBulk writes the bulk ZIP of rels to w, entry by entry: nothing but the
// encoders' and the compressor's buffers is held in memory.
func WriteBulk(ctx context.Context, w io.Writer, src ReleaseReader, rels []Release, base string, o Publisher) error {
	o = o.withDefault()
	zw := zip.NewWriter(w)
	newest := rels[0].Entry.CreatedAt
	for _, r := range rels {
		if r.Entry.CreatedAt.After(newest) {
			newest = r.Entry.CreatedAt
		}
	}
	readme, err := bulkEntry(zw, "README.txt", newest)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(readme, bulkReadme(rels, base, o)); err != nil {
		return err
	}
	// The same options as a release's own data.csv and filings.csv, so the bytes
	// in the ZIP are the bytes of the release URLs, and so are their hashes.
	opts := CSVOptions{Unit: models.Yuan}
	var resources []Resource
	for _, r := range rels {
		d := r.Dataset
		q := FeedQuery{Filter: store.FeedFilter{Members: r.Members}, Release: r.Entry.Number, Unit: models.Yuan, CSV: opts}
		title := DatasetTitle(d) + "（第 " + strconv.Itoa(r.Entry.Number) + " 版）"
		data := Resource{Name: d.ID, Path: d.ID + "/data.csv", Title: title, Table: LineItemsTable, Phase: d.Phase}
		// The folder has an entry of its own before its files: readers that
		// unpack entry by entry (the Frictionless JavaScript library) create
		// only the folders a ZIP lists.
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: d.ID + "/", Method: zip.Store, Modified: r.Entry.CreatedAt.UTC()}); err != nil {
			return err
		}
		hw, err := bulkEntry(zw, data.Path, r.Entry.CreatedAt)
		if err != nil {
			return err
		}
		if d.Kind == models.KindThreePublic {
			data.Table = ThreePublicTable
			err = writeRelease(ctx, hw, ThreePublicTable, EachThreePublic, src, q, base, "data.csv", r.Entry.Rows)
		} else {
			err = writeRelease(ctx, hw, LineItemsTable, EachLineItem, src, q, base, "data.csv", r.Entry.Rows)
		}
		if err != nil {
			return err
		}
		data.Bytes, data.Hash = hw.Bytes(), hw.Hash()

		filings := Resource{Name: d.ID + ".filings", Path: d.ID + "/filings.csv", Title: title + " 的公开文件版本",
			Table: FilingsTable}
		if hw, err = bulkEntry(zw, filings.Path, r.Entry.CreatedAt); err != nil {
			return err
		}
		if err := writeFilingRows(ctx, src, hw, r, base, opts); err != nil {
			return err
		}
		filings.Bytes, filings.Hash = hw.Bytes(), hw.Hash()
		resources = append(resources, data, filings)
	}
	p, err := bulkPackage(rels, resources, base, o)
	if err != nil {
		return err
	}
	dp, err := bulkEntry(zw, "datapackage.json", newest)
	if err != nil {
		return err
	}
	if err := p.Write(dp); err != nil {
		return err
	}
	return zw.Close()
}

// bulkEntry starts a compressed ZIP entry and hashes what is written to it.
func bulkEntry(zw *zip.Writer, name string, modified time.Time) (*HashWriter, error) {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified.UTC()})
	if err != nil {
		return nil, err
	}
	return NewHashWriter(w), nil
}

// bulkPackage describes every CSV of the bulk ZIP in one data package.
func bulkPackage(rels []Release, resources []Resource, base string, o Publisher) (*Package, error) {
	d := rels[0].Dataset
	year := strconv.Itoa(d.FiscalYear)
	newest := rels[0].Entry.CreatedAt
	var parts []string
	for _, r := range rels {
		if r.Entry.CreatedAt.After(newest) {
			newest = r.Entry.CreatedAt
		}
		parts = append(parts, DatasetTitle(r.Dataset)+" 第 "+strconv.Itoa(r.Entry.Number)+" 版")
	}
	p, err := DataPackage(PackageInfo{
		Name:  "sunshine-" + d.RegionCode + "-" + year,
		Title: d.RegionName + " " + year + " 年部门预决算公开数据（批量下载）",
		Description: o.Name + "发布的" + d.RegionName + " " + year + " 年全部已公开数据集，各取最新版本：" + strings.Join(parts, "；") +
			"。金额单位为元；空值表示未公开（不是 0）。",
		Homepage:   base + "/api/v1/datasets?region=" + url.QueryEscape(d.RegionCode) + "&year=" + year,
		Created:    newest,
		Keywords:   []string{"三公经费", "部门预算", "部门决算", "财政公开", d.RegionName},
		Licenses:   licenses(o.License),
		FiscalYear: d.FiscalYear,
		Resources:  resources,
	})
	if err != nil {
		return nil, err
	}
	// DataPackage points every filing_id foreign key at the first resource
	// holding the filings table; in a bulk ZIP each dataset has its own
	// filings.csv, and its rows refer to that one.
	own := map[string]string{}
	isFilings := map[string]bool{}
	for i := 0; i+1 < len(resources); i += 2 {
		own[resources[i].Name] = resources[i+1].Name
		isFilings[resources[i+1].Name] = true
	}
	for i := range p.Resources {
		r := &p.Resources[i]
		target, ok := own[r.Name]
		if !ok || r.Schema == nil {
			continue
		}
		for j := range r.Schema.ForeignKeys {
			if isFilings[r.Schema.ForeignKeys[j].Reference.Resource] {
				r.Schema.ForeignKeys[j].Reference.Resource = target
			}
		}
	}
	return p, nil
}

// bulkReadme says, in Chinese, what the ZIP holds and how to read it.
func bulkReadme(rels []Release, base string, o Publisher) string {
	d := rels[0].Dataset
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\r\n", args...) }
	w("%s：%s（行政区划代码 %s）%d 年部门预决算公开数据", o.Name, d.RegionName, d.RegionCode, d.FiscalYear)
	w("")
	w("本压缩包收录该地区该年度已公开的全部数据集，每个数据集取其最新版本：")
	w("")
	for _, r := range rels {
		w("%s/", r.Dataset.ID)
		w("    %s，第 %d 版（%d 行数据，%s 发布）", DatasetTitle(r.Dataset), r.Entry.Number, r.Entry.Rows,
			r.Entry.CreatedAt.In(readmeZone).Format("2006-01-02 15:04"))
		w("    data.csv     数据")
		w("    filings.csv  构成该版本的各部门公开文件版本，含更正说明")
		w("    永久网址：%s", ReleaseLinks(base, r.Dataset.ID, r.Entry.Number)["csv"])
	}
	w("")
	w("datapackage.json")
	w("    Frictionless 数据包描述：每个 CSV 的字段、类型、主键和外键，字节数与 SHA-256 校验值，")
	w("    以及财政数据包（Fiscal Data Package）模型。")
	w("")
	w("阅读说明")
	w("- 金额单位为元，两位小数，由“分”精确换算，未经四舍五入。")
	w("- 空白单元格表示“未公开”，不是 0；0 表示公开的数额就是零。")
	w("- 文本开头多出的英文单引号（'）是为防止电子表格把它当作公式执行而加的。")
	w("- CSV 为 UTF-8 编码（无 BOM）、逗号分隔。用 Excel 打开请选“数据 → 从文本/CSV”并选 UTF-8；")
	w("  或从各版本的永久网址下载 Excel 专用版本（加 ?bom=1，旧版 Excel/WPS 用 ?encoding=gb18030）。")
	w("- 引用数据时请注明数据集和版本号。更正会产生新版本，旧版本始终可按原网址下载，不会被改写。")
	w("- 本压缩包始终收录各数据集的最新版本，有新版本时内容随之更新。")
	w("")
	if o.License != "" {
		w("许可：%s", o.License)
	} else {
		w("许可：发布方尚未声明许可。")
	}
	if o.Email != "" {
		w("联系：%s", o.Email)
	}
	w("目录：%s/api/v1/datasets?region=%s&year=%d", base, d.RegionCode, d.FiscalYear)
	return b.String()
}

// readmeZone is Beijing time (UTC+8, no daylight saving), in which the README gives release dates.
var readmeZone = time.FixedZone("CST", 8*3600)
