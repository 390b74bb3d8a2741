package store_test

import (
	"strings"
	"testing"
	"time"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

func deskSession(id string, at time.Time, life time.Duration) store.DeskSession {
	return store.DeskSession{IDHash: models.HashToken(id), TokenHash: models.HashToken("sun_token"), CSRF: "csrf-" + id,
		CreatedAt: at, SeenAt: at, ExpiresAt: at.Add(life)}
}

// Sessions are stored by the hash of their id, read back exactly, touched,
// replaced at sign-in, ended, purged when expired, and never more than the limit.
func TestDeskSessions_StoredPurgedAndLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := storetest.NewClock()
		at := clock.Now().Add(123456789 * time.Nanosecond) // a fraction MySQL keeps to the microsecond
		a := deskSession("a", at, 2*time.Hour)
		if err := s.CreateDeskSession(ctx, a, "", 10); err != nil {
			t.Fatal(err)
		}
		got, err := s.DeskSession(ctx, a.IDHash)
		if err != nil {
			t.Fatal(err)
		}
		want := at.UTC().Truncate(time.Microsecond)
		if got.TokenHash != a.TokenHash || got.CSRF != "csrf-a" || !got.CreatedAt.Equal(want) || !got.SeenAt.Equal(want) ||
			!got.ExpiresAt.Equal(want.Add(2*time.Hour)) {
			t.Fatalf("read back: %+v, want times %v", got, want)
		}
		if _, err := s.DeskSession(ctx, models.HashToken("nobody")); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("an unknown session: %v", err)
		}

		later := want.Add(time.Hour)
		if err := s.TouchDeskSession(ctx, a.IDHash, later, later.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.DeskSession(ctx, a.IDHash); !got.SeenAt.Equal(later) || !got.ExpiresAt.Equal(later.Add(2*time.Hour)) {
			t.Fatalf("touched: %+v", got)
		}

		// A sign-in replacing the browser's old session ends it.
		b := deskSession("b", later, 2*time.Hour)
		if err := s.CreateDeskSession(ctx, b, a.IDHash, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeskSession(ctx, a.IDHash); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("the replaced session lives on: %v", err)
		}

		// Expired rows go at the next purge, live ones stay.
		old := deskSession("old", want.Add(-3*time.Hour), time.Hour)
		if err := s.CreateDeskSession(ctx, old, "", 0); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountDeskSessions(ctx); n != 2 {
			t.Fatalf("%d sessions stored, want b and old", n)
		}
		n, err := s.PurgeDeskSessions(ctx, later)
		if err != nil || n != 1 {
			t.Fatalf("purge: %d %v, want 1", n, err)
		}
		if _, err := s.DeskSession(ctx, b.IDHash); err != nil {
			t.Fatalf("the live session was purged: %v", err)
		}

		// At the limit, a new session ends the least recently used one.
		c := deskSession("c", later.Add(time.Minute), 2*time.Hour)
		if err := s.CreateDeskSession(ctx, c, "", 2); err != nil {
			t.Fatal(err)
		}
		d := deskSession("d", later.Add(2*time.Minute), 2*time.Hour)
		if err := s.CreateDeskSession(ctx, d, "", 2); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeskSession(ctx, b.IDHash); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("the least recently used session outlived the limit: %v", err)
		}
		for _, x := range []store.DeskSession{c, d} {
			if _, err := s.DeskSession(ctx, x.IDHash); err != nil {
				t.Errorf("session %s: %v", x.CSRF, err)
			}
		}
		if n, _ := s.CountDeskSessions(ctx); n != 2 {
			t.Errorf("%d sessions at a limit of 2", n)
		}

		if err := s.EndDeskSession(ctx, c.IDHash); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeskSession(ctx, c.IDHash); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("an ended session: %v", err)
		}
	})
}

