package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
	"sunshine/store/storetest"
)

// postPDF uploads a PDF of testdata/pdf under the given file name.
func (a *api) postPDF(t *testing.T, token, name, as string, fields map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	return a.postForm(t, token, "pdf/"+name, as, fields)
}

// pdfUploadAnswer is what POST /api/v1/uploads answers for a PDF.
type pdfUploadAnswer struct {
	Upload  models.Upload   `json:"upload"`
	Filings []models.Filing `json:"filings"`
	Report  models.Report   `json:"report"`
}

// putuoPDF uploads one of 上海市普陀区财政局's published PDFs (testdata/pdf)
// as the admin, as 310107/CZJ, and returns the answer, which must be 201.
func (a *api) putuoPDF(t *testing.T, name string) pdfUploadAnswer {
	t.Helper()
	w := a.postPDF(t, a.admin, name, filepath.Base(name), map[string]string{"region_code": "310107", "dept_code": "CZJ"})
	if w.Code != http.StatusCreated {
		t.Fatalf("upload %s: %d %.800s", name, w.Code, w.Body)
	}
	return decode[pdfUploadAnswer](t, w)
}

// TestUpload_PDF: a text PDF of a disclosure table is read like the workbook
// it was printed from (whatever its file name says), its filing fields from
// the form; a real published final and a real budget read whole; a scan is
// refused with one sentence.
func TestUpload_PDF(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	fields := map[string]string{"region_code": "990102", "dept_code": "101", "dept_name": "示例县财政局",
		"fiscal_year": "2024", "phase": "final"}

	w := a.postPDF(t, a.admin, "printed-income-2024-final.pdf", "收入决算表.dat", fields)
	if w.Code != http.StatusCreated {
		t.Fatalf("printed PDF: %d %s", w.Code, w.Body)
	}
	res := decode[struct {
		Filings []models.Filing `json:"filings"`
		Report  models.Report   `json:"report"`
	}](t, w)
	if len(res.Filings) != 1 || res.Filings[0].RegionCode != "990102" || res.Filings[0].FiscalYear != 2024 ||
		res.Filings[0].Phase != models.PhaseFinal || res.Filings[0].Status != models.StatusDraft {
		t.Fatalf("filings %+v", res.Filings)
	}

	w = a.postPDF(t, a.admin, "scanned-three-public.pdf", "三公.pdf", fields)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "没有文字层") {
		t.Fatalf("scanned PDF: %d %s", w.Code, w.Body)
	}

	// The real 2024 final reads whole: its year and phase from the titles and the cover.
	w = a.postPDF(t, a.admin, "2024-final-shanghai-putuo-finance-bureau.pdf", "final.pdf",
		map[string]string{"region_code": "310107", "dept_code": "CZJ"})
	if w.Code != http.StatusCreated {
		t.Fatalf("real final: %d %.800s", w.Code, w.Body)
	}
	res = decode[struct {
		Filings []models.Filing `json:"filings"`
		Report  models.Report   `json:"report"`
	}](t, w)
	if len(res.Filings) != 1 || res.Filings[0].FiscalYear != 2024 || res.Filings[0].Phase != models.PhaseFinal ||
		res.Filings[0].DeptCode != "CZJ" || res.Report.Stats.Errors != 0 {
		t.Fatalf("real final: filings %+v, %d errors", res.Filings, res.Report.Stats.Errors)
	}

	// The real 2025 budget reads whole too: its 一、财政拨款收入 row is checked against its funds, not refused.
	w = a.postPDF(t, a.admin, "2025-budget-shanghai-putuo-finance-bureau.pdf", "budget.pdf",
		map[string]string{"region_code": "310107", "dept_code": "CZJ"})
	res = decode[struct {
		Filings []models.Filing `json:"filings"`
		Report  models.Report   `json:"report"`
	}](t, w)
	if w.Code != http.StatusCreated || len(res.Filings) != 1 || res.Filings[0].FiscalYear != 2025 ||
		res.Filings[0].Phase != models.PhaseBudget || res.Report.Stats.Errors != 0 {
		t.Fatalf("real budget: %d %.500s", w.Code, w.Body)
	}
}
