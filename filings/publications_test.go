package filings_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sunshine/checks"
	"sunshine/filings"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// three departments' clean 2024 budgets and one with an error (total ≠ sum).
const clean3 = "431081,001,财政局,2024,budget,万元,8.00,0,0,5.00,3.00\n" +
	"431081,002,教育局,2024,budget,万元,4.00,1.00,0,2.00,1.00\n" +
	"431081,003,卫健委,2024,budget,万元,2.00,0,0,1.00,1.00\n"

func ids(fs []models.Filing) []int64 {
	out := make([]int64, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func releasesOf(t *testing.T, s *store.Store, id string) []store.Release {
	t.Helper()
	rs, err := s.Releases(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

var threeID = store.DatasetID("431081", 2024, models.PhaseBudget, models.KindThreePublic)

func TestPublishSet_OneActOneReleasePerDataset_AllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := service(s)
		res := upload(t, svc, clean3+"431081,004,公安局,2024,budget,万元,9.00,0,0,5.00,3.00\n"+
			"431081,005,民政局,2024,budget,万元,7.00,0,0,5.00,3.00\n", cli)
		all := ids(res.Filings)
		// Two drafts with errors: the set is refused whole, naming both; nothing is published.
		_, err := svc.PublishSet(ctx, all, cli, "2024 年部门预算统一公开")
		var blocked *filings.BlockedError
		if !errors.As(err, &blocked) || len(blocked.Drafts) != 2 || blocked.Report.Stats.Errors != 2 ||
			!strings.Contains(err.Error(), "公安局（部门 004") || !strings.Contains(err.Error(), "民政局（部门 005") {
			t.Fatalf("want a BlockedError naming 004 and 005, got %v", err)
		}
		if models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("code: %s", models.ErrorCode(err))
		}
		if pub, _ := s.PublishedFilings(ctx, "431081", 2024, models.PhaseBudget); len(pub) != 0 {
			t.Fatalf("a refused act published %d filings", len(pub))
		}
		if _, err := s.Dataset(ctx, threeID); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("a refused act left a dataset: %v", err)
		}
		// The three clean ones in one act: one release of the 三公 dataset holding all three.
		p, err := svc.PublishSet(ctx, all[:3], cli, "2024 年部门预算统一公开")
		if err != nil {
			t.Fatal(err)
		}
		if p.State != models.PublicationPublished || len(p.Filings) != 3 || len(p.Releases) != 1 || p.DoneAt == nil {
			t.Fatalf("publication: %+v", p)
		}
		r := p.Releases[0]
		if r.DatasetID != threeID || r.Number != 1 || r.Filings != 3 || r.Rows != 3 || r.Action != models.ActionPublish ||
			r.Note != "2024 年部门预算统一公开" || r.PublicationID == nil || *r.PublicationID != p.ID {
			t.Fatalf("release: %+v", r)
		}
		members, err := s.ReleaseMembers(ctx, threeID, 1)
		if err != nil || len(members) != 3 {
			t.Fatalf("members: %v %v", members, err)
		}
		// No line-item rows were published: no line-item dataset, not an empty release of it.
		if _, err := s.Dataset(ctx, store.DatasetID("431081", 2024, models.PhaseBudget, models.KindLineItems)); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("line-item dataset: %v", err)
		}
		// Publishing a published filing again is a conflict; the set is all or nothing.
		if _, err := svc.PublishSet(ctx, []int64{all[0]}, cli, ""); models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("again: %v", err)
		}
		// Only an admin acts on sets.
		uploader := &models.Token{Name: "资兴", Role: models.RoleUploader, RegionCode: "431081"}
		if _, err := svc.PublishSet(ctx, all[3:], filings.Actor{Name: "资兴", Token: uploader}, ""); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("uploader: %v", err)
		}
		// A single Publish is an act of one: release 2, one filing.
		upload(t, svc, "431081,004,公安局,2024,budget,万元,8.00,0,0,5.00,3.00\n", cli)
		if _, err := svc.Publish(ctx, all[3], cli, ""); err != nil {
			t.Fatal(err)
		}
		rs := releasesOf(t, s, threeID)
		if len(rs) != 2 || rs[0].Number != 2 || rs[0].Filings != 1 || rs[0].DeptCode != "004" || rs[0].PublicationID == nil || rs[0].Rows != 4 {
			t.Fatalf("releases: %+v", rs)
		}
	})
}

