package filings_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"sunshine/checks"
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// readingService uploads with no rules: the tests of what a PDF upload keeps
// look at what was stored, not at findings.
func readingService(s *store.Store) *filings.Service {
	return &filings.Service{Store: s, Options: ingest.DefaultOptions(),
		Checker: filings.CheckerFunc(func(context.Context, *store.Tx, *checks.Filing) ([]models.Finding, error) { return nil, nil })}
}

// A PDF upload keeps where every figure was printed and the PDF itself; the
// PDF is public once a published version cites it; a new version copies the
// sources with the figures, and a table uploaded again from a CSV drops that
// table's sources with its figures.
func TestUpload_PDFKeepsEveryFiguresPageAndTheOriginal(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := readingService(s)
		path := filepath.Join("..", "testdata", "pdf", "2025-budget-shanghai-putuo-finance-bureau.pdf")
		res, err := svc.Upload(ctx, filings.File{Path: path, Name: "预算.pdf",
			Fields: map[string]string{"region_code": "310107", "dept_code": "CZJ"}}, cli, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rejected || len(res.Filings) != 1 {
			t.Fatalf("upload: %+v", res.Report)
		}
		v1 := res.Filings[0]
		items, _ := s.LineItems(ctx, v1.ID)
		srcs, err := s.FigureSources(ctx, v1.ID)
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]models.FigureSource{}
		for _, src := range srcs {
			if src.SHA256 != res.Upload.SHA256 || src.Page < 1 || src.Page > 24 || src.X1 <= src.X0 || src.Y1 <= src.Y0 {
				t.Fatalf("source %+v", src)
			}
			byKey[src.Key()] = src
		}
		figures := 0
		for _, it := range items {
			if !it.Amount.Valid {
				continue
			}
			figures++
			if _, ok := byKey[models.FigureKey(it.Table, it.Code, it.Column)]; !ok {
				t.Errorf("no source for %s/%s/%s", it.Table, it.Code, it.Column)
			}
		}
		// The 三公 table prints 合计 and 公务接待费 (0.95 万元 each), on page 21.
		for _, f := range []string{"total", "reception"} {
			if src, ok := byKey[models.FigureKey(models.TableThreePublic, "", f)]; !ok || src.Page != 21 {
				t.Errorf("三公 %s: %+v", f, src)
			}
		}
		if len(srcs) != figures+2 {
			t.Errorf("%d sources for %d figures and two 三公 amounts", len(srcs), figures)
		}
		t.Logf("%d figures, %d sources", figures, len(srcs))

		want, _ := os.ReadFile(path)
		sf, public, err := s.SourceFile(ctx, res.Upload.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		kept, err := io.ReadAll(s.OpenSource(ctx, sf))
		if err != nil || !bytes.Equal(kept, want) || sf.MediaType != "application/pdf" || sf.Size != int64(len(want)) {
			t.Fatalf("original: %v, %d bytes of %d (size %d)", err, len(kept), len(want), sf.Size)
		}
		if public {
			t.Error("a draft's PDF is public")
		}
		if _, err := svc.Publish(ctx, v1.ID, cli, ""); err != nil {
			t.Fatal(err)
		}
		if _, public, _ := s.SourceFile(ctx, res.Upload.SHA256); !public {
			t.Error("the published version's PDF is not public")
		}
		// The feeds' rows carry the page (the open data's source_page).
		rows := 0
		if err := s.EachLineItem(ctx, store.FeedFilter{Region: "310107"}, func(r store.LineItemRow) error {
			rows++
			if want := byKey[models.FigureKey(r.Table, r.Code, r.Column)].Page; r.SourcePage != want || want == 0 {
				t.Errorf("feed row %s/%s/%s: page %d, want %d", r.Table, r.Code, r.Column, r.SourcePage, want)
			}
			return nil
		}); err != nil || rows != len(items) {
			t.Fatalf("line-item feed: %v, %d rows", err, rows)
		}
		if err := s.EachThreePublic(ctx, store.FeedFilter{Region: "310107"}, func(r store.ThreePublicRow) error {
			if r.SourcePage != 21 {
				t.Errorf("三公 feed row: page %d", r.SourcePage)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}

		// Version 2 from a CSV of the 三公 table only.
		res2 := upload(t, svc, "310107,CZJ,上海市普陀区财政局,2025,budget,万元,0.95,0,0,0,0.95\n", cli)
		v2 := res2.Filings[0]
		if v2.ID == v1.ID || v2.Version != 2 {
			t.Fatalf("v2 %+v", v2)
		}
		srcs2, _ := s.FigureSources(ctx, v2.ID)
		if len(srcs2) != figures {
			t.Errorf("v2 has %d sources, want the %d of the line items copied (the 三公 table's replaced)", len(srcs2), figures)
		}
		for _, src := range srcs2 {
			if src.Table == models.TableThreePublic {
				t.Errorf("a 三公 figure from the CSV keeps the PDF's source %+v", src)
			}
		}
		if _, _, err := s.SourceFile(ctx, "0000000000000000000000000000000000000000000000000000000000000000"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("unknown file: %v", err)
		}
	})
}

// BenchmarkUploadPDF_FortyPages imports a 40-page disclosure PDF as the
// upload endpoint does, into a new SQLite database each time: the 2024 final
// of 上海市普陀区财政局 (25 pages) and the first 15 pages of its 2025 budget,
// joined by qpdf — read, stored with every figure's source and the original,
// and checked by every rule. Issue 17: under 5 s on the 2-core machine;
// docs/benchmarks.md keeps the numbers.
func BenchmarkUploadPDF_FortyPages(b *testing.B) {
	pdfgridtest.NeedPoppler(b)
	if _, err := exec.LookPath("qpdf"); err != nil {
		b.Skip("qpdf is not installed (apt-get install qpdf)")
	}
	dir := filepath.Join("..", "testdata", "pdf")
	path := filepath.Join(b.TempDir(), "forty-pages.pdf")
	if out, err := exec.Command("qpdf", "--empty", "--pages", filepath.Join(dir, "2024-final-shanghai-putuo-finance-bureau.pdf"),
		filepath.Join(dir, "2025-budget-shanghai-putuo-finance-bureau.pdf"), "1-15", "--", path).CombinedOutput(); err != nil {
		b.Fatalf("qpdf: %v %s", err, out)
	}
	for b.Loop() {
		b.StopTimer()
		s := storetest.SQLite(b)
		svc := &filings.Service{Store: s, Checker: &filings.Rules{}, Options: ingest.DefaultOptions()}
		b.StartTimer()
		res, err := svc.Upload(ctx, filings.File{Path: path, Name: "forty.pdf",
			Fields: map[string]string{"region_code": "310107", "dept_code": "CZJ"}}, cli, nil)
		if err != nil || res.Rejected || len(res.Filings) != 2 {
			b.Fatalf("upload: %v %+v", err, res.Report)
		}
	}
}
