package filings_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"sunshine/checks"
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var ctx = context.Background()

const header = "region_code,dept_code,dept_name,fiscal_year,phase,unit,total,outbound_trips,vehicle_purchase,vehicle_operation,reception\n"

func file(t *testing.T, body string) filings.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "三公.csv")
	if err := os.WriteFile(p, []byte(header+body), 0o644); err != nil {
		t.Fatal(err)
	}
	return filings.File{Path: p, Name: "三公.csv"}
}

// totalRule is a stand-in checker: an error when the 三公 total is not the sum of its parts.
var totalRule = filings.CheckerFunc(func(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error) {
	tp := draft.ThreePublic
	if tp == nil {
		return nil, nil
	}
	if tp.Total.Money != tp.OutboundTrips.Money+tp.VehiclePurchase.Money+tp.VehicleOperation.Money+tp.Reception.Money {
		return []models.Finding{{Rule: "three_public.total", Severity: models.SeverityError, Message: "合计不等于分项之和"}}, nil
	}
	return nil, nil
})

func service(s *store.Store) *filings.Service {
	return &filings.Service{Store: s, Checker: totalRule, Options: ingest.DefaultOptions()}
}

func upload(t *testing.T, svc *filings.Service, body string, actor filings.Actor) filings.Result {
	t.Helper()
	res, err := svc.Upload(ctx, file(t, body), actor, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rejected {
		t.Fatalf("rejected: %+v", res.Report)
	}
	return res
}

var cli = filings.Actor{Name: "cli"}

func TestPublish_RefusesFilingWithErrorsAndStoresFindingsWithTheDraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := service(s)
		res := upload(t, svc, "431081,001,财政局,2024,budget,万元,9.00,0,0,5.00,3.00\n", cli)
		if res.Report.Valid || res.Report.Stats.Errors != 1 {
			t.Fatalf("report: %+v", res.Report)
		}
		id := res.Filings[0].ID
		stored, _ := s.Findings(ctx, id)
		if len(stored) != 1 || stored[0].FilingID != id {
			t.Fatalf("findings not stored with the draft: %+v", stored)
		}
		_, err := svc.Publish(ctx, id, cli, "")
		var blocked *filings.BlockedError
		if !errors.As(err, &blocked) || blocked.Report.Stats.Errors != 1 {
			t.Fatalf("want BlockedError, got %v", err)
		}
		// The bureau corrects the figure: the same draft, the table replaced, the findings recomputed.
		res2 := upload(t, svc, "431081,001,财政局,2024,budget,万元,8.00,0,0,5.00,3.00\n", cli)
		if res2.Filings[0].ID != id || !res2.Report.Valid {
			t.Fatalf("correction: %+v", res2)
		}
		f, err := svc.Publish(ctx, id, cli, "")
		if err != nil || f.Status != models.StatusPublished {
			t.Fatalf("publish: %+v %v", f, err)
		}
		log, _ := s.AuditLog(ctx, "", 10)
		if log[0].Action != "publish" || log[0].Subject != "filing:"+strconv.FormatInt(id, 10) || log[0].Actor != "cli" {
			t.Fatalf("audit: %+v", log[0])
		}
	})
}

func TestUpload_AfterPublicationOpensVersionTwoFromACopy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := service(s)
		res := upload(t, svc, "431081,001,财政局,2024,budget,万元,8.00,0,0,5.00,3.00\n", cli)
		if _, err := svc.Publish(ctx, res.Filings[0].ID, cli, ""); err != nil {
			t.Fatal(err)
		}
		res2 := upload(t, svc, "431081,001,财政局,2024,budget,万元,7.00,0,0,4.00,3.00\n", cli)
		v2 := res2.Filings[0]
		if v2.Version != 2 || v2.Status != models.StatusDraft || v2.ID == res.Filings[0].ID {
			t.Fatalf("v2: %+v", v2)
		}
		if _, err := svc.Publish(ctx, v2.ID, cli, ""); models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("correction without note: %v", err)
		}
		if _, err := svc.Publish(ctx, v2.ID, cli, "更正公务用车运行费"); err != nil {
			t.Fatal(err)
		}
		old, _ := s.ThreePublic(ctx, res.Filings[0].ID)
		if old.Total.Money != 8000000 {
			t.Fatalf("published version changed in place: %+v", old)
		}
	})
}

func TestPublish_OnlyAdminsUnlessTheDeploymentAllowsUploaders(t *testing.T) {
	s := storetest.SQLite(t)
	svc := service(s)
	res := upload(t, svc, "431081,001,财政局,2024,budget,万元,8.00,0,0,5.00,3.00\n", cli)
	uploader := &models.Token{Name: "资兴", Role: models.RoleUploader, RegionCode: "431081"}
	if _, err := svc.Publish(ctx, res.Filings[0].ID, filings.Actor{Name: "资兴", Token: uploader}, ""); models.ErrorCode(err) != models.EFORBIDDEN {
		t.Fatalf("uploader: %v", err)
	}
	svc.AllowUploaderPublish = true
	other := &models.Token{Name: "别处", Role: models.RoleUploader, RegionCode: "430000"}
	if _, err := svc.Publish(ctx, res.Filings[0].ID, filings.Actor{Name: "别处", Token: other}, ""); models.ErrorCode(err) != models.EFORBIDDEN {
		t.Fatalf("uploader of another region: %v", err)
	}
	if _, err := svc.Publish(ctx, res.Filings[0].ID, filings.Actor{Name: "资兴", Token: uploader}, ""); err != nil {
		t.Fatalf("allowed uploader: %v", err)
	}
	if _, err := svc.Withdraw(ctx, res.Filings[0].ID, filings.Actor{Name: "资兴", Token: uploader}, "错了"); models.ErrorCode(err) != models.EFORBIDDEN {
		t.Fatalf("uploader withdraw: %v", err)
	}
	f, err := svc.Withdraw(ctx, res.Filings[0].ID, cli, "数据口径有误，撤回重报")
	if err != nil || f.Status != models.StatusWithdrawn {
		t.Fatalf("withdraw: %+v %v", f, err)
	}
}

func TestUpload_TwoRecordsForOneFilingInOneFileAreRefused(t *testing.T) {
	s := storetest.SQLite(t)
	res, err := service(s).Upload(ctx, file(t, "431081,001,财政局,2024,budget,万元,8.00,0,0,5.00,3.00\n431081,001,财政局,2024,budget,万元,9.00,0,0,6.00,3.00\n"), cli, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Rejected || res.Report.Findings[0].Rule != "row.duplicate" || res.Report.Findings[0].Row != 3 {
		t.Fatalf("%+v", res.Report)
	}
	if fs, _ := s.Filings(ctx, store.FilingFilter{}); len(fs) != 0 {
		t.Fatalf("stored: %+v", fs)
	}
}