func TestPublishSelection_ARegionYearPhaseTakesItsCleanDraftsOnly(t *testing.T) {
	s := storetest.SQLite(t)
	svc := service(s)
	upload(t, svc, clean3+"431081,004,公安局,2024,budget,万元,9.00,0,0,5.00,3.00\n"+
		"431081,001,财政局,2024,final,万元,8.00,0,0,5.00,3.00\n", cli)
	p, err := svc.PublishSelection(ctx, filings.Selection{Region: "431081", Year: 2024, Phase: models.PhaseBudget}, cli, "统一公开")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Filings) != 3 || len(p.Releases) != 1 || p.Releases[0].Filings != 3 {
		t.Fatalf("publication: %+v", p)
	}
	if _, err := svc.PublishSelection(ctx, filings.Selection{Region: "431081", Year: 2024, Phase: models.PhaseBudget}, cli, ""); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("nothing left to publish: %v", err)
	}
	if _, err := svc.PublishSelection(ctx, filings.Selection{Filings: []int64{1}, Region: "431081"}, cli, ""); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("both: %v", err)
	}
}

// A correction through a set: the corrected department's version replaces the
// old one in one release; corrections need the note.
func TestPublishSet_CorrectionsReplaceTheirVersions(t *testing.T) {
	s := storetest.SQLite(t)
	svc := service(s)
	res := upload(t, svc, clean3, cli)
	if _, err := svc.PublishSet(ctx, ids(res.Filings), cli, ""); err != nil {
		t.Fatal(err)
	}
	v2 := upload(t, svc, "431081,001,财政局,2024,budget,万元,7.00,0,0,4.00,3.00\n"+
		"431081,002,教育局,2024,budget,万元,5.00,1.00,0,3.00,1.00\n", cli)
	if _, err := svc.PublishSet(ctx, ids(v2.Filings), cli, ""); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("corrections without a note: %v", err)
	}
	p, err := svc.PublishSet(ctx, ids(v2.Filings), cli, "更正两个部门")
	if err != nil {
		t.Fatal(err)
	}
	r := p.Releases[0]
	if len(p.Releases) != 1 || r.Number != 2 || r.Action != models.ActionCorrection || r.Filings != 2 || r.Rows != 3 {
		t.Fatalf("release: %+v", p.Releases)
	}
	m1, _ := s.ReleaseMembers(ctx, threeID, 1)
	m2, _ := s.ReleaseMembers(ctx, threeID, 2)
	want2 := []int64{res.Filings[2].ID, v2.Filings[0].ID, v2.Filings[1].ID}
	if len(m1) != 3 || len(m2) != 3 || !sameSet(m2, want2) || !sameSet(m1, ids(res.Filings)) {
		t.Fatalf("members: r1 %v r2 %v, want r2 %v", m1, m2, want2)
	}
}

func sameSet(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[int64]bool{}
	for _, x := range a {
		in[x] = true
	}
	for _, x := range b {
		if !in[x] {
			return false
		}
	}
	return true
}

// A scheduled act is stored, survives a restart (a new store and service on
// the same database) and runs at its time; a draft changed meanwhile is judged as it then stands.
func TestSchedulePublication_RunsAfterARestartAndRechecksDrafts(t *testing.T) {
	dsns := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "sunshine.db") },
		"mysql":  func(t *testing.T) string { return storetest.NewMySQLDatabase(t) },
	}
	for name, mk := range dsns {
		t.Run(name, func(t *testing.T) {
			dsn := mk(t)
			s := storetest.Open(t, dsn)
			clock := storetest.NewClock()
			s.Now = clock.Now
			svc := service(s)
			res := upload(t, svc, clean3, cli)
			at := clock.T.Add(2 * time.Hour)
			p, err := svc.SchedulePublication(ctx, filings.Selection{Filings: ids(res.Filings)}, at, cli, "定时统一公开")
			if err != nil {
				t.Fatal(err)
			}
			if p.State != models.PublicationScheduled || p.RunAt == nil || !p.RunAt.Equal(at) || len(p.Filings) != 3 || len(p.Releases) != 0 {
				t.Fatalf("scheduled: %+v", p)
			}
			if _, err := svc.SchedulePublication(ctx, filings.Selection{Filings: ids(res.Filings)}, clock.T.Add(-time.Minute), cli, ""); models.ErrorCode(err) != models.EINVALID {
				t.Fatalf("a time past: %v", err)
			}
			// Not yet due: nothing runs.
			if n, err := svc.RunDuePublications(ctx); n != 0 || err != nil {
				t.Fatalf("early run: %d %v", n, err)
			}
			// A draft is corrected after scheduling (still clean): the act publishes it as it now stands.
			upload(t, svc, "431081,002,教育局,2024,budget,万元,6.00,1.00,0,4.00,1.00\n", cli)
			s.Close()

			// The restart: a new store and service on the same database, two hours later.
			s2 := storetest.Open(t, dsn)
			clock.Advance(2*time.Hour + time.Second)
			s2.Now = clock.Now
			svc2 := service(s2)
			if n, err := svc2.RunDuePublications(ctx); n != 1 || err != nil {
				t.Fatalf("run after restart: %d %v", n, err)
			}
			got, err := s2.Publication(ctx, p.ID)
			if err != nil || got.State != models.PublicationPublished || len(got.Releases) != 1 || got.Releases[0].Filings != 3 {
				t.Fatalf("after run: %+v %v", got, err)
			}
			tp, _ := s2.ThreePublic(ctx, res.Filings[1].ID)
			if f, _ := s2.Filing(ctx, res.Filings[1].ID); f.Status != models.StatusPublished || tp.Total.Money != 6000000 {
				t.Fatalf("published as changed: %+v %+v", f, tp)
			}
			if n, _ := svc2.RunDuePublications(ctx); n != 0 {
				t.Fatalf("ran twice: %d", n)
			}
		})
	}
}

