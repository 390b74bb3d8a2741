package exports

import (
	"io"
	"runtime"
	"strconv"
	"testing"

	"sunshine/models"
)

// Synthetic rows for the large runs: one row value is refilled in place, so
// the rows themselves allocate nothing and the heap shows only the encoder.
var (
	benchDepts   [100]string
	benchReasons = []string{"", "会议次数减少，公务接待费下降", "=不是公式", "因公出国(境)团组减少, \"只减不增\""}
	benchNames   = []string{"行政运行", "一般行政管理事务", "机关事业单位基本养老保险缴费支出", "住房公积金"}
)

func init() {
	for i := range benchDepts {
		benchDepts[i] = strconv.Itoa(1000 + i)[1:] // "000" … "099": leading zeros
	}
}

func amount(i, salt int) models.NullMoney {
	if (i+salt)%11 == 0 {
		return nd
	}
	return yuan(int64(i*7919+salt*104729) % 100_000_000_00)
}

func fillThreePublic(i int, r *ThreePublicRow) {
	r.Origin = Origin{FilingID: int64(i + 1), Version: 1 + i%3, Release: 7, RegionCode: "431081", RegionName: "资兴市",
		DeptCode: benchDepts[i%100], DeptName: "资兴市某局", FiscalYear: 2021 + i%5, Phase: models.PhaseFinal}
	r.Unit = models.WanYuan
	r.Total, r.OutboundTrips, r.Vehicles = amount(i, 1), amount(i, 2), amount(i, 3)
	r.VehiclePurchase, r.VehicleOperation, r.Reception = amount(i, 4), amount(i, 5), amount(i, 6)
	r.BudgetTotal, r.BudgetOutboundTrips, r.BudgetVehicles = amount(i, 7), amount(i, 8), amount(i, 9)
	r.BudgetVehiclePurchase, r.BudgetVehicleOperation, r.BudgetReception = amount(i, 10), amount(i, 12), amount(i, 13)
	r.TripGroups, r.TripPersons = models.CountOf(int64(i%4)), models.CountOf(int64(i%9))
	r.VehiclesHeld, r.ReceptionBatches = models.CountOf(int64(i%30)), models.CountOf(int64(i%200))
	r.ChangeReason = benchReasons[i%len(benchReasons)]
	r.Permalink = "https://sunshine.example.gov.cn/api/v1/filings/12345"
}

func fillLineItem(i int, r *LineItemRow) {
	r.Origin = Origin{FilingID: int64(i/50 + 1), Version: 1, Release: 7, RegionCode: "431081", RegionName: "资兴市",
		DeptCode: benchDepts[i%100], DeptName: "资兴市某局", FiscalYear: 2021 + i%5, Phase: models.PhaseBudget}
	r.Table, r.Code, r.Name, r.Column = models.TableExpenditure, "2010601", benchNames[i%len(benchNames)], "basic"
	r.Amount, r.Unit = amount(i, 1), models.Yuan
	r.Permalink = "https://sunshine.example.gov.cn/api/v1/filings/12345"
}

