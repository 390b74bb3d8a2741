package ingest

import (
	"testing"

	"sunshine/models"
)

// An export's own column names upload back (CONTRACT.md §3.1): amounts read
// in the unit their header names, source_unit kept as the row's unit, the
// release-only columns skipped.
func TestExportNames_AmountHeadersNameTheirUnit(t *testing.T) {
	for _, c := range []struct{ name, csv string }{
		{"english 万元", "filing_id,version,release,region_code,dept_code,dept_name,fiscal_year,phase,source_unit,total_wanyuan,outbound_trips_wanyuan,vehicle_purchase_wanyuan,vehicle_operation_wanyuan,reception_wanyuan,permalink\n" +
			"7,2,3,431081,001,财政局,2024,final,元,12.345678,0.00,0.000001,10.123456,2.345677,http://x/api/v1/filings/7\n"},
		{"chinese 元", "公开编号,版本,发布号,区划代码,部门编码,部门名称,年度,阶段,原表单位,合计（元）,因公出国(境)费（元）,公务用车购置费(元),公务用车运行费（元）,公务接待费（元）,永久链接\n" +
			"7,2,,431081,001,财政局,2024,final,元,123456.78,0,0.01,100000.00,23456.77,\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			recs, fs := parseAll(t, c.csv, DefaultOptions())
			noFindings(t, fs)
			if len(recs) != 1 || recs[0].ThreePublic == nil {
				t.Fatalf("records: %+v", recs)
			}
			tp := recs[0].ThreePublic
			if tp.Unit != models.Yuan || tp.Total != models.Disclosed(12345678) || tp.VehiclePurchase != models.Disclosed(1) || tp.Reception != models.Disclosed(2345677) {
				t.Fatalf("record: %+v", tp)
			}
			if d, ok := tp.Decimals.N(); !ok || d != 2 {
				t.Errorf("printed precision in the source unit: %d %v", d, ok)
			}
		})
	}
}

// Beside an upload's own 单位 column, a header that names another unit is an error naming row and column.
func TestExportNames_UnitConflictIsAnError(t *testing.T) {
	_, fs := parseAll(t, "区划代码,部门编码,部门名称,年度,阶段,单位,合计（元）,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n"+
		"431081,001,财政局,2024,决算,万元,12.00,0,0,8.50,3.50\n", DefaultOptions())
	f := mustFind(t, fs, RuleCellEnum, 2, "合计（元）")
	if f.Severity != models.SeverityError {
		t.Fatalf("%+v", f)
	}
	// Agreeing units are fine, and the old names still work.
	recs, fs := parseAll(t, "区划代码,部门编码,部门名称,年度,阶段,单位,合计(万元),因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n"+
		"431081,001,财政局,2024,决算,万元,12.00,0,0,8.50,3.50\n", DefaultOptions())
	noFindings(t, fs)
	if recs[0].ThreePublic.Total != models.Disclosed(12000000) {
		t.Fatalf("%+v", recs[0].ThreePublic)
	}
}