func TestSchedulePublication_FailsWithItsReasonAndCanBeCancelled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := storetest.NewClock()
		s.Now = clock.Now
		svc := service(s)
		res := upload(t, svc, clean3, cli)
		p, err := svc.SchedulePublication(ctx, filings.Selection{Region: "431081", Year: 2024, Phase: models.PhaseBudget}, clock.T.Add(time.Hour), cli, "")
		if err != nil {
			t.Fatal(err)
		}
		// One of its drafts gets an error after scheduling: at its time the act fails whole, saying why.
		upload(t, svc, "431081,003,卫健委,2024,budget,万元,9.00,0,0,1.00,1.00\n", cli)
		clock.Advance(time.Hour)
		if n, err := svc.RunDuePublications(ctx); n != 1 || err != nil {
			t.Fatalf("run: %d %v", n, err)
		}
		got, _ := s.Publication(ctx, p.ID)
		if got.State != models.PublicationFailed || !strings.Contains(got.Reason, "错误") || got.DoneAt == nil || len(got.Releases) != 0 {
			t.Fatalf("failed act: %+v", got)
		}
		if pub, _ := s.PublishedFilings(ctx, "431081", 2024, models.PhaseBudget); len(pub) != 0 {
			t.Fatalf("a failed act published %d filings", len(pub))
		}
		if _, err := svc.CancelPublication(ctx, p.ID, cli); models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("cancel a failed act: %v", err)
		}
		// Another, cancelled before its time, never runs.
		q, err := svc.SchedulePublication(ctx, filings.Selection{Filings: ids(res.Filings[:2])}, clock.T.Add(time.Hour), cli, "")
		if err != nil {
			t.Fatal(err)
		}
		admin := &models.Token{Name: "管理员", Role: models.RoleAdmin}
		uploader := &models.Token{Name: "资兴", Role: models.RoleUploader, RegionCode: "431081"}
		if _, err := svc.CancelPublication(ctx, q.ID, filings.Actor{Name: "资兴", Token: uploader}); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("uploader cancels: %v", err)
		}
		c, err := svc.CancelPublication(ctx, q.ID, filings.Actor{Name: "管理员", Token: admin})
		if err != nil || c.State != models.PublicationCancelled || c.DoneBy != "管理员" {
			t.Fatalf("cancel: %+v %v", c, err)
		}
		clock.Advance(2 * time.Hour)
		if n, _ := svc.RunDuePublications(ctx); n != 0 {
			t.Fatalf("a cancelled act ran")
		}
		if f, _ := s.Filing(ctx, res.Filings[0].ID); f.Status != models.StatusDraft {
			t.Fatalf("cancelled act published: %+v", f)
		}
	})
}

