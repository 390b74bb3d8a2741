package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"sunshine/models"
	"sunshine/store/storetest"
)

// postForm uploads ../testdata/<path> as the file named as, with the given form fields.
func (a *api) postForm(t *testing.T, token, path, as string, fields map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	content, err := os.ReadFile("../testdata/" + path)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", as)
	fw.Write(content)
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/uploads", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	return w
}

// postWorkbook uploads a workbook of testdata/workbooks with the given form fields.
func (a *api) postWorkbook(t *testing.T, token, name string, fields map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	return a.postForm(t, token, "workbooks/"+name, name, fields)
}

// TestUpload_OfficialWorkbookTakesTheFilingFromFormOrScope: a bureau's own
// workbook names its department and year in the titles but not the region
// code; the form field region_code supplies it, an uploader's token scope
// does too, and without either the workbook is refused naming the field.
func TestUpload_OfficialWorkbookTakesTheFilingFromFormOrScope(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	shiyi := makeToken(t, s, models.Token{Name: "示例县财政局", Role: models.RoleUploader, RegionCode: "990102"})

	for _, name := range []string{"budget-yuan-no-carryover.xlsx", "final-wanyuan.libreoffice.xls"} {
		t.Run(name, func(t *testing.T) {
			w := a.postWorkbook(t, a.admin, name, nil)
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "region_code") {
				t.Fatalf("without region_code: %d %s", w.Code, w.Body)
			}

			w = a.postWorkbook(t, a.admin, name, map[string]string{"region_code": "990102", "dept_code": "101"})
			if w.Code != http.StatusCreated {
				t.Fatalf("with the form fields: %d %s", w.Code, w.Body)
			}
			res := decode[struct {
				Filings []models.Filing `json:"filings"`
				Report  models.Report   `json:"report"`
			}](t, w)
			if len(res.Filings) != 1 || res.Filings[0].RegionCode != "990102" || res.Filings[0].DeptCode != "101" {
				t.Fatalf("filings %+v", res.Filings)
			}
			if res.Report.Stats.Errors != 0 {
				t.Fatalf("a consistent official workbook got %d errors: %+v", res.Report.Stats.Errors, res.Report.Findings)
			}
		})
	}

	// The uploader's scope names the region: the form need not.
	if w := a.postWorkbook(t, shiyi, "budget-wanyuan.xlsx", map[string]string{"dept_code": "101"}); w.Code != http.StatusCreated {
		t.Fatalf("region from the token's scope: %d %s", w.Code, w.Body)
	}
	// A form field the service does not know is refused, naming the ones it takes.
	if w := a.postWorkbook(t, a.admin, "budget-wanyuan.xlsx", map[string]string{"regoin_code": "990102"}); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "regoin_code") || !strings.Contains(w.Body.String(), "region_code") {
		t.Fatalf("misspelt field: %d %s", w.Code, w.Body)
	}
}
