package filings_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sunshine/filings"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// A correction at the review view changes one figure of the draft, runs the
// rules again (the 三公 total fixed: no error left), audits who changed what
// from what to what on which page, and refuses — writing nothing — a text that
// is not a figure, another region's clerk, and a published filing.
func TestCorrect_OneFigureRecheckedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := service(s)
		clerk := filings.Actor{Name: "资兴上传员", Token: &models.Token{Name: "资兴上传员", Role: models.RoleUploader, RegionCode: "431081"}}
		other := filings.Actor{Name: "别处", Token: &models.Token{Name: "别处", Role: models.RoleUploader, RegionCode: "430000"}}
		f := upload(t, svc, "431081,001,财政局,2025,budget,万元,9.00,0,0,5.00,3.00\n", clerk).Filings[0]
		subject := "filing:" + strconv.FormatInt(f.ID, 10)

		fix := filings.Correction{FilingID: f.ID, Table: models.TableThreePublic, Column: "total", Text: "8.00", SHA256: "ab", Page: 21}
		got, err := svc.Correct(ctx, fix, clerk)
		if err != nil || !got.Changed || got.Stats.Errors != 0 || got.Before != "9.00 万元" || got.After != "8.00 万元" {
			t.Fatalf("correct the total: %+v %v", got, err)
		}
		if msg := got.Message(); !strings.Contains(msg, "已更正：一般公共预算“三公”经费支出表 · 合计（第 21 页），由 9.00 万元 改为 8.00 万元；检查结果：0 个错误") {
			t.Errorf("message: %s", msg)
		}
		tp, _ := s.ThreePublic(ctx, f.ID)
		if tp.Total != models.Disclosed(8_000_000) {
			t.Errorf("stored total: %+v", tp.Total)
		}
		if fs, _ := s.Findings(ctx, f.ID); len(fs) != 0 {
			t.Errorf("findings after the fix: %+v", fs)
		}
		log, _ := s.AuditLog(ctx, subject, 10)
		if len(log) == 0 || log[0].Action != filings.AuditCorrect || log[0].Actor != "资兴上传员" ||
			!strings.Contains(string(log[0].Detail), `"before":"9.00 万元"`) || !strings.Contains(string(log[0].Detail), `"page":21`) {
			t.Fatalf("audit: %+v", log)
		}
		audited := len(log)

		// Blank is not disclosed, not zero; a count takes a whole number.
		if _, err := svc.Correct(ctx, filings.Correction{FilingID: f.ID, Table: models.TableThreePublic, Column: "reception", Text: " "}, clerk); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Correct(ctx, filings.Correction{FilingID: f.ID, Table: models.TableThreePublic, Column: "trip_groups", Text: "2"}, clerk); err != nil {
			t.Fatal(err)
		}
		tp, _ = s.ThreePublic(ctx, f.ID)
		if tp.Reception.Valid || tp.TripGroups != models.CountOf(2) {
			t.Errorf("blank reception, 2 groups: %+v %+v", tp.Reception, tp.TripGroups)
		}
		if got, err := svc.Correct(ctx, filings.Correction{FilingID: f.ID, Table: models.TableThreePublic, Column: "trip_groups", Text: "2"}, clerk); err != nil || got.Changed {
			t.Errorf("the same figure again: %+v %v", got, err)
		}

		// Refused, nothing written.
		for _, c := range []struct {
			c     filings.Correction
			actor filings.Actor
			code  string
			says  string
		}{
			{filings.Correction{FilingID: f.ID, Table: models.TableThreePublic, Column: "outbound_trips", Text: "1.2.3"}, clerk, models.EINVALID, "因公出国(境)费：“1.2.3”不是有效的金额"},
			{filings.Correction{FilingID: f.ID, Table: models.TableThreePublic, Column: "outbound_trips", Text: "0.0000001"}, clerk, models.EINVALID, "不是整分"},
			{filings.Correction{FilingID: f.ID, Table: models.TableThreePublic, Column: "trip_persons", Text: "-1"}, clerk, models.EINVALID, "因公出国(境)人次：“-1”不是有效的数量"},
			{filings.Correction{FilingID: f.ID, Table: models.TableThreePublic, Column: "budget_total", Text: "1"}, clerk, models.EINVALID, "只用于决算"},
			{filings.Correction{FilingID: f.ID, Table: models.TableThreePublic, Column: "total", Text: "7"}, other, models.ENOTFOUND, "不存在"},
		} {
			_, err := svc.Correct(ctx, c.c, c.actor)
			if models.ErrorCode(err) != c.code || !strings.Contains(models.ErrorMessage(err), c.says) {
				t.Errorf("%+v: %v, want %s %q", c.c, err, c.code, c.says)
			}
		}
		if log, _ := s.AuditLog(ctx, subject, 10); len(log) != audited+2 {
			t.Errorf("refused corrections were audited: %d entries, want %d", len(log), audited+2)
		}
		if tp2, _ := s.ThreePublic(ctx, f.ID); *tp2 != *tp {
			t.Errorf("a refused correction changed the record: %+v", tp2)
		}

		// A page checked; a published filing is corrected no more.
		if err := svc.ConfirmPage(ctx, f.ID, "ab", 21, clerk); err != nil {
			t.Fatal(err)
		}
		if log, _ := s.AuditLog(ctx, subject, 1); log[0].Action != filings.AuditConfirmPage || !strings.Contains(string(log[0].Detail), `"page":21`) {
			t.Errorf("confirmation: %+v", log)
		}
		if err := svc.ConfirmPage(ctx, f.ID, "ab", 21, other); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("another region confirms: %v", err)
		}
		if _, err := svc.Correct(ctx, filings.Correction{FilingID: f.ID, Table: models.TableThreePublic, Column: "reception", Text: "3"}, clerk); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Publish(ctx, f.ID, cli, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Correct(ctx, fix, clerk); models.ErrorCode(err) != models.ECONFLICT {
			t.Errorf("correcting a published filing: %v", err)
		}
	})
}