// The loop serve runs: an act due runs within a tick or two.
func TestRunScheduler_RunsDueActs(t *testing.T) {
	s := storetest.SQLite(t)
	clock := storetest.NewClock()
	s.Now = clock.Now
	svc := service(s)
	res := upload(t, svc, clean3, cli)
	p, err := svc.SchedulePublication(ctx, filings.Selection{Filings: ids(res.Filings)}, clock.T.Add(time.Minute), cli, "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	loopCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { svc.RunScheduler(loopCtx, 20*time.Millisecond, slog.New(slog.DiscardHandler)); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, _ := s.Publication(ctx, p.ID)
		if got.State == models.PublicationPublished {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the loop did not run the act: %+v", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
}

// A scheduled act checks its drafts again when it runs: a rule that now finds
// an error (new code lists, a newly published budget) fails the act, though
// no draft was uploaded again.
func TestSchedulePublication_ChecksTheDraftsAgainWhenItRuns(t *testing.T) {
	s := storetest.SQLite(t)
	clock := storetest.NewClock()
	s.Now = clock.Now
	strict := false
	svc := service(s)
	svc.Checker = filings.CheckerFunc(func(ctx context.Context, tx *store.Tx, draft *checks.Filing) ([]models.Finding, error) {
		if strict && draft.Filing.DeptCode == "002" {
			return []models.Finding{{Rule: "test.strict", Severity: models.SeverityError, Message: "新规则：教育局须说明"}}, nil
		}
		return nil, nil
	})
	res := upload(t, svc, clean3, cli)
	p, err := svc.SchedulePublication(ctx, filings.Selection{Filings: ids(res.Filings)}, clock.T.Add(time.Hour), cli, "")
	if err != nil {
		t.Fatal(err)
	}
	strict = true
	clock.Advance(time.Hour)
	if n, err := svc.RunDuePublications(ctx); n != 1 || err != nil {
		t.Fatalf("run: %d %v", n, err)
	}
	got, _ := s.Publication(ctx, p.ID)
	if got.State != models.PublicationFailed || !strings.Contains(got.Reason, "错误") {
		t.Fatalf("act: %+v", got)
	}
	if f, _ := s.Filing(ctx, res.Filings[0].ID); f.Status != models.StatusDraft {
		t.Fatalf("a failed act published 001: %+v", f)
	}
}

// A scheduled act runs with the rights its token has when it runs: an admin
// token revoked (or made an uploader) after scheduling fails the act, which
// publishes nothing and says why; an admin token still active publishes,
// recorded as done by that token.
func TestSchedulePublication_JudgedByItsTokenWhenItRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := storetest.NewClock()
		s.Now = clock.Now
		svc := service(s)
		res := upload(t, svc, clean3, cli)
		token := func(name string) filings.Actor {
			tok, err := s.CreateToken(ctx, models.Token{Name: name, Role: models.RoleAdmin, Hash: fmt.Sprintf("hash-%x", name)}, "cli")
			if err != nil {
				t.Fatal(err)
			}
			return filings.Actor{Name: name, Token: &tok}
		}
		leaving, staying := token("离任管理员"), token("在任管理员")
		gone, err := svc.SchedulePublication(ctx, filings.Selection{Filings: ids(res.Filings[:1])}, clock.T.Add(time.Hour), leaving, "")
		if err != nil {
			t.Fatal(err)
		}
		kept, err := svc.SchedulePublication(ctx, filings.Selection{Filings: ids(res.Filings[1:])}, clock.T.Add(time.Hour), staying, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, "离任管理员", "cli"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		if n, err := svc.RunDuePublications(ctx); n != 2 || err != nil {
			t.Fatalf("run: %d %v", n, err)
		}
		g, err := s.Publication(ctx, gone.ID)
		if err != nil || g.State != models.PublicationFailed || !strings.Contains(g.Reason, "离任管理员") || !strings.Contains(g.Reason, "吊销") {
			t.Fatalf("the revoked token's act: %+v %v", g, err)
		}
		k, err := s.Publication(ctx, kept.ID)
		if err != nil || k.State != models.PublicationPublished || k.DoneBy != "在任管理员" || len(k.Releases) != 1 {
			t.Fatalf("the active token's act: %+v %v", k, err)
		}
		pub, err := s.PublishedFilings(ctx, "431081", 2024, models.PhaseBudget)
		if err != nil || len(pub) != 2 {
			t.Fatalf("published %d filings (%v), want the two of the active token's act", len(pub), err)
		}
		for _, f := range pub {
			if f.DeptCode == res.Filings[0].DeptCode {
				t.Fatalf("the revoked token's draft %s was published", f.DeptCode)
			}
		}
		log, _ := s.AuditLog(ctx, fmt.Sprintf("publication:%d", gone.ID), 10)
		if len(log) == 0 || log[0].Action != "publication.fail" {
			t.Fatalf("the failure is not audited: %+v", log)
		}
	})
}
