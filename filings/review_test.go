package filings_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"sunshine/filings"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// The desk's round in the service: a draft with an error cannot be submitted;
// the clean one can (who, when, audited); an upload after submission takes it
// out of the queue until it is submitted again; the queue's drafts are
// published in one act (one release per dataset), and a draft that left the
// queue refuses the act whole.
func TestReview_SubmitRequeueAndPublishFromTheQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := service(s)
		clerk := filings.Actor{Name: "资兴上传员", Token: &models.Token{Name: "资兴上传员", Role: models.RoleUploader, RegionCode: "431081"}}
		admin := filings.Actor{Name: "管理员", Token: &models.Token{Name: "管理员", Role: models.RoleAdmin}}
		other := filings.Actor{Name: "别处", Token: &models.Token{Name: "别处", Role: models.RoleUploader, RegionCode: "430000"}}

		bad := upload(t, svc, "431081,001,财政局,2025,budget,万元,9.00,0,0,5.00,3.00\n", clerk).Filings[0]
		_, err := svc.Submit(ctx, bad.ID, clerk)
		var blocked *filings.BlockedError
		if !errors.As(err, &blocked) || blocked.Report.Stats.Errors != 1 {
			t.Fatalf("submitting a draft with an error: %v", err)
		}
		if _, err := svc.Submit(ctx, bad.ID, other); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("another region's uploader submits: %v", err)
		}

		a := upload(t, svc, "431081,001,财政局,2025,budget,万元,8.00,0,0,5.00,3.00\n", clerk).Filings[0]
		b := upload(t, svc, "431081,002,教育局,2025,budget,万元,2.00,0,0,1.00,1.00\n", clerk).Filings[0]
		if a.ID != bad.ID {
			t.Fatalf("the fixed upload went to draft %d, not %d", a.ID, bad.ID)
		}
		for _, f := range []models.Filing{a, b} {
			r, err := svc.Submit(ctx, f.ID, clerk)
			if err != nil || r.SubmittedBy != "资兴上传员" || !r.Current {
				t.Fatalf("submit %d: %+v %v", f.ID, r, err)
			}
		}
		log, _ := s.AuditLog(ctx, "filing:"+strconv.FormatInt(a.ID, 10), 10)
		if len(log) == 0 || log[0].Action != "submit" || log[0].Actor != "资兴上传员" {
			t.Fatalf("the submission is not audited: %+v", log)
		}

		// b is uploaded into again: out of the queue, and an act naming it is refused whole.
		upload(t, svc, "431081,002,教育局,2025,budget,万元,3.00,0,0,2.00,1.00\n", clerk)
		_, err = svc.PublishQueued(ctx, []int64{a.ID, b.ID}, nil, admin, "")
		if models.ErrorCode(err) != models.ECONFLICT || !strings.Contains(models.ErrorMessage(err), strconv.FormatInt(b.ID, 10)) {
			t.Fatalf("publishing a draft that left the queue: %v", err)
		}
		if f, _ := s.Filing(ctx, a.ID); f.Status != models.StatusDraft {
			t.Fatalf("the refused act published %d", a.ID)
		}
		if _, err := svc.Submit(ctx, b.ID, clerk); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.PublishQueued(ctx, []int64{a.ID, b.ID}, nil, clerk, ""); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("an uploader publishes from the queue: %v", err)
		}

		act, err := svc.PublishQueued(ctx, []int64{b.ID, a.ID, a.ID}, nil, admin, "2025 年部门预算统一公开")
		if err != nil {
			t.Fatal(err)
		}
		if len(act.Filings) != 2 || len(act.Releases) != 1 {
			t.Fatalf("the act: %d filings, %d releases (want 2 filings, one release of the 三公 dataset): %+v", len(act.Filings), len(act.Releases), act)
		}
		for _, f := range []models.Filing{a, b} {
			if got, _ := s.Filing(ctx, f.ID); got.Status != models.StatusPublished || got.Note == nil || *got.Note != "2025 年部门预算统一公开" {
				t.Errorf("%d after the act: %+v", f.ID, got)
			}
		}
		if q, _ := s.ReviewQueue(ctx, "", 0); len(q) != 0 {
			t.Errorf("the queue after publication: %+v", q)
		}
		if _, err := svc.PublishQueued(ctx, nil, nil, admin, ""); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("an empty act: %v", err)
		}

		// Beside the queue: drafts never submitted join the act; one with an error refuses it whole.
		c := upload(t, svc, "431081,003,卫健委,2025,budget,万元,1.00,0,0,0.50,0.50\n", clerk).Filings[0]
		e := upload(t, svc, "431081,004,民政局,2025,budget,万元,9.00,0,0,0.50,0.50\n", clerk).Filings[0]
		_, err = svc.PublishQueued(ctx, nil, []int64{c.ID, e.ID}, admin, "补充公开")
		if !errors.As(err, &blocked) {
			t.Fatalf("an act with a draft with an error beside the queue: %v", err)
		}
		if got, _ := s.Filing(ctx, c.ID); got.Status != models.StatusDraft {
			t.Fatalf("the refused act published %d", c.ID)
		}
		if act, err := svc.PublishQueued(ctx, nil, []int64{c.ID}, admin, "补充公开"); err != nil || len(act.Filings) != 1 {
			t.Fatalf("a clean draft beside the queue: %+v %v", act, err)
		}
	})
}

// Discarding: only a draft, only by who may write its department, audited;
// the same file uploaded again makes a new draft.
func TestReview_DiscardDeletesTheDraftAndForgetsItsUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := service(s)
		clerk001 := filings.Actor{Name: "资兴001", Token: &models.Token{Name: "资兴001", Role: models.RoleUploader, RegionCode: "431081", Depts: []string{"001"}}}
		clerk002 := filings.Actor{Name: "资兴002", Token: &models.Token{Name: "资兴002", Role: models.RoleUploader, RegionCode: "431081", Depts: []string{"002"}}}
		body := "431081,001,财政局,2025,budget,万元,9.00,0,0,5.00,3.00\n"
		f := file(t, body)
		res, err := svc.Upload(ctx, f, clerk001, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := res.Filings[0]
		if _, err := svc.Discard(ctx, d.ID, clerk002); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("another department's uploader discards: %v", err)
		}
		out, err := svc.Discard(ctx, d.ID, clerk001)
		if err != nil || out.Filing.ID != d.ID || len(out.Uploads) != 1 {
			t.Fatalf("discard: %+v %v", out, err)
		}
		if _, err := s.Filing(ctx, d.ID); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("the discarded draft is still there: %v", err)
		}
		log, _ := s.AuditLog(ctx, "filing:"+strconv.FormatInt(d.ID, 10), 10)
		if len(log) == 0 || log[0].Action != "discard" || log[0].Actor != "资兴001" || !strings.Contains(log[0].Detail, `"dept":"001"`) {
			t.Fatalf("the discard is not audited: %+v", log)
		}
		// The same bytes again: a new draft, not "already uploaded".
		again, err := svc.Upload(ctx, f, clerk001, nil)
		if err != nil || again.Duplicate || len(again.Filings) != 1 || again.Filings[0].ID == d.ID || again.Filings[0].Version != 1 {
			t.Fatalf("the same file after discarding: %+v %v", again, err)
		}
		// A published filing is never discarded.
		fixed := upload(t, svc, "431081,001,财政局,2025,budget,万元,8.00,0,0,5.00,3.00\n", clerk001).Filings[0]
		if _, err := svc.Publish(ctx, fixed.ID, cli, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Discard(ctx, fixed.ID, clerk001); models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("discarding a published filing: %v", err)
		}
	})
}
