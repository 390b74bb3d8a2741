package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	"sunshine/models"
)

func TestFormatDecimals(t *testing.T) {
	for code, want := range map[string]int{"0.00": 2, "#,##0.00": 2, "#,##0": 0, "0": 0, "0.0000": 4,
		`_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)`: 2, `#,##0.00_);[Red](#,##0.00)`: 2, `"¥"#,##0.0`: 1,
		`[$-804]#,##0.000`: 3} {
		if n, ok := formatDecimals(code).N(); !ok || n != want {
			t.Errorf("%q: %d %v, want %d", code, n, ok, want)
		}
	}
	for _, code := range []string{"", "General", "@"} {
		if d := formatDecimals(code); d != models.DecimalsUnknown {
			t.Errorf("%q: %v, want unknown", code, d)
		}
	}
}

// TestXLS_FormulaResultsAndMergesAreRead: the BIFF8 walk finds the merged
// header cells and the stored results of formulas (xlsReader skips both) in a
// workbook LibreOffice saved, its 合计 rows written as formulas.
func TestXLS_FormulaResultsAndMergesAreRead(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "workbooks", "final-yuan.libreoffice.xls"))
	if err != nil {
		t.Fatal(err)
	}
	stream, err := cfbStream(b)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := scanBIFF(stream)
	if err != nil {
		t.Fatal(err)
	}
	formulas, merges := 0, 0
	for _, m := range meta {
		formulas += len(m.formulas)
		merges += len(m.merged)
	}
	if formulas < 5 || merges < 20 {
		t.Errorf("%d formulas, %d merged ranges", formulas, merges)
	}
	sheets, err := readXLS(b, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range meta { // no hidden sheet here: sheets and meta line up
		for _, fc := range m.formulas {
			if c := sheets[i].Rows[fc.row][fc.col]; c.Text == "" || c.Decimals == models.DecimalsUnknown {
				t.Errorf("%s: formula cell %d,%d read as %+v", sheets[i].Name, fc.row, fc.col, c)
			}
		}
	}
}

// TestXLS_DamagedFilesAreRefusedNotPanics: a compound file that is not a
// readable BIFF8 workbook is EINVALID, whatever is broken in it.
func TestXLS_DamagedFilesAreRefusedNotPanics(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "testdata", "workbooks", "budget-wanyuan.libreoffice.xls"))
	if err != nil {
		t.Fatal(err)
	}
	loop, err := os.ReadFile(filepath.Join("testdata", "xls_fat_loop.xls"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		// A LibreOffice workbook with a few bytes changed so that its FAT
		// chains loop: xlsReader's own reader ran forever on it.
		"FAT loop":       loop,
		"signature only": oleMagic,
		"truncated":      good[:len(good)/3],
		"zeroed middle":  append(append(append([]byte(nil), good[:4096]...), make([]byte, 8192)...), good[4096+8192:]...),
	}
	for name, b := range cases {
		rd, err := Open(bytes.NewReader(b), "x.xls", Options{})
		var me *models.Error
		if err == nil {
			rd.Close()
			continue // a damage the reader survives is fine, as long as it does not panic
		}
		if !errors.As(err, &me) || me.Code != models.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}

// FuzzReadXLS mutates real BIFF8 workbooks: a damaged .xls is refused with
// EINVALID (or read), never a panic, a hang or a huge allocation.
func FuzzReadXLS(f *testing.F) {
	for _, name := range []string{"budget-wanyuan.libreoffice.xls", "final-yuan.libreoffice.xls"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "workbooks", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		watchdog := time.AfterFunc(10*time.Second, func() {
			buf := make([]byte, 1<<20)
			panic("reading took over 10 s:\n" + string(buf[:runtime.Stack(buf, true)]))
		})
		defer watchdog.Stop()
		rd, err := Open(bytes.NewReader(b), "x.xls", Options{})
		if err != nil {
			var me *models.Error
			if !errors.As(err, &me) {
				t.Fatalf("%v is not a domain error", err)
			}
			return
		}
		defer rd.Close()
		for {
			if _, err := rd.Next(); err != nil {
				break
			}
		}
	})
}

// TestXLS_FlatTableReadsAsItsXLSX: a flat table that LibreOffice saved as
// .xls (from testdata/line_items_libreoffice.xlsx) reads to the same records,
// with the same printed decimals, as the .xlsx it was saved from.
func TestXLS_FlatTableReadsAsItsXLSX(t *testing.T) {
	want := readAll(t, openTestdata(t, "line_items_libreoffice.xlsx", Options{}))
	rd := openTestdata(t, "line_items_libreoffice.xls", Options{})
	got := readAll(t, rd)
	noFindings(t, rd.Findings())
	if rd.Kind() != models.KindLineItems || len(got) != len(want) || len(got) == 0 {
		t.Fatalf("kind %q, %d records, want %d", rd.Kind(), len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("record %d:\n got %+v %+v\nwant %+v %+v", i, got[i], got[i].LineItem, want[i], want[i].LineItem)
		}
	}
}

// TestCFB_WrapRoundTrips: a stream wrapped in a fresh compound file comes out
// of it unchanged (padded to the mini-stream cutoff), for small and large
// streams; one past the header's FAT capacity is refused.
func TestCFB_WrapRoundTrips(t *testing.T) {
	for _, n := range []int{10, 4096, 70000, 3 << 20} {
		stream := make([]byte, n)
		for i := range stream {
			stream[i] = byte(i*7 + i/251)
		}
		wrapped, err := cfbWrap(stream)
		if err != nil {
			t.Fatalf("%d: %v", n, err)
		}
		got, err := cfbStream(wrapped)
		if err != nil {
			t.Fatalf("%d: %v", n, err)
		}
		if len(got) < n || !bytes.Equal(got[:n], stream) {
			t.Errorf("%d bytes: came back as %d, different", n, len(got))
		}
	}
	if _, err := cfbWrap(make([]byte, 8<<20)); err == nil {
		t.Error("an 8 MB stream was wrapped")
	}
}
