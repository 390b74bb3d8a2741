package handlers_test

import (
	"strings"
	"testing"

	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store/storetest"
)

// An export uploads back: its release-only columns are ignored, each with a
// note of severity info in the report, and the upload is stored (201), not
// refused as a file with parse findings would be.
func TestUpload_ReleaseOnlyColumnsPassWithAnInfo(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	csv := "filing_id,version,release,region_code,dept_code,dept_name,fiscal_year,phase,source_unit,total_yuan,outbound_trips_yuan,vehicle_purchase_yuan,vehicle_operation_yuan,reception_yuan,permalink\n" +
		"7,2,3,431081,001,资兴市财政局,2024,final,元,123456.78,0,0.01,100000.00,23456.77,http://x/api/v1/filings/7\n"
	w := a.upload(t, a.admin, "导出.csv", []byte(csv), "")
	if w.Code != 201 {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	up := decode[handlers.UploadAnswer](t, w)
	if len(up.Filings) != 1 || up.Filings[0].Status != models.StatusDraft || !up.Report.Valid {
		t.Fatalf("answer: %s", w.Body)
	}
	var cols []string
	for _, f := range up.Report.Findings {
		if f.Rule == "header.release_only" {
			if f.Severity != models.SeverityInfo || f.Row != 1 || !strings.Contains(f.Message, f.Column) {
				t.Errorf("note: %+v", f)
			}
			cols = append(cols, f.Column)
		}
	}
	if strings.Join(cols, ",") != "filing_id,version,release,permalink" || up.Report.Stats.Infos < 4 || up.Report.Stats.Errors != 0 {
		t.Fatalf("report: %+v", up.Report)
	}
	// Beside a parse finding the file is refused, and the notes still say what was ignored.
	w = a.upload(t, a.admin, "导出2.csv", []byte(strings.Replace(csv, "123456.78", "12x", 1)), "")
	rej := decode[handlers.RejectedAnswer](t, w)
	if w.Code != 422 || rej.Report.Stats.Errors != 1 || rej.Report.Stats.Infos != 4 || rej.Report.Valid {
		t.Fatalf("refused upload: %d %s", w.Code, w.Body)
	}
}