// A line item takes the typed figure with the precision it was typed at.
func TestCorrect_LineItemKeepsTheTypedPrecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := service(s)
		p := filepath.Join(t.TempDir(), "公开表.csv")
		body := "region_code,dept_code,dept_name,fiscal_year,phase,unit,table,code,name,column,amount\n" +
			"431081,001,财政局,2025,budget,万元,general_expenditure,2010101,行政运行,total,12.34\n" +
			"431081,001,财政局,2025,budget,万元,general_expenditure,2010101,行政运行,basic,12.34\n"
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := svc.Upload(ctx, filings.File{Path: p, Name: "公开表.csv"}, cli, nil)
		if err != nil || res.Rejected {
			t.Fatalf("upload: %v %+v", err, res.Report)
		}
		id := res.Filings[0].ID
		got, err := svc.Correct(ctx, filings.Correction{FilingID: id, Table: models.TableGeneralExpenditure, Code: "2010101", Column: "total", Text: "12.3", Page: 7}, cli)
		if err != nil || got.Before != "12.34 万元" || got.After != "12.3 万元" ||
			!strings.Contains(got.Label, "一般公共预算支出表 2010101 行政运行 · 合计（第 7 页）") {
			t.Fatalf("correct: %+v %v", got, err)
		}
		items, _ := s.LineItems(ctx, id)
		for _, it := range items {
			d, _ := it.Decimals.N()
			switch it.Column {
			case "total":
				if it.Amount != models.Disclosed(12_300_000) || d != 1 {
					t.Errorf("corrected: %+v (%d decimals)", it.Amount, d)
				}
			case "basic":
				if it.Amount != models.Disclosed(12_340_000) || d != 2 {
					t.Errorf("the other figure changed: %+v", it)
				}
			}
		}
		_, err = svc.Correct(ctx, filings.Correction{FilingID: id, Table: models.TableGeneralExpenditure, Code: "2010102", Column: "total", Text: "1"}, cli)
		if models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("a figure the draft lacks: %v", err)
		}
	})
}
