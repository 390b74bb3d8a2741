package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// lineItemRows writes a realistic long-form file: many departments, the
// expenditure table's functional codes in three columns, amounts to the fen.
func lineItemRows(w io.Writer, n int) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(liHeader)
	codes := []string{"2010101", "2010601", "2010602", "2050201", "2080501", "2080505", "2101101", "2210201", "2130101", "2240101"}
	cols := []string{"total", "basic", "project"}
	for i := 0; i < n; i++ {
		dept := strconv.Itoa(100 + i/300)
		code := codes[(i/3)%len(codes)]
		amount := strconv.Itoa(1000+i*7%900000) + "." + strconv.Itoa(10+i%90)
		bw.WriteString("431099,示例县," + dept + ",示例县第" + dept + "局,2025,预算,元,expenditure," + code + ",行政运行," + cols[i%3] + ",\"" + amount + "\"\n")
	}
	return bw.Flush()
}

// BenchmarkReadLineItemsCSV parses a generated line-items CSV of 20,000 and
// of 200,000 rows. Flat memory shows as the same B/row and allocs/row at both
// sizes (nothing accumulates per row); TestReader_MemoryIsFlat checks the live heap.
func BenchmarkReadLineItemsCSV(b *testing.B) {
	for _, n := range []int{20000, 200000} {
		b.Run("rows="+strconv.Itoa(n), func(b *testing.B) {
			var buf bytes.Buffer
			if err := lineItemRows(&buf, n); err != nil {
				b.Fatal(err)
			}
			data := buf.Bytes()
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rd, err := Open(bytes.NewReader(data), "bench.csv", Options{})
				if err != nil {
					b.Fatal(err)
				}
				got := 0
				for {
					_, err := rd.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					got++
				}
				if got != n || len(rd.Findings()) != 0 {
					b.Fatalf("records %d findings %d", got, len(rd.Findings()))
				}
				rd.Close()
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			rows := float64(n) * float64(b.N)
			b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/rows, "B/row")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/rows, "allocs/row")
		})
	}
}

// heapDuringRead reads rd to the end and returns the live heap (after a GC)
// sampled every `every` records.
func heapDuringRead(t *testing.T, rd Reader, every int) (samples []uint64, records int) {
	t.Helper()
	var ms runtime.MemStats
	for {
		_, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return samples, records
		}
		if err != nil {
			t.Fatal(err)
		}
		if records++; records%every == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			samples = append(samples, ms.HeapAlloc)
		}
	}
}

// checkFlat fails when the live heap grew by more than limit bytes between
// the first sample and any later one.
func checkFlat(t *testing.T, samples []uint64, limit uint64) {
	t.Helper()
	if len(samples) < 3 {
		t.Fatalf("too few samples: %v", samples)
	}
	base := samples[0]
	for i, s := range samples {
		if s > base && s-base > limit {
			t.Fatalf("live heap grew by %d KiB by sample %d: %v", (s-base)>>10, i, samples)
		}
	}
	t.Logf("live heap samples (KiB): first %d, last %d", samples[0]>>10, samples[len(samples)-1]>>10)
}

func TestReader_MemoryIsFlatCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200,000 rows")
	}
	p := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := lineItemRows(f, 200000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rd, err := OpenFile(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	samples, n := heapDuringRead(t, rd, 20000)
	if n != 200000 {
		t.Fatalf("records = %d", n)
	}
	checkFlat(t, samples, 2<<20)
}

func TestReader_MemoryIsFlatXLSX(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 100,000-row workbook")
	}
	p := filepath.Join(t.TempDir(), "big.xlsx")
	const n = 100000
	writeBigXLSX(t, p, n)
	tmp := t.TempDir()
	rd, err := OpenFile(p, Options{TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	samples, got := heapDuringRead(t, rd, 10000)
	if got != n || len(rd.Findings()) != 0 {
		t.Fatalf("records = %d findings:\n%s", got, dump(rd.Findings()))
	}
	checkFlat(t, samples, 4<<20)
	if used, _ := os.ReadDir(tmp); len(used) == 0 {
		t.Error("a worksheet this large should be streamed from a temporary file")
	}
	if err := rd.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left after Close: %v", left)
	}
}

// writeBigXLSX writes a flat line-items workbook with excelize's stream writer.
func writeBigXLSX(t *testing.T, path string, n int) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	header := []any{"区划代码", "区划名称", "部门编码", "部门名称", "年度", "阶段", "单位", "表", "科目编码", "科目名称", "栏目", "金额"}
	if err := sw.SetRow("A1", header); err != nil {
		t.Fatal(err)
	}
	cols := []string{"total", "basic", "project"}
	for i := 0; i < n; i++ {
		dept := strconv.Itoa(100 + i/300)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{"431099", "示例县", dept, "示例县第" + dept + "局", 2025, "预算", "元", "expenditure", "2010601", "行政运行", cols[i%3], float64(1000+i%9000) + 0.25}
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}
