package handlers_test

import (
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// TestDesk_WorkbookFindingsNameTheirSheetAndCellAfterTheUpload: a real
// official-layout workbook (testdata/workbooks/budget-yuan-no-carryover.xlsx)
// with 表3!D5 changed is uploaded on the desk by a token of one department;
// afterwards the filing's JSON and the draft's desk page name 表3!D5 beside
// the table and row of the finding, read back from the database.
func TestDesk_WorkbookFindingsNameTheirSheetAndCellAfterTheUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		wb, err := excelize.OpenFile(filepath.Join("..", "testdata", "workbooks", "budget-yuan-no-carryover.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		if err := wb.SetCellValue("表3", "D5", 700000); err != nil {
			t.Fatal(err)
		}
		buf, err := wb.WriteToBuffer()
		wb.Close()
		if err != nil {
			t.Fatal(err)
		}
		admin := makeToken(t, s, models.Token{Name: "管理员", Role: models.RoleAdmin})
		clerk := makeToken(t, s, models.Token{Name: "示例县101", Role: models.RoleUploader, RegionCode: "990102", Depts: []string{"101"}})
		w := newWebSite(t, s)
		b := newBrowser(t, w.h)
		b.login(clerk)
		rec := b.upload("部门预算.xlsx", buf.Bytes(), b.csrf())
		ids := draftIDs(rec.Body.String())
		if rec.Code != 200 || len(ids) != 1 {
			t.Fatalf("upload: %d %s", rec.Code, rec.Body)
		}

		req := httptest.NewRequest("GET", "/api/v1/filings/"+ids[0], nil)
		req.Header.Set("Authorization", "Bearer "+admin)
		got := httptest.NewRecorder()
		w.h.ServeHTTP(got, req)
		var ans struct {
			Report models.Report `json:"report"`
		}
		if err := json.Unmarshal(got.Body.Bytes(), &ans); got.Code != 200 || err != nil {
			t.Fatalf("filing JSON: %d %v %s", got.Code, err, got.Body)
		}
		var at []models.Finding
		for _, f := range ans.Report.Findings {
			if f.Sheet == "表3" && f.Cell == "D5" {
				at = append(at, f)
			}
		}
		if len(at) == 0 || at[0].Code != "201" || at[0].Column != "basic" || !strings.HasPrefix(at[0].Message, "表3!D5：") {
			t.Fatalf("no finding at 表3!D5 in the filing JSON: %s", got.Body)
		}
		if !strings.Contains(got.Body.String(), `"sheet":"表3","cell":"D5"`) {
			t.Errorf("the JSON names sheet and cell: %s", got.Body)
		}

		page := b.get("/desk/filings/" + ids[0]).Body.String()
		want := "表：部门支出总表 · 行（科目）：201 · 栏：基本支出"
		i := strings.Index(page, want)
		if i < 0 {
			t.Fatalf("desk page lacks %q: %s", want, page)
		}
		if j := strings.Index(page[i:], "</a>"); j < 0 || !strings.Contains(page[i:i+j], "工作簿单元格：表3!D5") {
			t.Errorf("the desk does not show 表3!D5 beside the table and row: %.400s", page[i:])
		}
	})
}
