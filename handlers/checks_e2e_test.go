package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/prometheus/client_golang/prometheus"

	"sunshine/checks"
	"sunshine/checks/checkstest"
	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// checkedAPI is the HTTP surface with the consistency rules running on every
// upload, as `sunshine serve` wires it.
func checkedAPI(t *testing.T, s *store.Store, checker filings.Checker) e2e {
	t.Helper()
	a := newAPI(t, s)
	svc := &filings.Service{Store: s, Checker: checker, Options: ingest.DefaultOptions()}
	a.h = handlers.New(handlers.Deps{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Registry: prometheus.NewRegistry(), Filings: svc, Limits: handlers.UploadLimits{MaxBytes: a.maxBytes, TempDir: t.TempDir()}})
	return e2e{a}
}

// e2e is an api whose helpers act as the admin.
type e2e struct{ *api }

// itemCell names one line item: the rows of a written file are looked up by it.
type itemCell struct {
	table        models.Table
	code, column string
}

// lineItemsCSV writes a filing's line items of the given tables (all when none
// are given) in the long-form upload format with Chinese headers, and returns
// the file's row of each cell (header = 1).
func lineItemsCSV(t *testing.T, f *checks.Filing, tables ...models.Table) ([]byte, map[itemCell]int) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"区划代码", "区划名称", "部门编码", "部门名称", "年度", "阶段", "单位", "表", "科目编码", "科目名称", "栏目", "金额"})
	rows := map[itemCell]int{}
	for _, li := range f.Items {
		if len(tables) > 0 && !slices.Contains(tables, li.Table) {
			continue
		}
		amount := ""
		if li.Amount.Valid {
			amount = li.Amount.Money.FormatGrouped(li.Unit)
		}
		w.Write([]string{f.RegionCode, "示例市", f.DeptCode, checkstest.DeptName, strconv.Itoa(f.FiscalYear),
			f.Phase.Chinese(), string(li.Unit), string(li.Table), li.Code, li.Name, li.Column, amount})
		rows[itemCell{li.Table, li.Code, li.Column}] = len(rows) + 2
	}
	w.Flush()
	return b.Bytes(), rows
}

// threePublicCSV writes a filing's 三公 record in the 三公 template with Chinese headers; its row is 2.
func threePublicCSV(f *checks.Filing) []byte {
	tp := f.ThreePublic
	header := []string{"区划代码", "部门编码", "部门名称", "年度", "阶段", "单位"}
	row := []string{f.RegionCode, f.DeptCode, checkstest.DeptName, strconv.Itoa(f.FiscalYear), f.Phase.Chinese(), string(tp.Unit)}
	for _, a := range models.ThreePublicAmounts {
		if f.Phase != models.PhaseFinal && strings.HasPrefix(a.Key, "budget_") {
			continue
		}
		header = append(header, a.Chinese)
		if v := *a.Get(tp); v.Valid {
			row = append(row, v.Money.Format(tp.Unit))
		} else {
			row = append(row, "")
		}
	}
	for _, c := range models.ThreePublicCounts {
		header = append(header, c.Chinese)
		if v := *c.Get(tp); v.Valid {
			row = append(row, strconv.FormatInt(v.Count, 10))
		} else {
			row = append(row, "")
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(append(header, "增减变化原因"))
	w.Write(append(row, tp.ChangeReason))
	w.Flush()
	return b.Bytes()
}

// shiftItem adds delta (in the table's unit) to a code and to every row above it
// (款, 类, 合计) in the given columns, so that the table stays consistent in
// itself while it moves away from the tables it is compared with.
func shiftItem(t *testing.T, f *checks.Filing, table models.Table, code string, delta string, columns ...string) {
	t.Helper()
	above := map[string]bool{code: true, models.RowTotal: true}
	for c := code; len(c) > 3; c = c[:len(c)-2] {
		above[c[:len(c)-2]] = true
	}
	n := 0
	for i := range f.Items {
		li := &f.Items[i]
		if li.Table == table && above[li.Code] && slices.Contains(columns, li.Column) {
			li.Amount.Money += checkstest.Money(delta, li.Unit)
			n++
		}
	}
	if n == 0 {
		t.Fatalf("shift: no cell of %s %s %v", table, code, columns)
	}
}

// setItem sets one cell of a filing.
func setItem(t *testing.T, f *checks.Filing, table models.Table, code, column, amount string) {
	t.Helper()
	for i := range f.Items {
		li := &f.Items[i]
		if li.Table == table && li.Code == code && li.Column == column {
			li.Amount = checkstest.Amount(amount, li.Unit)
			return
		}
	}
	t.Fatalf("no cell %s %s %s", table, code, column)
}

// findingLocations prints findings as "severity rule table/code/column@row" for exact comparison.
func findingLocations(fs []models.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s %s %s/%s/%s@%d", f.Severity, f.Rule, f.Table, f.Code, f.Column, f.Row)
	}
	return out
}

func (a e2e) post(t *testing.T, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.admin)
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	return w
}

