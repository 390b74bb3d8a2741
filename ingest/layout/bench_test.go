package layout_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"sunshine/models"
)

// BenchmarkReadOfficialWorkbook reads a nine-sheet official-layout workbook
// of about 600 printed figures (the budget with carry-over, its classified
// tables grown by 项 lines) through ingest.OpenFile, as an upload does.
func BenchmarkReadOfficialWorkbook(b *testing.B) {
	fx := loadFixture(b, "budget-yuan-carryover")
	grow(&fx, 600)
	path := filepath.Join(b.TempDir(), "nine.xlsx")
	if err := writeWorkbook(fx, style{codes: "single", title: "dept-year", sheets: "numbered", nine: true}, "", path); err != nil {
		b.Fatal(err)
	}
	lines := len(readRecords(b, path, uploadOptions()))
	if lines < 600 {
		b.Fatalf("%d records, want 600 or more", lines)
	}
	b.ReportAllocs()
	for b.Loop() {
		readRecords(b, path, uploadOptions())
	}
	b.ReportMetric(float64(lines), "lines/op")
}

// grow adds 项 lines under 20406 to the classified tables until the nine
// tables print at least n figures.
func grow(fx *fixture, n int) {
	count := func() int {
		c := 1 // the 三公 record
		for t, items := range fx.items {
			if t != models.TableProcurement && t != models.TableOperatingCost {
				c += len(items)
			}
		}
		return c
	}
	for i := 20; count() < n && i < 99; i++ {
		code := "20406" + strconv.Itoa(i)
		for _, t := range []models.Table{models.TableIncome, models.TableExpenditure, models.TableGeneralExpenditure} {
			spec, _ := models.LookupTable(string(t))
			for _, c := range spec.Columns[:min(3, len(spec.Columns))] {
				fx.items[t] = append(fx.items[t], models.LineItem{Table: t, Code: code, Name: "司法业务" + strconv.Itoa(i), Column: c.Key,
					Amount: models.Disclosed(models.Money(100*i + 12)), Unit: models.Yuan, Decimals: models.PrintedDecimals(2)})
			}
		}
	}
}
