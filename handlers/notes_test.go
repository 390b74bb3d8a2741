package handlers_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"sunshine/models"
	"sunshine/store/storetest"
)

// An empty-table note uploaded in the long form comes back with the filing
// (its JSON and the desk's page) and counts the table as published empty.
func TestNotes_UploadedWithTheFilingAndShownOnTheDesk(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	const note = "本部门无政府性基金预算财政拨款支出，此表为空表。"
	content := "区划代码,部门编码,部门名称,年度,阶段,单位,表,科目编码,科目名称,栏目,金额,说明\n" +
		"431081,002,资兴市教育局,2025,预算,元,gov_fund_expenditure,,,,," + note + "\n"
	w := a.upload(t, a.zixing, "空表说明.csv", []byte(content), "")
	if w.Code != 201 {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	id := decode[struct {
		Filings []struct{ ID int64 } `json:"filings"`
	}](t, w).Filings[0].ID

	req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/filings/%d", id), nil)
	req.Header.Set("Authorization", "Bearer "+a.zixing)
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	got := decode[struct {
		Notes     []models.TableNote `json:"notes"`
		LineItems []models.LineItem  `json:"line_items"`
	}](t, rec)
	if rec.Code != 200 || len(got.Notes) != 1 || got.Notes[0].Note != note || got.Notes[0].Table != models.TableGovFundExpenditure ||
		got.Notes[0].SourceRow != 2 || len(got.LineItems) != 0 {
		t.Fatalf("filing: %d %s", rec.Code, rec.Body)
	}

	web := newWebSite(t, s)
	b := newBrowser(t, web.h)
	b.login(a.zixing)
	body := b.get(fmt.Sprintf("/desk/filings/%d", id)).Body.String()
	if !strings.Contains(body, "表下说明") || !strings.Contains(body, "《政府性基金预算支出表》："+note+"（源文件第 2 行）") {
		t.Fatalf("desk page: %s", body)
	}
}