func (a e2e) get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+a.admin)
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	return w
}

// uploadOK uploads a file that must be accepted and returns the answer.
func (a e2e) uploadOK(t *testing.T, name string, content []byte) handlers.UploadAnswer {
	t.Helper()
	w := a.upload(t, a.admin, name, content, "")
	if w.Code != http.StatusCreated {
		t.Fatalf("upload %s: %d %s", name, w.Code, w.Body)
	}
	return decode[handlers.UploadAnswer](t, w)
}

func (a e2e) report(t *testing.T, id int64) models.Report {
	t.Helper()
	w := a.get(t, "/api/v1/filings/"+itoa(id)+"/report")
	if w.Code != http.StatusOK {
		t.Fatalf("report of %d: %d %s", id, w.Code, w.Body)
	}
	return decode[models.Report](t, w)
}

func (a e2e) publishOK(t *testing.T, id int64, note string) {
	t.Helper()
	if w := a.post(t, "/api/v1/filings/"+itoa(id)+"/publish", `{"note":"`+note+`"}`); w.Code != http.StatusOK {
		t.Fatalf("publish %d: %d %s", id, w.Code, w.Body)
	}
}

// TestChecksE2E_CompleteDepartmentThenOneDefectAtATime uploads a complete,
// consistent department (budget, then final, every table) through HTTP with the
// rules running: zero findings. Then it uploads defective tables into the
// final's next draft, one defect at a time, and checks exactly which rule
// fires at which row and column, that errors block publication with 409 and
// the report, and that a rounding difference is only a note.
func TestChecksE2E_CompleteDepartmentThenOneDefectAtATime(t *testing.T) {
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := checkedAPI(t, s, &filings.Rules{})

		// The budget: 三公 and every standard table, in two files.
		budget := checkstest.Budget()
		a.uploadOK(t, "2024预算三公经费.csv", threePublicCSV(budget))
		items, _ := lineItemsCSV(t, budget)
		ans := a.uploadOK(t, "2024预算公开表.csv", items)
		if ans.FilingsTotal != 1 || ans.Filings[0].Phase != models.PhaseBudget || len(ans.Report.Findings) != 0 {
			t.Fatalf("complete budget: %+v", ans)
		}
		budgetID := ans.Filings[0].ID
		a.publishOK(t, budgetID, "")

		// The final, checked against the published budget: still nothing to say.
		final := checkstest.Final()
		a.uploadOK(t, "2024决算三公经费.csv", threePublicCSV(final))
		items, _ = lineItemsCSV(t, final)
		ans = a.uploadOK(t, "2024决算公开表.csv", items)
		if len(ans.Report.Findings) != 0 || !ans.Report.Valid {
			t.Fatalf("complete final: %+v", ans.Report)
		}
		finalID := ans.Filings[0].ID
		a.publishOK(t, finalID, "")

		// Each step uploads one table into the final's next draft (version 2,
		// which starts as a copy of version 1); a table uploaded again replaces it.
		var draftID int64
		step := func(name string, content []byte, want ...string) models.Report {
			t.Helper()
			ans := a.uploadOK(t, name, content)
			if draftID == 0 {
				draftID = ans.Filings[0].ID
			}
			if f := ans.Filings[0]; f.ID != draftID || f.Version != 2 || f.Status != models.StatusDraft {
				t.Fatalf("%s went into %+v; want the draft version 2", name, f)
			}
			if got := findingLocations(ans.Report.Findings); !slices.Equal(got, want) {
				t.Fatalf("%s: findings\n  %s\nwant\n  %s\n%+v", name, strings.Join(got, "\n  "), strings.Join(want, "\n  "), ans.Report.Findings)
			}
			return ans.Report
		}
		refused := func(want int) {
			t.Helper()
			w := a.post(t, "/api/v1/filings/"+itoa(draftID)+"/publish", `{"note":"更正"}`)
			rej := decode[handlers.RejectedAnswer](t, w)
			if w.Code != http.StatusConflict || rej.Error.Code != "conflict" || rej.Report.Valid || rej.Report.Stats.Errors != want {
				t.Fatalf("publish with errors: %d %s", w.Code, w.Body)
			}
		}

		// 1. A 项 of 部门支出总表 moved by 1 万元 in both of its columns: its 款 no longer sums its 项.
		bad := checkstest.Final()
		setItem(t, bad, models.TableExpenditure, "2010601", "basic", "527.00")
		setItem(t, bad, models.TableExpenditure, "2010601", "total", "527.00")
		content, rows := lineItemsCSV(t, bad, models.TableExpenditure)
		r := step("支出决算表-项目错误.csv", content,
			fmt.Sprintf("error hierarchy.sum expenditure/20106/total@%d", rows[itemCell{models.TableExpenditure, "20106", "total"}]),
			fmt.Sprintf("error hierarchy.sum expenditure/20106/basic@%d", rows[itemCell{models.TableExpenditure, "20106", "basic"}]))
		if f := r.Findings[1]; f.Expected != "527.00 万元（5,270,000.00 元）" || f.Actual != "526.00 万元（5,260,000.00 元）" ||
			!strings.Contains(f.Message, "支出决算表“20106 财政事务”行“基本支出”栏") {
			t.Errorf("the 款 against its 项: %+v", f)
		}
		refused(2)
		content, _ = lineItemsCSV(t, checkstest.Final(), models.TableExpenditure)
		step("支出决算表-更正.csv", content)

		// 2. 基本支出决算表 consistent in itself, but 1 万元 more 工资 than the
		// general-budget table's 基本支出: a cross-table mismatch.
		bad = checkstest.Final()
		shiftItem(t, bad, models.TableBasicExpenditure, "30101", "1.00", "total", "personnel")
		content, rows = lineItemsCSV(t, bad, models.TableBasicExpenditure)
		r = step("基本支出决算表-错误.csv", content,
			fmt.Sprintf("error cross.basic basic_expenditure/total/total@%d", rows[itemCell{models.TableBasicExpenditure, models.RowTotal, "total"}]))
		if f := r.Findings[0]; f.OtherTable != "general_expenditure" || f.OtherCode != models.RowTotal || f.OtherColumn != "basic" {
			t.Errorf("cross.basic names the other side as %s/%s/%s; want general_expenditure/total/basic", f.OtherTable, f.OtherCode, f.OtherColumn)
		}
		refused(1)
		content, _ = lineItemsCSV(t, checkstest.Final(), models.TableBasicExpenditure)
		step("基本支出决算表-更正.csv", content)

		// 3. The 三公 total 0.10 万元 above its parts (beyond 4 × 50 元 of rounding).
		bad = checkstest.Final()
		bad.ThreePublic.Total = checkstest.Amount("15.10", models.WanYuan)
		bad.ThreePublic.ChangeReason = "严格落实过紧日子要求，压减公务接待和公务用车运行费。" // no figure to contradict
		r = step("三公经费-合计错误.csv", threePublicCSV(bad), "error three_public.total three_public//total@2")
		if f := r.Findings[0]; f.Expected != "15.00 万元（150,000.00 元）" || f.Actual != "15.10 万元（151,000.00 元）" {
			t.Errorf("three_public.total expected %q, actual %q", f.Expected, f.Actual)
		}
		refused(1)

		// 4. The total 0.01 万元 above its parts, as printed tables round: a note, not an error.
		bad.ThreePublic.Total = checkstest.Amount("15.01", models.WanYuan)
		r = step("三公经费-四舍五入.csv", threePublicCSV(bad), "info three_public.total three_public//total@2")
		if !r.Valid || !strings.Contains(r.Findings[0].Message, "四舍五入") {
			t.Fatalf("rounding: %+v", r)
		}
		// Notes do not block publication; version 2 supersedes version 1 with a correction note.
		a.publishOK(t, draftID, "三公经费合计按四舍五入更正")
		if f, _ := s.Filing(context.Background(), finalID); f.Status != models.StatusSuperseded {
			t.Fatalf("version 1 is %s; want superseded", f.Status)
		}
	})
}