// encodeN encodes n synthetic rows and returns the largest live heap seen
// (sampled after a collection every sample rows; 0 to skip sampling).
func encodeN[T any](tb testing.TB, e Encoder[T], n, sample int, fill func(int, *T)) uint64 {
	var row T
	var peak uint64
	var ms runtime.MemStats
	for i := range n {
		fill(i, &row)
		if err := e.Encode(row); err != nil {
			tb.Fatal(err)
		}
		if sample > 0 && i%sample == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if err := e.Close(); err != nil {
		tb.Fatal(err)
	}
	return peak
}

func liveHeap() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestEncoders_HeapStaysFlat encodes a million rows (XLSX: 200,000) to
// io.Discard and checks that the live heap never grows by more than the
// encoder's fixed buffers: nothing accumulates per row.
func TestEncoders_HeapStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("large exports are skipped with -short")
	}
	const mb = 1 << 20
	cases := []struct {
		name  string
		limit uint64
		run   func() uint64
	}{
		{"CSV 1M line items", 2 * mb, func() uint64 {
			return encodeN(t, NewCSVEncoder(io.Discard, LineItemsTable, CSVOptions{}), 1_000_000, 100_000, fillLineItem)
		}},
		{"CSV GB18030 1M 三公", 2 * mb, func() uint64 {
			return encodeN(t, NewCSVEncoder(io.Discard, ThreePublicTable, CSVOptions{Encoding: EncodingGB18030}), 1_000_000, 100_000, fillThreePublic)
		}},
		{"NDJSON 1M line items", 2 * mb, func() uint64 {
			return encodeN(t, NewNDJSONEncoder(io.Discard, LineItemsTable, JSONOptions{}), 1_000_000, 100_000, fillLineItem)
		}},
		// excelize keeps up to 16 MiB of sheet XML in memory before it spools to a temporary file.
		{"XLSX 200k 三公", 40 * mb, func() uint64 {
			e, err := NewXLSXEncoder(io.Discard, ThreePublicTable, XLSXOptions{TmpDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			return encodeN(t, e, 200_000, 20_000, fillThreePublic)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := liveHeap()
			peak := c.run()
			if peak > before && peak-before > c.limit {
				t.Errorf("live heap grew by %.1f MiB (limit %.0f MiB)", float64(peak-before)/mb, float64(c.limit)/mb)
			}
			t.Logf("live heap %.1f MiB before, peak %.1f MiB", float64(before)/mb, float64(peak)/mb)
		})
	}
}

func benchEncode[T any](b *testing.B, n int, fill func(int, *T), newEncoder func() Encoder[T]) {
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		peak = max(peak, encodeN(b, newEncoder(), n, n/5, fill))
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-MiB")
}

func BenchmarkEncodeCSV1M_ThreePublic(b *testing.B) {
	benchEncode(b, 1_000_000, fillThreePublic, func() Encoder[ThreePublicRow] {
		return NewCSVEncoder(io.Discard, ThreePublicTable, CSVOptions{})
	})
}

func BenchmarkEncodeCSV1M_LineItems(b *testing.B) {
	benchEncode(b, 1_000_000, fillLineItem, func() Encoder[LineItemRow] {
		return NewCSVEncoder(io.Discard, LineItemsTable, CSVOptions{})
	})
}

func BenchmarkEncodeCSV1M_LineItemsGB18030(b *testing.B) {
	benchEncode(b, 1_000_000, fillLineItem, func() Encoder[LineItemRow] {
		return NewCSVEncoder(io.Discard, LineItemsTable, CSVOptions{Encoding: EncodingGB18030})
	})
}

func BenchmarkEncodeJSON1M_LineItems(b *testing.B) {
	benchEncode(b, 1_000_000, fillLineItem, func() Encoder[LineItemRow] {
		return NewJSONEncoder(io.Discard, LineItemsTable, JSONOptions{})
	})
}

func BenchmarkEncodeNDJSON1M_ThreePublic(b *testing.B) {
	benchEncode(b, 1_000_000, fillThreePublic, func() Encoder[ThreePublicRow] {
		return NewNDJSONEncoder(io.Discard, ThreePublicTable, JSONOptions{})
	})
}

func BenchmarkEncodeXLSX200k_ThreePublic(b *testing.B) {
	benchEncode(b, 200_000, fillThreePublic, func() Encoder[ThreePublicRow] {
		e, err := NewXLSXEncoder(io.Discard, ThreePublicTable, XLSXOptions{TmpDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		return e
	})
}

func BenchmarkEncodeXLSX1M_LineItems(b *testing.B) {
	benchEncode(b, 1_000_000, fillLineItem, func() Encoder[LineItemRow] {
		e, err := NewXLSXEncoder(io.Discard, LineItemsTable, XLSXOptions{TmpDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		return e
	})
}
