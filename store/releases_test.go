package store_test

import (
	"testing"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// publishVersion stores a draft for dept with a 三公 total and two line items, then publishes it and records the release.
func publishVersion(t *testing.T, s *store.Store, dept string, total models.Money, note string) models.Filing {
	t.Helper()
	var out models.Filing
	err := s.Write(ctx, func(tx *store.Tx) error {
		if err := tx.PutDepartment(ctx, models.Department{RegionCode: "431081", Code: dept, Name: "部门" + dept}); err != nil {
			return err
		}
		k := key(dept, 2024, models.PhaseFinal)
		f, _, err := tx.OpenDraft(ctx, k, "t")
		if err != nil {
			return err
		}
		if err := tx.NameDraft(ctx, f.ID, "示例市（演示数据）", "部门"+dept); err != nil {
			return err
		}
		if err := tx.PutThreePublic(ctx, models.ThreePublic{FilingID: f.ID, Total: models.Disclosed(total), Reception: models.NotDisclosed, Unit: models.WanYuan}); err != nil {
			return err
		}
		if err := tx.DeleteTable(ctx, f.ID, models.TableOperatingCost); err != nil {
			return err
		}
		if err := tx.InsertLineItems(ctx, []models.LineItem{
			{FilingID: f.ID, Table: models.TableOperatingCost, Code: "total", Column: "amount", Amount: models.Disclosed(total), Unit: models.WanYuan},
			{FilingID: f.ID, Table: models.TableProcurement, Code: "total", Column: "amount", Amount: models.NotDisclosed, Unit: models.Yuan},
		}); err != nil {
			return err
		}
		if out, err = tx.Publish(ctx, f.ID, "admin", note); err != nil {
			return err
		}
		action := store.ActionPublish
		if out.Version > 1 {
			action = store.ActionCorrection
		}
		_, err = tx.RecordReleases(ctx, []store.ReleaseChange{{Filing: out, Action: action}}, 0, note, "admin")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func feedTotals(t *testing.T, s *store.Store, ff store.FeedFilter) map[string]models.NullMoney {
	t.Helper()
	got := map[string]models.NullMoney{}
	err := s.EachThreePublic(ctx, ff, func(r store.ThreePublicRow) error {
		if r.DeptName == "" || r.RegionName == "" || r.FeedFiling.FilingID != r.ThreePublic.FilingID {
			t.Errorf("row lacks its filing: %+v", r.FeedFiling)
		}
		got[r.DeptCode] = r.Total
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestReleases_PublishCorrectWithdrawAndReadAsOfEach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		publishVersion(t, s, "001", 1000000, "")
		publishVersion(t, s, "002", 2000000, "")
		a2 := publishVersion(t, s, "001", 1100000, "更正合计")
		id := store.DatasetID("431081", 2024, models.PhaseFinal, models.KindThreePublic)
		d, err := s.Dataset(ctx, id)
		if err != nil || d.LatestRelease != 3 || d.RegionName != "示例市（演示数据）" {
			t.Fatalf("dataset: %+v %v", d, err)
		}
		rels, _ := s.Releases(ctx, id)
		if len(rels) != 3 || rels[0].Number != 3 || rels[0].Action != store.ActionCorrection || rels[0].Note != "更正合计" ||
			rels[0].Rows != 2 || rels[2].Action != store.ActionPublish || rels[0].DeptName != "部门001" {
			t.Fatalf("releases: %+v", rels)
		}
		// Release 2 is forever what it was: 001 v1 and 002.
		m2, err := s.ReleaseMembers(ctx, id, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got := feedTotals(t, s, store.FeedFilter{Members: m2}); got["001"].Money != 1000000 || got["002"].Money != 2000000 {
			t.Fatalf("as of release 2: %+v", got)
		}
		if got := feedTotals(t, s, store.FeedFilter{Region: "431081"}); got["001"].Money != 1100000 || len(got) != 2 {
			t.Fatalf("now: %+v", got)
		}
		// Withdrawal is a release too, and takes the filing out of the dataset.
		err = s.Write(ctx, func(tx *store.Tx) error {
			w, err := tx.Withdraw(ctx, a2.ID, "admin", "口径有误")
			if err != nil {
				return err
			}
			_, err = tx.RecordReleases(ctx, []store.ReleaseChange{{Filing: w, Action: store.ActionWithdrawal}}, 0, "口径有误", "admin")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		m4, _ := s.ReleaseMembers(ctx, id, 4)
		if got := feedTotals(t, s, store.FeedFilter{Members: m4}); len(got) != 1 || got["002"].Money != 2000000 {
			t.Fatalf("after withdrawal: %+v", got)
		}
		if _, err := s.ReleaseMembers(ctx, id, 5); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("release 5: %v", err)
		}
		changes, _ := s.Changes(ctx, store.ChangeFilter{Limit: 3})
		if len(changes) != 3 || changes[0].Action != store.ActionWithdrawal || changes[0].Kind != models.KindLineItems {
			t.Fatalf("changes: %+v", changes)
		}
		older, _ := s.Changes(ctx, store.ChangeFilter{BeforeID: changes[2].ID, Limit: 100})
		if len(older) != 5 { // 8 releases in all: 4 per kind
			t.Fatalf("older changes: %d", len(older))
		}
		ds, _ := s.Datasets(ctx, store.DatasetFilter{Region: "431081"})
		if len(ds) != 2 {
			t.Fatalf("datasets: %+v", ds)
		}
	})
}

func TestFeeds_LineItemsKeysetAndNotDisclosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		for _, d := range []string{"001", "002", "003"} {
			publishVersion(t, s, d, 500000, "")
		}
		var ids []int64
		var after int64
		for {
			var page []store.LineItemRow
			err := s.EachLineItem(ctx, store.FeedFilter{Region: "431081", AfterID: after, Limit: 4}, func(r store.LineItemRow) error {
				page = append(page, r)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, r := range page {
				ids = append(ids, r.ID)
				if r.Table == models.TableProcurement && r.Amount.Valid {
					t.Fatalf("not disclosed came back as a figure: %+v", r)
				}
			}
			after = page[len(page)-1].ID
		}
		if len(ids) != 6 {
			t.Fatalf("rows: %v", ids)
		}
		n := 0
		s.EachLineItem(ctx, store.FeedFilter{Table: "operating_cost", Code: "total"}, func(store.LineItemRow) error { n++; return nil })
		if n != 3 {
			t.Fatalf("table filter: %d", n)
		}
	})
}