// TestChecksE2E_DraftFinalIsRecheckedWhenItsBudgetIsPublished: a final's
// 预算数 is compared with the budget only once that budget is published, and
// publishing it recomputes the findings of the final's open draft.
func TestChecksE2E_DraftFinalIsRecheckedWhenItsBudgetIsPublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := checkedAPI(t, s, &filings.Rules{})
		budget := checkstest.Budget()
		items, _ := lineItemsCSV(t, budget)
		budgetID := a.uploadOK(t, "预算公开表.csv", items).Filings[0].ID
		a.uploadOK(t, "预算三公经费.csv", threePublicCSV(budget))

		// The final prints a 公务接待费 预算数 of 5.00 万元; the budget says 4.00.
		final := checkstest.Final()
		final.ThreePublic.BudgetReception = checkstest.Amount("5.00", models.WanYuan)
		final.ThreePublic.BudgetTotal = checkstest.Amount("17.00", models.WanYuan)
		final.ThreePublic.ChangeReason = "严格落实过紧日子要求，决算数比预算数减少 2.00 万元。"
		items, _ = lineItemsCSV(t, final)
		finalID := a.uploadOK(t, "决算公开表.csv", items).Filings[0].ID
		ans := a.uploadOK(t, "决算三公经费.csv", threePublicCSV(final))
		if len(ans.Report.Findings) != 0 {
			t.Fatalf("with the budget still a draft there is nothing to compare: %v", findingLocations(ans.Report.Findings))
		}

		a.publishOK(t, budgetID, "")
		r := a.report(t, finalID)
		want := []string{"error final.budget_mismatch three_public//budget_total@2", "error final.budget_mismatch three_public//budget_reception@2"}
		if got := findingLocations(r.Findings); !slices.Equal(got, want) {
			t.Fatalf("after the budget was published: %v; want %v", got, want)
		}
		if f := r.Findings[1]; f.OtherFilingID != budgetID || f.OtherTable != "three_public" || f.OtherColumn != "reception" {
			t.Errorf("the mismatch points at %d %s %s; want the budget's reception", f.OtherFilingID, f.OtherTable, f.OtherColumn)
		}
		w := a.post(t, "/api/v1/filings/"+itoa(finalID)+"/publish", "")
		if rej := decode[handlers.RejectedAnswer](t, w); w.Code != http.StatusConflict || rej.Report.Stats.Errors != 2 {
			t.Fatalf("publish: %d %s", w.Code, w.Body)
		}

		// The bureau corrects the 预算数; the draft is clean and publishes.
		ans = a.uploadOK(t, "决算三公经费-更正.csv", threePublicCSV(checkstest.Final()))
		if len(ans.Report.Findings) != 0 {
			t.Fatalf("corrected: %v", findingLocations(ans.Report.Findings))
		}
		a.publishOK(t, finalID, "")
	})
}

