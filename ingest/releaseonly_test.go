package ingest

import (
	"strings"
	"testing"

	"sunshine/models"
)

// The columns only a release has (ids, versions, release numbers,
// permalinks) are ignored with a note of severity info each, naming the
// column; the file is not refused for them, and a truly unknown column still is.
func TestReleaseOnlyColumns_AreIgnoredWithAnInfoNote(t *testing.T) {
	csv := "filing_id,version,release,region_code,dept_code,dept_name,fiscal_year,phase,source_unit,total_yuan,outbound_trips_yuan,vehicle_purchase_yuan,vehicle_operation_yuan,reception_yuan,permalink\n" +
		"7,2,3,431081,001,财政局,2024,final,元,123456.78,0,0.01,100000.00,23456.77,http://x/api/v1/filings/7\n"
	rd := openString(t, csv, DefaultOptions())
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	if len(recs) != 1 || recs[0].ThreePublic == nil || recs[0].ThreePublic.Total != models.Disclosed(12345678) {
		t.Fatalf("records: %+v", recs)
	}
	notes := rd.Notes()
	var cols []string
	for _, n := range notes {
		if n.Rule != RuleHeaderReleaseOnly || n.Severity != models.SeverityInfo || n.Row != 1 || !strings.Contains(n.Message, "“"+n.Column+"”列") {
			t.Errorf("note: %+v", n)
		}
		cols = append(cols, n.Column)
	}
	if strings.Join(cols, ",") != "filing_id,version,release,permalink" {
		t.Fatalf("notes name %v", cols)
	}

	// In Chinese, and beside an unknown column, which is still refused.
	rd = openString(t, "公开编号,版本,发布号,区划代码,部门编码,部门名称,年度,阶段,原表单位,合计（元）,因公出国(境)费（元）,公务用车购置费(元),公务用车运行费（元）,公务接待费（元）,永久链接,备注栏\n"+
		"7,2,,431081,001,财政局,2024,final,元,123456.78,0,0.01,100000.00,23456.77,,x\n", DefaultOptions())
	readAll(t, rd)
	if len(rd.Notes()) != 4 || rd.Notes()[3].Column != "永久链接" {
		t.Errorf("notes: %+v", rd.Notes())
	}
	mustFind(t, rd.Findings(), RuleHeaderUnknown, 1, "备注栏")
	if len(rd.Findings()) != 1 {
		t.Errorf("findings: %s", dump(rd.Findings()))
	}
}
