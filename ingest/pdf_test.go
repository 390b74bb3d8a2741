package ingest

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"testing"

	"sunshine/models"
)

// realPDFs are the published PDFs of testdata/pdf with their transcriptions
// in testdata/real, the codes their filings carry and how many transcribed
// figures the reading does not give (the prose's: 政府采购 and the final's
// 机关运行经费; 社会福利院's 4 are the figures of a row whose 类 is misprinted,
// refused with a finding; 万里街道 2024's 6 are the two 基本支出 rows whose 款
// is printed with one digit, 301 │ 2 and 301 │ 7, refused cell by cell).
var realPDFs = []struct {
	name, region, dept string
	notRead            int
}{
	{"2024-final-shanghai-putuo-finance-bureau", "310107", "CZJ", 5},
	{"2025-budget-shanghai-putuo-finance-bureau", "310107", "CZJ", 4},
	{"2025-budget-shanghai-municipal-finance-bureau", "310000", "SCZJ", 4},
	{"2025-budget-shanghai-putuo-wanli-subdistrict", "310107", "WLJD", 4},
	{"2024-budget-shanghai-putuo-social-welfare-home", "310107", "SHFLY", 8},
	{"2023-budget-shanghai-putuo-wanli-subdistrict", "310107", "WLJD", 4},
	{"2024-budget-shanghai-putuo-wanli-subdistrict", "310107", "WLJD", 10},
}

// figures lists a document's figures as table/code/column = fen, the 三公
// record's amounts as three_public//field.
func figures(recs []Record) map[string]int64 {
	out := map[string]int64{}
	for _, r := range recs {
		if li := r.LineItem; li != nil && li.Amount.Valid {
			out[string(li.Table)+"/"+li.Code+"/"+li.Column] = int64(li.Amount.Money)
		}
		if tp := r.ThreePublic; tp != nil {
			for _, a := range models.ThreePublicAmounts {
				if m := *a.Get(tp); m.Valid {
					out["three_public//"+a.Key] = int64(m.Money)
				}
			}
		}
	}
	return out
}

func readRealPDF(t *testing.T, name, region, dept string) ([]Record, []models.Finding) {
	t.Helper()
	opts, err := Options{}.WithFilingFields(map[string]string{"region_code": region, "dept_code": dept})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := OpenFile(filepath.Join("..", "testdata", "pdf", name+".pdf"), opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer rd.Close()
	return readAll(t, rd), rd.Findings()
}

func readTranscription(t *testing.T, name string) []Record {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "real", name, "*.csv"))
	var recs []Record
	for _, p := range paths {
		rd, err := OpenFile(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, readAll(t, rd)...)
		if fs := rd.Findings(); len(fs) > 0 {
			t.Fatalf("%s: %s", p, fs[0].Message)
		}
		rd.Close()
	}
	return recs
}

// pdfWrong are the figures the PDF reading gets wrong, with why: none now
// (a figure that differs from its transcription fails the test).
var pdfWrong = map[string]string{}

// TestReadPDF_RealDocumentsReadAsTranscribed reads the published PDFs and
// compares every figure with the transcription of the same document: a
// figure the PDF gives must be the transcribed one (the only exceptions are
// in pdfWrong); the figures of tables the reader cannot map yet (their
// findings say which) are counted, not compared.
func TestReadPDF_RealDocumentsReadAsTranscribed(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	for _, doc := range realPDFs {
		t.Run(doc.name, func(t *testing.T) {
			recs, fs := readRealPDF(t, doc.name, doc.region, doc.dept)
			transcribed := readTranscription(t, doc.name)
			want := figures(transcribed)
			for _, tr := range transcribed {
				if tr.DeptName != recs[0].DeptName {
					t.Errorf("department %q, transcribed %q", recs[0].DeptName, tr.DeptName)
				}
				if tr.ThreePublic == nil {
					continue
				}
				var got *models.ThreePublic
				for _, r := range recs {
					if r.ThreePublic != nil {
						got = r.ThreePublic
					}
				}
				if got == nil {
					t.Logf("no 三公 record read: its change reason is not compared")
				} else if reason := got.ChangeReason; reason != tr.ThreePublic.ChangeReason {
					t.Errorf("change reason\n%q\ntranscribed\n%q", reason, tr.ThreePublic.ChangeReason)
				}
			}
			got := figures(recs)
			matched, missing := 0, 0
			for k, g := range got {
				w, ok := want[k]
				switch {
				case ok && w == g:
					matched++
				case pdfWrong[k] != "":
					t.Logf("known wrong: %s: pdf %s transcription %s (%s)", k, fen(g, true), fen(w, ok), pdfWrong[k])
				default:
					t.Errorf("%s: pdf %s, transcription %s", k, fen(g, true), fen(w, ok))
				}
			}
			byTable := map[string]int{}
			for k := range want {
				if _, ok := got[k]; !ok {
					missing++
					table, _, _ := strings.Cut(k, "/")
					byTable[table]++
				}
			}
			if missing > 0 {
				t.Logf("not read, by table: %v", byTable)
			}
			if missing != doc.notRead {
				t.Errorf("%d transcribed figures not read, want %d", missing, doc.notRead)
			}
			t.Logf("%s: %d of %d transcribed figures read the same, %d not read; %d findings", doc.name, matched, len(want), missing, len(fs))
			for _, f := range fs {
				t.Logf("  %s", f.Message)
				if f.Sheet == "" || !strings.HasPrefix(f.Sheet, "第") || !strings.HasPrefix(f.Message, f.Sheet) {
					t.Errorf("finding not placed on a page: %+v", f)
				}
			}
			if matched == 0 {
				t.Fatal("no figure matched")
			}
			key := recs[0].Key
			if key.RegionCode != doc.region || key.DeptCode != doc.dept || key.FiscalYear == 0 || key.Phase == "" {
				t.Errorf("filing %+v", key)
			}
			for _, r := range recs {
				if !strings.HasPrefix(r.Sheet, "第") || r.Cell == "" {
					t.Fatalf("record not placed on a page: sheet %q cell %q", r.Sheet, r.Cell)
				}
			}
		})
	}
}

func fen(v int64, ok bool) string {
	if !ok {
		return "—"
	}
	return models.Money(v).String()
}

func TestReadPDF_ScannedIsRefusedWithOneSentence(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	_, err := OpenFile(filepath.Join("..", "testdata", "pdf", "scanned-three-public.pdf"), Options{})
	if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), "没有文字层") {
		t.Fatalf("err = %v", err)
	}
}

// A PDF is known by its signature, whatever its name says.
func TestOpen_PDFIsSniffedWhateverTheName(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	f, err := os.Open(filepath.Join("..", "testdata", "pdf", "printed-income-2024-final.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The page prints the table alone: no cover, no year in its title.
	opts, err := Options{}.WithFilingFields(map[string]string{"region_code": "310107", "dept_code": "CZJ",
		"dept_name": "上海市普陀区财政局", "fiscal_year": "2024", "phase": "决算"})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := Open(struct{ io.Reader }{f}, "upload.csv", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	recs := readAll(t, rd)
	for _, f := range rd.Findings() {
		t.Errorf("%s", f.Message)
	}
	if len(recs) == 0 || recs[0].LineItem == nil || recs[0].LineItem.Table != models.TableIncome {
		t.Fatalf("records %+v", recs)
	}
	if !strings.HasPrefix(recs[0].Sheet, "第1页") {
		t.Errorf("sheet %q", recs[0].Sheet)
	}
}
