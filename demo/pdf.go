package demo

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"

	"sunshine/filings"
	"sunshine/models"
)

// realPDF is a disclosure as a government published it: 上海市普陀区财政局's
// 2025 budget (24 pages, WPS 表格), the same bytes as
// testdata/pdf/2025-budget-shanghai-putuo-finance-bureau.pdf (its source is in
// testdata/README.md). The demo imports it as any PDF upload is imported, so
// the demo shows a filing whose every figure links to its page of the PDF.
//
//go:embed pdf/2025-budget-shanghai-putuo-finance-bureau.pdf
var realPDF []byte

// RealPDF names the published PDF the demo imports and the filing fields the
// upload form gives it (an official table prints no region or department code;
// CZJ is invented, as in testdata/real).
var RealPDF = struct {
	Name   string
	Fields map[string]string
}{
	Name:   "上海市普陀区财政局2025年部门预算.pdf",
	Fields: map[string]string{"region_code": "310107", "region_name": "上海市普陀区", "dept_code": "CZJ"},
}

// LoadPDF imports the published PDF through the upload path and publishes its
// filing when its checks find no error. Without poppler (pdftotext) on the
// machine it skips the PDF and says so in skipped; loading again stores
// nothing (the same bytes).
func LoadPDF(ctx context.Context, svc *filings.Service, dir string) (sum Summary, skipped string, err error) {
	path := filepath.Join(dir, RealPDF.Name)
	if err := os.WriteFile(path, realPDF, 0o600); err != nil {
		return sum, "", err
	}
	res, err := svc.Upload(ctx, filings.File{Path: path, Name: RealPDF.Name, Fields: RealPDF.Fields}, filings.Actor{Name: Actor}, nil)
	if models.ErrorCode(err) == models.EUNAVAILABLE {
		return sum, models.ErrorMessage(err), nil
	}
	if err != nil {
		return sum, "", fmt.Errorf("demo: %s: %w", RealPDF.Name, err)
	}
	if res.Rejected {
		return sum, "", fmt.Errorf("demo: %s was refused: %s", RealPDF.Name, firstMessage(res.Report))
	}
	if res.Duplicate {
		sum.Duplicates++
		return sum, "", nil
	}
	sum.Uploaded++
	var ids []int64
	for _, f := range res.Filings {
		ids = append(ids, f.ID)
	}
	sum.Published, sum.LeftAsDrafts, err = publishDrafts(ctx, svc, ids, "导入已公开的 PDF："+RealPDF.Name)
	return sum, "", err
}
