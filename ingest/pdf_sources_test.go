package ingest

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
)

// TestReadPDF_EveryFigureKnowsWhereItWasPrinted: every figure a real PDF
// reads to carries one source (page and box), and the box, cropped out of
// its page by poppler's pdftotext on its own (-f -l -x -y -W -H, not
// pdfgrid), holds the figure as printed. A sample of each document's line
// items is cropped (every seventh) and every 三公 field.
func TestReadPDF_EveryFigureKnowsWhereItWasPrinted(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	for _, doc := range realPDFs {
		t.Run(doc.name, func(t *testing.T) {
			path := filepath.Join("..", "testdata", "pdf", doc.name+".pdf")
			recs, _ := readRealPDF(t, doc.name, doc.region, doc.dept)
			cropped, n := 0, 0
			for _, r := range recs {
				var want []string // the printed figures, in the order of r.Sources
				switch {
				case r.LineItem != nil:
					if !r.LineItem.Amount.Valid {
						continue
					}
					n++
					if len(r.Sources) != 1 {
						t.Fatalf("%s %s: %d sources", r.Sheet, r.Cell, len(r.Sources))
					}
					s := r.Sources[0]
					li := r.LineItem
					if s.Table != li.Table || s.Code != li.Code || s.Column != li.Column {
						t.Fatalf("source %+v for line %s/%s/%s", s, li.Table, li.Code, li.Column)
					}
					if !strings.HasPrefix(r.Sheet, fmt.Sprintf("第%d页", s.Page)) {
						t.Errorf("source page %d, record placed at %s", s.Page, r.Sheet)
					}
					if n%7 == 0 {
						want = []string{li.Amount.Money.Format(li.Unit)}
					}
				case r.ThreePublic != nil:
					for _, s := range r.Sources {
						for _, a := range models.ThreePublicAmounts {
							if a.Key == s.Column {
								want = append(want, a.Get(r.ThreePublic).Money.Format(r.ThreePublic.Unit))
							}
						}
					}
					if len(r.Sources) == 0 || len(want) != len(r.Sources) {
						t.Fatalf("三公 record with %d sources, %d amounts", len(r.Sources), len(want))
					}
					n += len(r.Sources)
				}
				for i, w := range want {
					s := r.Sources[i]
					if s.X1 <= s.X0 || s.Y1 <= s.Y0 {
						t.Fatalf("empty box %+v", s)
					}
					got := crop(t, path, s)
					// ONLYOFFICE's wrong font metrics (the 2024 final) make each
					// box reach up into the row above: the figure is the last
					// line, and the box takes in at most one line more.
					ls := strings.Split(got, "\n")
					if figure(ls[len(ls)-1]) != figure(w) || len(ls) > 2 {
						t.Errorf("page %d box (%.0f,%.0f)-(%.0f,%.0f) of %s reads %q, the figure is %s", s.Page, s.X0, s.Y0, s.X1, s.Y1, s.Key(), got, w)
					}
					cropped++
				}
			}
			t.Logf("%d figures with a source, %d boxes cropped and compared", n, cropped)
			if cropped < 10 {
				t.Fatalf("only %d boxes compared", cropped)
			}
		})
	}
}

// crop reads the text inside a source's box with pdftotext alone.
func crop(t *testing.T, path string, s models.FigureSource) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// One point of margin: the box is the words' box.
	x, y := int(s.X0)-1, int(s.Y0)-1
	w, h := int(s.X1-s.X0)+3, int(s.Y1-s.Y0)+3
	out, err := exec.CommandContext(ctx, "pdftotext", "-f", fmt.Sprint(s.Page), "-l", fmt.Sprint(s.Page),
		"-x", fmt.Sprint(x), "-y", fmt.Sprint(y), "-W", fmt.Sprint(w), "-H", fmt.Sprint(h), path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// figure is a printed amount without separators, trailing zeros of its
// decimals and the decimal point: 2,940.05 and 2940.050 are one figure.
func figure(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