// overridden wraps the rules, as cmd/sunshine wraps them to refresh code lists.
type overridden struct{ rules *filings.Rules }

func (o overridden) Check(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error) {
	return o.rules.Check(ctx, tx, draft)
}
func (o overridden) Unwrap() filings.Checker { return o.rules }

func TestRules_CatalogueWithTheDeploymentsSeverities(t *testing.T) {
	rules := &filings.Rules{Severity: map[string]models.Severity{
		"unit.suspect": models.SeverityError, "change.reason_missing@final": models.SeverityError}}
	_, router := loadSpec(t)
	for name, checker := range map[string]filings.Checker{"rules": rules, "wrapped rules": overridden{rules}} {
		t.Run(name, func(t *testing.T) {
			a := checkedAPI(t, storetest.SQLite(t), checker)
			req := httptest.NewRequest("GET", "http://localhost:8080/api/v1/rules", nil)
			w := httptest.NewRecorder()
			a.h.ServeHTTP(w, req)
			if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Cache-Control"), "public, max-age=") {
				t.Fatalf("%d %q %s", w.Code, w.Header(), w.Body)
			}
			validateAnswer(t, router, req, w)
			body := decode[struct{ Data []handlers.RuleEntry }](t, w)
			if len(body.Data) != len(checks.Catalogue) || body.Data[0].Key != "three_public.total" || body.Data[0].Chinese == "" {
				t.Fatalf("data: %+v", body.Data)
			}
			byKey := map[string]handlers.RuleEntry{}
			for _, r := range body.Data {
				byKey[r.Key] = r
			}
			u := byKey["unit.suspect"]
			if u.Severity != "error" || u.DefaultSeverity != "warning" || u.PhaseSeverity[models.PhaseBudget] != "error" || u.Scope != checks.ScopeCrossFiling {
				t.Errorf("unit.suspect raised to error: %+v", u)
			}
			c := byKey["change.reason_missing"]
			if c.Severity != "warning" || c.PhaseSeverity[models.PhaseFinal] != "error" || c.PhaseSeverity[models.PhaseBudget] != "warning" {
				t.Errorf("change.reason_missing raised for finals only: %+v", c)
			}
			if tp := byKey["three_public.total"]; tp.Severity != "error" || tp.Number != "1" || tp.Basis == "" && tp.English == "" {
				t.Errorf("three_public.total: %+v", tp)
			}
		})
	}
	// Without a checker (or overrides) the defaults show, and no token is needed.
	srv := newServer(t, storetest.SQLite(t))
	w := srv.do(t, "GET", "/api/v1/rules", nil)
	body := decode[struct{ Data []handlers.RuleEntry }](t, w)
	for _, r := range body.Data {
		if r.Severity != r.DefaultSeverity || r.PhaseSeverity[models.PhaseFinal] != r.DefaultSeverity {
			t.Errorf("%s without overrides: %+v", r.Key, r)
		}
	}
}

// validateAnswer checks a real answer against docs/openapi.yaml.
func validateAnswer(t *testing.T, router routers.Router, req *http.Request, w *httptest.ResponseRecorder) {
	t.Helper()
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s is not in docs/openapi.yaml: %v", req.Method, req.URL, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: w.Code, Header: w.Header(),
		Body: io.NopCloser(bytes.NewReader(w.Body.Bytes()))}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s → %d does not match the document: %v", req.Method, req.URL, w.Code, err)
	}
}
