package models

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func finding(rule string, sev Severity, row int) Finding {
	return Finding{Rule: rule, Severity: sev, Message: rule + " 消息", Table: "three_public", Row: row}
}

func TestNewReport_EmptyIsValidWithAnEmptyList(t *testing.T) {
	for _, in := range [][]Finding{nil, {}} {
		r := NewReport(in)
		if !r.Valid || r.Partial || r.Stats != (ReportStats{}) {
			t.Errorf("NewReport(%v) = %+v; want valid, complete, zero stats", in, r)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		const want = `{"valid":true,"partial":false,"stats":{"errors":0,"warnings":0,"infos":0},"findings":[]}`
		if string(b) != want {
			t.Errorf("json = %s; want %s (findings must be [] not null)", b, want)
		}
	}
}

func TestNewReport_CountsBySeverity(t *testing.T) {
	in := []Finding{
		finding("change.reason_missing", SeverityWarning, 2),
		finding("three_public.total", SeverityError, 3),
		finding("hierarchy.sum", SeverityInfo, 4),
		finding("row.sum", SeverityInfo, 5),
		finding("amount.negative", SeverityError, 6),
		finding("unit.suspect", SeverityWarning, 7),
		finding("count.order", SeverityWarning, 8),
	}
	r := NewReport(in)
	if r.Stats != (ReportStats{Errors: 2, Warnings: 3, Infos: 2}) {
		t.Errorf("Stats = %+v; want 2 errors, 3 warnings, 2 infos", r.Stats)
	}
	if r.Valid {
		t.Errorf("Valid = true with 2 errors; want false")
	}
	if r.Partial || len(r.Findings) != len(in) {
		t.Errorf("Partial = %v with %d of %d findings; want every finding and not partial", r.Partial, len(r.Findings), len(in))
	}
}

func TestNewReport_ListsErrorsFirstThenWarningsThenInfosKeepingInputOrder(t *testing.T) {
	in := []Finding{
		finding("i1", SeverityInfo, 1),
		finding("w1", SeverityWarning, 2),
		finding("e1", SeverityError, 3),
		finding("i2", SeverityInfo, 4),
		finding("e2", SeverityError, 5),
		finding("w2", SeverityWarning, 6),
	}
	orig := append([]Finding(nil), in...)
	r := NewReport(in)
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Rule)
	}
	if want := []string{"e1", "e2", "w1", "w2", "i1", "i2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v; want %v", got, want)
	}
	if !reflect.DeepEqual(in, orig) {
		t.Errorf("NewReport reordered its argument")
	}
}

func TestNewReport_WarningsAndInfosOnlyIsValid(t *testing.T) {
	r := NewReport([]Finding{finding("final.over_budget", SeverityWarning, 0), finding("row.sum", SeverityInfo, 0)})
	if !r.Valid {
		t.Errorf("Valid = false with only a warning and an info; want true (they do not block publication)")
	}
}

func TestNewReport_CapsAtMaxReportFindingsKeepingErrorsAndMarksPartial(t *testing.T) {
	var in []Finding
	for i := 0; i < 1500; i++ {
		in = append(in, finding(fmt.Sprintf("w%d", i), SeverityWarning, i+2))
	}
	for i := 0; i < 10; i++ {
		in = append(in, finding(fmt.Sprintf("e%d", i), SeverityError, 2000+i))
	}
	for i := 0; i < 5; i++ {
		in = append(in, finding(fmt.Sprintf("i%d", i), SeverityInfo, 3000+i))
	}
	r := NewReport(in)
	if len(r.Findings) != MaxReportFindings {
		t.Fatalf("len(Findings) = %d; want %d", len(r.Findings), MaxReportFindings)
	}
	if !r.Partial {
		t.Errorf("Partial = false after dropping %d findings; want true", len(in)-MaxReportFindings)
	}
	if r.Stats != (ReportStats{Errors: 10, Warnings: 1500, Infos: 5}) {
		t.Errorf("Stats = %+v; want the counts of every finding, not only the listed ones", r.Stats)
	}
	for i := 0; i < 10; i++ {
		if r.Findings[i].Severity != SeverityError || r.Findings[i].Rule != fmt.Sprintf("e%d", i) {
			t.Fatalf("Findings[%d] = %s/%s; want the errors first, in order", i, r.Findings[i].Severity, r.Findings[i].Rule)
		}
	}
	if last := r.Findings[MaxReportFindings-1]; last.Rule != "w989" {
		t.Errorf("last listed finding = %s; want w989", last.Rule)
	}
	if r.Valid {
		t.Errorf("Valid = true; want false")
	}
}

func TestNewReport_ExactlyMaxFindingsIsNotPartial(t *testing.T) {
	in := make([]Finding, MaxReportFindings)
	for i := range in {
		in[i] = finding("row.sum", SeverityInfo, i+2)
	}
	r := NewReport(in)
	if r.Partial || len(r.Findings) != MaxReportFindings {
		t.Errorf("%d findings: Partial = %v, listed %d; want not partial, all listed", MaxReportFindings, r.Partial, len(r.Findings))
	}
	r = NewReport(append(in, finding("row.sum", SeverityInfo, 9999)))
	if !r.Partial || len(r.Findings) != MaxReportFindings || r.Stats.Infos != MaxReportFindings+1 {
		t.Errorf("%d findings: Partial = %v, listed %d, infos %d; want partial, %d listed, %d counted",
			MaxReportFindings+1, r.Partial, len(r.Findings), r.Stats.Infos, MaxReportFindings, MaxReportFindings+1)
	}
}

func TestNewReport_ErrorsAloneBeyondTheCapArePartial(t *testing.T) {
	in := make([]Finding, MaxReportFindings+3)
	for i := range in {
		in[i] = finding("amount.negative", SeverityError, i+2)
	}
	r := NewReport(in)
	if !r.Partial || len(r.Findings) != MaxReportFindings || r.Stats.Errors != MaxReportFindings+3 || r.Valid {
		t.Errorf("report = partial %v, listed %d, errors %d, valid %v; want partial, %d listed, %d errors, invalid",
			r.Partial, len(r.Findings), r.Stats.Errors, r.Valid, MaxReportFindings, MaxReportFindings+3)
	}
}

func TestFindingJSON_UsesTheContractFieldNamesAndOmitsEmptyOnes(t *testing.T) {
	f := Finding{Rule: "three_public.total", Severity: SeverityError, Message: "合计不等于各项之和", FilingID: 12,
		Table: "three_public", Code: "total", Column: "total", Row: 3, Value: "568.70",
		Expected: "568.70", Actual: "568.60"}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"rule", "severity", "message", "filing_id", "table", "code", "column", "row", "value", "expected", "actual"} {
		if _, ok := m[key]; !ok {
			t.Errorf("finding JSON lacks %q: %s", key, b)
		}
	}
	if m["row"] != float64(3) || m["severity"] != "error" {
		t.Errorf("finding JSON = %s; want row 3 and severity error", b)
	}
	b, _ = json.Marshal(Finding{Rule: "file.empty", Severity: SeverityError, Message: "文件没有数据行"})
	if s := string(b); s != `{"rule":"file.empty","severity":"error","message":"文件没有数据行"}` {
		t.Errorf("minimal finding JSON = %s; want only rule, severity and message", s)
	}
	if strings.Contains(string(b), "other_") {
		t.Errorf("minimal finding JSON mentions the other side: %s", b)
	}
}
