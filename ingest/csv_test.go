package ingest

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sunshine/models"
)

func TestOpen_GBKThreePublicCSV(t *testing.T) {
	rd := openTestdata(t, "three_public_gbk.csv", Options{})
	if rd.Kind() != models.KindThreePublic {
		t.Fatalf("kind = %q, want three_public (detected from headers)", rd.Kind())
	}
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	if len(recs) != 3 {
		t.Fatalf("got %d records, want 3", len(recs))
	}
	first := recs[0]
	if first.Row != 2 || first.DeptName != "县财政局" || first.RegionName != "示例县" {
		t.Errorf("first record = row %d %q %q", first.Row, first.DeptName, first.RegionName)
	}
	want := models.FilingKey{RegionCode: "431099", DeptCode: "001", FiscalYear: 2024, Phase: models.PhaseFinal}
	if first.Key != want {
		t.Errorf("key = %+v, want %+v", first.Key, want)
	}
	tp := first.ThreePublic
	if tp.Unit != models.WanYuan || tp.Total != money(t, "1012.5", models.WanYuan) ||
		tp.Vehicles != money(t, "8.5", models.WanYuan) || tp.VehicleOperation != money(t, "8.5", models.WanYuan) ||
		tp.BudgetReception != money(t, "4", models.WanYuan) || tp.VehiclesHeld != models.CountOf(3) {
		t.Errorf("three public = %+v", tp)
	}
	if tp.ChangeReason != "严格执行\"只减不增\"，公务接待费\n较上年减少" {
		t.Errorf("change reason = %q (quoted field with a line break)", tp.ChangeReason)
	}
	if tp.SourceRow != 2 {
		t.Errorf("SourceRow = %d", tp.SourceRow)
	}
	// The first record spans two lines; the next is still row 3, as a spreadsheet shows it.
	if recs[1].Row != 3 || recs[2].Row != 4 {
		t.Errorf("rows = %d, %d; want 3, 4", recs[1].Row, recs[2].Row)
	}
	second := recs[1].ThreePublic
	if second.BudgetTotal.Valid || second.ChangeReason != "" || second.ForeignReceptionPersons != models.CountOf(6) {
		t.Errorf("blank 预算数 must stay not disclosed: %+v", second)
	}
	third := recs[2].ThreePublic
	if third.Unit != models.Yuan || third.Total != money(t, "186000", models.Yuan) || third.TripGroups.Valid {
		t.Errorf("third = %+v", third)
	}
}

func TestOpen_UTF8BOMLineItemsCSV(t *testing.T) {
	rd := openTestdata(t, "line_items_bom.csv", Options{})
	if rd.Kind() != models.KindLineItems {
		t.Fatalf("kind = %q", rd.Kind())
	}
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	if len(recs) != 6 {
		t.Fatalf("got %d records", len(recs))
	}
	li := recs[0].LineItem
	if li.Table != models.TableExpenditure || li.Code != "total" || li.Column != "total" || li.Amount != money(t, "3456789.01", models.Yuan) {
		t.Errorf("first line = %+v", li)
	}
	if recs[0].Key.RegionCode != "431099" {
		t.Errorf("the BOM must not stick to the first header: key %+v", recs[0].Key)
	}
	oc := recs[4].LineItem
	if oc.Table != models.TableOperatingCost || oc.Unit != models.WanYuan || oc.Amount != models.Disclosed(35800000) {
		t.Errorf("operating cost = %+v", oc)
	}
	// Chinese table and column names, and a blank amount: not disclosed.
	last := recs[5].LineItem
	if last.Table != models.TableExpenditure || last.Column != "project" || last.Amount.Valid || last.Name != "一般行政管理事务" {
		t.Errorf("last line = %+v", last)
	}
}

func TestOpen_TabSeparated(t *testing.T) {
	rd := openTestdata(t, "three_public_tab.tsv", Options{Kind: models.KindThreePublic})
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	if len(recs) != 2 {
		t.Fatalf("got %d records", len(recs))
	}
	if recs[0].ThreePublic.Total != money(t, "1000", models.Yuan) || recs[1].DeptName != "县教育局" {
		t.Errorf("records = %+v / %+v", recs[0].ThreePublic, recs[1])
	}
	if recs[1].ThreePublic.OutboundTrips.Valid || recs[1].ThreePublic.TripGroups.Valid {
		t.Errorf("blank cells must be not disclosed: %+v", recs[1].ThreePublic)
	}
}

const tpHeader = "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n"