// A submitted draft waits in the queue until it is uploaded into again (then
// until submitted again), published or discarded; a discarded draft takes its
// rows, its review request and its uploads' records with it.
func TestReviewQueue_SubmitReuploadPublishDiscard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := storetest.NewClock()
		s.Now = clock.Now
		seedDept(t, s, "001")
		seedDept(t, s, "002")
		seedDept(t, s, "003")
		var a, b, c models.Filing
		err := s.Write(ctx, func(tx *store.Tx) error {
			var err error
			for _, x := range []struct {
				f    *models.Filing
				dept string
			}{{&a, "001"}, {&b, "002"}, {&c, "003"}} {
				if *x.f, _, err = tx.OpenDraft(ctx, key(x.dept, 2025, models.PhaseBudget), "资兴上传员"); err != nil {
					return err
				}
				if err := tx.PutThreePublic(ctx, models.ThreePublic{FilingID: x.f.ID, Total: models.Disclosed(100), Unit: models.WanYuan}); err != nil {
					return err
				}
			}
			if err := tx.InsertLineItems(ctx, []models.LineItem{{FilingID: c.ID, Table: "general_expenditure", Code: "201",
				Column: "total", Amount: models.Disclosed(5), Unit: models.Yuan}}); err != nil {
				return err
			}
			if err := tx.ReplaceFindings(ctx, c.ID, []models.Finding{{Rule: "three_public.total", Severity: models.SeverityWarning, Message: "警告"}}); err != nil {
				return err
			}
			// One upload wrote into b and c: discarding c forgets it whole.
			_, err = tx.RecordUpload(ctx, models.Upload{SHA256: "feedface", Filename: "两个部门.csv", Kind: "three_public", CreatedBy: "资兴上传员"},
				[]int64{b.ID, c.ID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		submit := func(f models.Filing) {
			t.Helper()
			clock.Advance(time.Minute)
			if err := s.Write(ctx, func(tx *store.Tx) error {
				r, err := tx.SubmitForReview(ctx, f.ID, "资兴上传员")
				if err == nil && (!r.Current || r.SubmittedBy != "资兴上传员" || !r.SubmittedAt.Equal(clock.Now())) {
					t.Errorf("submitted: %+v", r)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		queue := func() []int64 {
			t.Helper()
			q, err := s.ReviewQueue(ctx, "431081", 0)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, d := range q {
				ids = append(ids, d.Filing.ID)
				if d.Filing.Status != models.StatusDraft || !d.Request.Current || d.Request.SubmittedBy != "资兴上传员" {
					t.Errorf("queued: %+v", d)
				}
			}
			return ids
		}
		same := func(got []int64, want ...int64) bool {
			if len(got) != len(want) {
				return false
			}
			for i := range got {
				if got[i] != want[i] {
					return false
				}
			}
			return true
		}
		submit(b)
		submit(a)
		submit(c)
		if q := queue(); !same(q, b.ID, a.ID, c.ID) {
			t.Fatalf("queue: %v, want %d %d %d (the longest waiting first)", q, b.ID, a.ID, c.ID)
		}
		if q, _ := s.ReviewQueue(ctx, "110101", 0); len(q) != 0 {
			t.Errorf("another region's queue: %+v", q)
		}

		// An upload into a (its updated_at moves): out of the queue until submitted again.
		clock.Advance(time.Minute)
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.Touch(ctx, a.ID) }); err != nil {
			t.Fatal(err)
		}
		if q := queue(); !same(q, b.ID, c.ID) {
			t.Fatalf("queue after a re-upload into %d: %v", a.ID, q)
		}
		rs, err := s.ReviewRequests(ctx, []int64{a.ID, b.ID, 99999})
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := rs[a.ID]; !ok || r.Current {
			t.Errorf("the re-uploaded draft's request: %+v %v", r, ok)
		}
		if r := rs[b.ID]; !r.Current {
			t.Errorf("b's request: %+v", r)
		}
		if _, ok := rs[99999]; ok || len(rs) != 2 {
			t.Errorf("requests: %+v", rs)
		}
		submit(a)
		if q := queue(); !same(q, b.ID, c.ID, a.ID) {
			t.Fatalf("queue after submitting %d again: %v", a.ID, q)
		}
		// An upload into a within the same microsecond (its updated_at unchanged) takes it out too.
		if err := s.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.RecordUpload(ctx, models.Upload{SHA256: "0ddba11", Filename: "再传.csv", Kind: "three_public", CreatedBy: "资兴上传员"}, []int64{a.ID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if q := queue(); !same(q, b.ID, c.ID) {
			t.Fatalf("queue after an upload into %d at the same instant: %v", a.ID, q)
		}
		submit(a)

		// Published: out of the queue.
		if err := s.Write(ctx, func(tx *store.Tx) error { _, err := tx.Publish(ctx, b.ID, "管理员", ""); return err }); err != nil {
			t.Fatal(err)
		}
		if q := queue(); !same(q, c.ID, a.ID) {
			t.Fatalf("queue after publishing %d: %v", b.ID, q)
		}
		// Neither a published filing can be submitted nor discarded.
		err = s.Write(ctx, func(tx *store.Tx) error { _, err := tx.SubmitForReview(ctx, b.ID, "x"); return err })
		if models.ErrorCode(err) != models.ECONFLICT {
			t.Errorf("submitting a published filing: %v", err)
		}
		err = s.Write(ctx, func(tx *store.Tx) error { _, err := tx.DiscardDraft(ctx, b.ID); return err })
		if models.ErrorCode(err) != models.ECONFLICT {
			t.Errorf("discarding a published filing: %v", err)
		}

		// A draft a scheduled publication act names is kept until the act is cancelled.
		var act models.Publication
		run := clock.Now().Add(24 * time.Hour)
		if err := s.Write(ctx, func(tx *store.Tx) error {
			var err error
			act, err = tx.CreatePublication(ctx, models.Publication{State: models.PublicationScheduled, RunAt: &run, CreatedBy: "管理员", Filings: []int64{c.ID}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		err = s.Write(ctx, func(tx *store.Tx) error { _, err := tx.DiscardDraft(ctx, c.ID); return err })
		if models.ErrorCode(err) != models.ECONFLICT || !strings.Contains(models.ErrorMessage(err), "公开批次") {
			t.Fatalf("discarding a draft of a scheduled act: %v", err)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error {
			return tx.FinishPublication(ctx, act.ID, models.PublicationCancelled, "管理员", "")
		}); err != nil {
			t.Fatal(err)
		}

		// Discarded: gone, with its rows, its request and the upload that wrote into it.
		var d store.DiscardedDraft
		if err := s.Write(ctx, func(tx *store.Tx) error { var err error; d, err = tx.DiscardDraft(ctx, c.ID); return err }); err != nil {
			t.Fatal(err)
		}
		if d.Filing.ID != c.ID || d.LineItems != 1 || len(d.Uploads) != 1 {
			t.Errorf("discarded: %+v", d)
		}
		if _, err := s.Filing(ctx, c.ID); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("the discarded draft: %v", err)
		}
		if tp, err := s.ThreePublic(ctx, c.ID); err != nil || tp != nil {
			t.Errorf("the discarded draft's 三公 record: %+v %v", tp, err)
		}
		if li, err := s.LineItems(ctx, c.ID); err != nil || len(li) != 0 {
			t.Errorf("the discarded draft's line items: %+v %v", li, err)
		}
		if fs, err := s.Findings(ctx, c.ID); err != nil || len(fs) != 0 {
			t.Errorf("the discarded draft's findings: %+v %v", fs, err)
		}
		if _, _, err := s.UploadBySHA256(ctx, "feedface"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("the upload into the discarded draft is still recorded: %v", err)
		}
		if q := queue(); !same(q, a.ID) {
			t.Errorf("queue after discarding %d: %v", c.ID, q)
		}
		if _, err := s.Filing(ctx, b.ID); err != nil {
			t.Errorf("the other draft of the forgotten upload: %v", err)
		}
		// The same key opens a fresh draft afterwards.
		err = s.Write(ctx, func(tx *store.Tx) error {
			f, created, err := tx.OpenDraft(ctx, key("003", 2025, models.PhaseBudget), "资兴上传员")
			if err == nil && (!created || f.Version != 1) {
				t.Errorf("after discarding: %+v created %v", f, created)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Migration 00009 goes down and up again in both dialects (its tables and index go and come back).
func TestDeskMigration_DownAndUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := store.MigrateToForTest(ctx, s, 8); err != nil {
			t.Fatalf("down to 8: %v", err)
		}
		if _, err := s.CountDeskSessions(ctx); err == nil {
			t.Error("desk_sessions is still there at version 8")
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("up again: %v", err)
		}
		if n, err := s.CountDeskSessions(ctx); err != nil || n != 0 {
			t.Errorf("desk_sessions after migrating up again: %d %v", n, err)
		}
		if q, err := s.ReviewQueue(ctx, "", 0); err != nil || len(q) != 0 {
			t.Errorf("review_requests after migrating up again: %v %v", q, err)
		}
	})
}
