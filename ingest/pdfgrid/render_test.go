package pdfgrid

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
)

// A page renders as a PNG whose size is the page's in points × dpi/72, so the
// grid's boxes (points) place on it; a page past the end is EINVALID.
func TestRenderPage(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	pdf, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pdf", "2025-budget-shanghai-putuo-finance-bureau.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	pages, err := extract(context.Background(), bytes.NewReader(pdf), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := RenderPage(context.Background(), bytes.NewReader(pdf), 9, 144, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	p := pages[8]
	if d := float64(w) - p.Width*2; d < -1 || d > 1 {
		t.Errorf("width %d px for a page %g pt wide at 144 dpi", w, p.Width)
	}
	if d := float64(h) - p.Height*2; d < -1 || d > 1 {
		t.Errorf("height %d px for a page %g pt tall at 144 dpi", h, p.Height)
	}
	if w, h, err := PageSize(context.Background(), bytes.NewReader(pdf), 9, Limits{}); err != nil || w != p.Width || h != p.Height {
		t.Errorf("page size %g × %g (%v), pdftotext says %g × %g", w, h, err, p.Width, p.Height)
	}
	if _, _, err := PageSize(context.Background(), bytes.NewReader(pdf), 25, Limits{}); models.ErrorMessage(err) != "PDF 没有第 25 页" {
		t.Errorf("size of a page past the end: %v", err)
	}
	_, err = RenderPage(context.Background(), bytes.NewReader(pdf), len(pages)+1, 72, Limits{})
	if models.ErrorCode(err) != models.EINVALID || models.ErrorMessage(err) != "PDF 没有第 25 页" {
		t.Errorf("page past the end: %v", err)
	}
	_, err = RenderPage(context.Background(), bytes.NewReader([]byte("not a pdf")), 1, 72, Limits{})
	if models.ErrorCode(err) != models.EINVALID {
		t.Errorf("not a PDF: %v", err)
	}
}