func TestOpen_CRLFAndGBKDetectedWithoutBOM(t *testing.T) {
	utf := tpHeader + "431099,001,县财政局,2025,预算,元,10,0,0,6,4\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(strings.ReplaceAll(utf, "\n", "\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	recs, fs := parseAll(t, gbk, Options{})
	noFindings(t, fs)
	if len(recs) != 1 || recs[0].DeptName != "县财政局" {
		t.Fatalf("records = %+v", recs)
	}
}

func TestOpen_GBKAfterLongASCIIPrefix(t *testing.T) {
	// English headers and many ASCII-only rows: the encoding is decided only at
	// the first Chinese character, far past the first read.
	var b strings.Builder
	b.WriteString("region_code,dept_code,dept_name,fiscal_year,phase,unit,total,outbound_trips,vehicle_purchase,vehicle_operation,reception\n")
	for i := 0; i < 3000; i++ {
		b.WriteString("431099,D" + itoa(i) + ",dept,2025,budget,yuan,1,0,0,0,1\n")
	}
	b.WriteString("431099,X1,县财政局,2025,budget,yuan,1,0,0,0,1\n")
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().String(b.String())
	recs, fs := parseAll(t, gbk, Options{})
	noFindings(t, fs)
	if got := recs[len(recs)-1].DeptName; got != "县财政局" {
		t.Fatalf("last dept = %q", got)
	}
}

func TestOpen_BlankLinesCountAsRows(t *testing.T) {
	// A blank line between the header and data is row 2 for Excel; data starts on row 3.
	s := tpHeader + "\n431099,001,县财政局,2025,预算,元,10,0,0,6,4\n\n\n"
	recs, fs := parseAll(t, s, Options{})
	mustFind(t, fs, RuleRowBlank, 2, "")
	if len(fs) != 1 {
		t.Errorf("trailing blank lines must be ignored:\n%s", dump(fs))
	}
	if len(recs) != 1 || recs[0].Row != 3 {
		t.Fatalf("records = %+v", recs)
	}
}

func TestOpen_TrailingEmptyColumnsFromExcel(t *testing.T) {
	// Excel saves a used range wider than the table as trailing empty cells.
	s := strings.TrimSuffix(tpHeader, "\n") + ",,\n431099,001,县财政局,2025,预算,元,10,0,0,6,4,,\n,,,,,,,,,,,,\n"
	recs, fs := parseAll(t, s, Options{})
	noFindings(t, fs)
	if len(recs) != 1 {
		t.Fatalf("records = %d", len(recs))
	}
}

func TestOpen_UTF16IsRefused(t *testing.T) {
	_, err := Open(bytes.NewReader([]byte("\xFF\xFEa\x00")), "x.txt", Options{})
	if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), "UTF-16") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpen_UnknownKindIsAnError(t *testing.T) {
	_, err := Open(strings.NewReader("a,b,c\n1,2,3\n"), "x.csv", Options{})
	if models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("err = %v", err)
	}
	_, err = Open(strings.NewReader(tpHeader), "x.csv", Options{Kind: "nonsense"})
	if models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("bad kind: err = %v", err)
	}
}

func TestOpen_XLSIsRefused(t *testing.T) {
	_, err := Open(bytes.NewReader(append(append([]byte(nil), oleMagic...), 0, 0, 0)), "old.xls", Options{})
	if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), ".xls") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpen_KindGivenOverridesDetection(t *testing.T) {
	// A 三公 file uploaded as line items: its own columns are unknown, line-item columns missing.
	_, fs := parseAll(t, tpHeader+"431099,001,县财政局,2025,预算,元,10,0,0,6,4\n", Options{Kind: models.KindLineItems})
	mustFind(t, fs, RuleHeaderUnknown, 1, "合计")
	mustFind(t, fs, RuleHeaderMissing, 1, "栏目")
}

func TestOpen_RowNumbersWithLineBreaksInsideFields(t *testing.T) {
	// Row 2 spans two lines inside a quoted field (not the last one); the empty
	// line after it is row 3; the next record is row 4.
	s := liHeader + liRow("name", "行政\n运行") + "\n" + liRow("amount", "x")
	recs, fs := parseAll(t, s, Options{})
	mustFind(t, fs, RuleRowBlank, 3, "")
	mustFind(t, fs, RuleCellType, 4, "金额")
	if len(recs) != 1 || recs[0].Row != 2 || recs[0].LineItem.Name != "行政\n运行" {
		t.Fatalf("records = %+v", recs)
	}
}
