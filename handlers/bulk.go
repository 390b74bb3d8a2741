package handlers

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// bulkName is the file name of a region-year bulk download: "431081-2024.zip".
var bulkName = regexp.MustCompile(`^([0-9]{6})-([0-9]{4})\.zip$`)

func parseBulkName(file string) (region string, year int, err error) {
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

// bulkReleases resolves the latest release of every dataset of a region-year.
// Returns ENOTFOUND when nothing of that region-year is published.
func bulkReleases(ctx context.Context, src ReleaseReader, region string, year int) ([]release, error) {
	var out []release
	err := eachDataset(ctx, src, store.DatasetFilter{Region: region, Year: year}, nil, func(d store.Dataset) error {
		r, err := resolveRelease(ctx, src, d.ID, d.LatestRelease)
		out = append(out, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, models.Errorf(models.ENOTFOUND, "区划 %s 在 %d 年没有已公开的数据", region, year)
	}
	sort.Slice(out, func(i, j int) bool { return bulkRank(out[i].dataset) < bulkRank(out[j].dataset) })
	return out, nil
}

// bulkETag names the bytes of a bulk file: the releases it holds and the base
// of the links inside, so it changes exactly when a dataset gets a new release.
func bulkETag(base string, rels []release) string {
	var b strings.Builder
	b.WriteString("bulk/1\n" + base)
	for _, r := range rels {
		b.WriteString("\n" + r.dataset.ID + "/" + strconv.Itoa(r.entry.Number))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// getBulk streams the ZIP of a region-year: for every dataset of the region
// and year, its latest release's data.csv and filings.csv in a folder named
// after the dataset, a Chinese README.txt, and one datapackage.json describing
// every CSV with its bytes and SHA-256 (written last, once the hashes are known).
// The file follows the latest releases, so it is cached briefly and revalidated
// by an ETag derived from the release numbers it holds.
func getBulk(src ReleaseReader, o openData) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		region, year, err := parseBulkName(c.Param("file"))
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		rels, err := bulkReleases(ctx, src, region, year)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b := httpx.BaseURL(c, o.base)
		etag := bulkETag(b, rels)
		c.Header("ETag", etag)
		c.Header("Cache-Control", "public, max-age=60")
		if httpx.ETagMatches(c.GetHeader("If-None-Match"), etag) {
			c.Status(http.StatusNotModified)
			return
		}
		name := c.Param("file")
		c.Header("Content-Type", "application/zip")
		c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		c.Status(http.StatusOK)
		if err := writeBulk(ctx, c.Writer, src, rels, b, o); err != nil {
			if !c.Writer.Written() {
				c.Writer.Header().Del("Content-Disposition")
				c.Writer.Header().Del("Content-Type")
				httpx.RespondError(c, err)
				return
			}
			// The ZIP stops without its central directory, which every unzip reports.
			httpx.Logger(c).Error("bulk", "err", err)
		}
	}
}

// writeBulk writes the bulk ZIP of rels to w, entry by entry: nothing but the
// encoders' and the compressor's buffers is held in memory.
func writeBulk(ctx context.Context, w io.Writer, src ReleaseReader, rels []release, base string, o openData) error {
	zw := zip.NewWriter(w)
	newest := rels[0].entry.CreatedAt
	for _, r := range rels {
		if r.entry.CreatedAt.After(newest) {
			newest = r.entry.CreatedAt
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
	opts := exports.CSVOptions{Unit: models.Yuan}
	var resources []exports.Resource
	for _, r := range rels {
		d := r.dataset
		q := feedQuery{filter: store.FeedFilter{Members: r.members}, release: r.entry.Number, unit: models.Yuan, csv: opts}
		title := exports.DatasetTitle(d) + "（第 " + strconv.Itoa(r.entry.Number) + " 版）"
		data := exports.Resource{Name: d.ID, Path: d.ID + "/data.csv", Title: title, Table: exports.LineItemsTable, Phase: d.Phase}
		hw, err := bulkEntry(zw, data.Path, r.entry.CreatedAt)
		if err != nil {
			return err
		}
		if d.Kind == models.KindThreePublic {
			data.Table = exports.ThreePublicTable
			err = encodeCSV(ctx, hw, exports.ThreePublicTable, eachThreePublic, src, q, base)
		} else {
			err = encodeCSV(ctx, hw, exports.LineItemsTable, eachLineItem, src, q, base)
		}
		if err != nil {
			return err
		}
		data.Bytes, data.Hash = hw.Bytes(), hw.Hash()

		filings := exports.Resource{Name: d.ID + ".filings", Path: d.ID + "/filings.csv", Title: title + " 的公开文件版本",
			Table: exports.FilingsTable}
		if hw, err = bulkEntry(zw, filings.Path, r.entry.CreatedAt); err != nil {
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
func bulkEntry(zw *zip.Writer, name string, modified time.Time) (*exports.HashWriter, error) {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified.UTC()})
	if err != nil {
		return nil, err
	}
	return exports.NewHashWriter(w), nil
}

// encodeCSV writes a release's rows as the canonical CSV.
func encodeCSV[T any](ctx context.Context, w io.Writer, table *exports.Table[T],
	each func(context.Context, FeedReader, feedQuery, string, func(T, rowKey) error) error, feeds FeedReader, q feedQuery, base string) error {
	enc := exports.NewCSVEncoder(w, table, q.csv)
	if err := each(ctx, feeds, q, base, func(row T, _ rowKey) error { return enc.Encode(row) }); err != nil {
		return err
	}
	return enc.Close()
}

// writeFilingRows writes the filing versions of a release as filings.csv, as
// a release's own filings.csv does: every member as it stood in the release,
// that is published.
//
// Each row is named as its filing version was published (never from a draft,
// and never differently later), so the file's bytes never change.
func writeFilingRows(ctx context.Context, src ReleaseReader, w io.Writer, rel release, base string, o exports.CSVOptions) error {
	enc := exports.NewCSVEncoder(w, exports.FilingsTable, o)
	for _, id := range rel.members {
		f, err := src.Filing(ctx, id)
		if err != nil {
			return err
		}
		f.Status = models.StatusPublished
		row := exports.NewFilingRow(&f, f.RegionName, f.DeptName, rel.entry.Number, permalink(base, id))
		if err := enc.Encode(row); err != nil {
			return err
		}
	}
	return enc.Close()
}

// bulkPackage describes every CSV of the bulk ZIP in one data package.
func bulkPackage(rels []release, resources []exports.Resource, base string, o openData) (*exports.Package, error) {
	d := rels[0].dataset
	year := strconv.Itoa(d.FiscalYear)
	newest := rels[0].entry.CreatedAt
	var parts []string
	for _, r := range rels {
		if r.entry.CreatedAt.After(newest) {
			newest = r.entry.CreatedAt
		}
		parts = append(parts, exports.DatasetTitle(r.dataset)+" 第 "+strconv.Itoa(r.entry.Number)+" 版")
	}
	p, err := exports.DataPackage(exports.PackageInfo{
		Name:  "sunshine-" + d.RegionCode + "-" + year,
		Title: d.RegionName + " " + year + " 年部门预决算公开数据（批量下载）",
		Description: o.publisher + "发布的" + d.RegionName + " " + year + " 年全部已公开数据集，各取最新版本：" + strings.Join(parts, "；") +
			"。金额单位为元；空值表示未公开（不是 0）。",
		Homepage:   base + "/api/v1/datasets?region=" + url.QueryEscape(d.RegionCode) + "&year=" + year,
		Created:    newest,
		Keywords:   []string{"三公经费", "部门预算", "部门决算", "财政公开", d.RegionName},
		Licenses:   licenses(o.license),
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
func bulkReadme(rels []release, base string, o openData) string {
	d := rels[0].dataset
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\r\n", args...) }
	w("%s：%s（行政区划代码 %s）%d 年部门预决算公开数据", o.publisher, d.RegionName, d.RegionCode, d.FiscalYear)
	w("")
	w("本压缩包收录该地区该年度已公开的全部数据集，每个数据集取其最新版本：")
	w("")
	for _, r := range rels {
		w("%s/", r.dataset.ID)
		w("    %s，第 %d 版（%d 行数据，%s 发布）", exports.DatasetTitle(r.dataset), r.entry.Number, r.entry.Rows,
			r.entry.CreatedAt.In(readmeZone).Format("2006-01-02 15:04"))
		w("    data.csv     数据")
		w("    filings.csv  构成该版本的各部门公开文件版本，含更正说明")
		w("    永久网址：%s", exports.ReleaseLinks(base, r.dataset.ID, r.entry.Number)["csv"])
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
	if o.license != "" {
		w("许可：%s", o.license)
	} else {
		w("许可：发布方尚未声明许可。")
	}
	if o.email != "" {
		w("联系：%s", o.email)
	}
	w("目录：%s/api/v1/datasets?region=%s&year=%d", base, d.RegionCode, d.FiscalYear)
	return b.String()
}

// readmeZone is Beijing time (UTC+8, no daylight saving), in which the README gives release dates.
var readmeZone = time.FixedZone("CST", 8*3600)
