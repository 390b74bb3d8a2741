package store_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// draftFrom opens dept's next draft of 431081 2024 final as the upload path
// does (a copy of the published version), lets change edit it, and returns it.
func draftFrom(t *testing.T, s *store.Store, dept string, change func(tx *store.Tx, id int64) error) models.Filing {
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
		if prev, err := tx.LatestPublished(ctx, k); err == nil {
			if err := tx.CopyContent(ctx, prev.ID, f.ID); err != nil {
				return err
			}
		}
		out = f
		return change(tx, f.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func setThree(total models.Money) func(tx *store.Tx, id int64) error {
	return func(tx *store.Tx, id int64) error {
		return tx.PutThreePublic(ctx, models.ThreePublic{FilingID: id, Total: models.Disclosed(total), Reception: models.NotDisclosed, Unit: models.WanYuan})
	}
}

func setItems(total models.Money) func(tx *store.Tx, id int64) error {
	return func(tx *store.Tx, id int64) error {
		if err := tx.DeleteTable(ctx, id, models.TableOperatingCost); err != nil {
			return err
		}
		return tx.InsertLineItems(ctx, []models.LineItem{
			{FilingID: id, Table: models.TableOperatingCost, Code: "total", Column: "amount", Amount: models.Disclosed(total), Unit: models.WanYuan}})
	}
}

func both(total models.Money) func(tx *store.Tx, id int64) error {
	return func(tx *store.Tx, id int64) error {
		if err := setThree(total)(tx, id); err != nil {
			return err
		}
		return setItems(total)(tx, id)
	}
}

// act publishes drafts together (or withdraws published filings) and records the releases of the act.
func act(t *testing.T, s *store.Store, action, note string, fs ...models.Filing) []store.Release {
	t.Helper()
	var rels []store.Release
	err := s.Write(ctx, func(tx *store.Tx) error {
		var changes []store.ReleaseChange
		for _, f := range fs {
			var out models.Filing
			var err error
			a := action
			if action == store.ActionWithdrawal {
				out, err = tx.Withdraw(ctx, f.ID, "admin", note)
			} else {
				if out, err = tx.Publish(ctx, f.ID, "admin", note); err == nil && out.Version > 1 {
					a = store.ActionCorrection
				}
			}
			if err != nil {
				return err
			}
			changes = append(changes, store.ReleaseChange{Filing: out, Action: a})
		}
		var err error
		rels, err = tx.RecordReleases(ctx, changes, 0, note, "admin")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rels
}

var (
	threeDS = store.DatasetID("431081", 2024, models.PhaseFinal, models.KindThreePublic)
	itemsDS = store.DatasetID("431081", 2024, models.PhaseFinal, models.KindLineItems)
)

// every release's members, "dataset/n:[ids]".
func allMembers(t *testing.T, s *store.Store) []string {
	t.Helper()
	var out []string
	for _, id := range []string{threeDS, itemsDS} {
		d, err := s.Dataset(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= d.LatestRelease; n++ {
			m, err := s.ReleaseMembers(ctx, id, n)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s/%d:%v", id, n, m))
		}
	}
	return out
}

// A correction of one table makes a release of its dataset only; the
// untouched dataset keeps the member it had until a later change or a
// withdrawal takes it out. Membership is one row per filing version per dataset.
func TestRecordReleases_OneReleasePerTouchedDatasetAndIntervals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		a1 := draftFrom(t, s, "001", both(100))
		b1 := draftFrom(t, s, "002", both(200))
		rels := act(t, s, store.ActionPublish, "统一公开", a1, b1)
		if len(rels) != 2 || rels[0].Filings != 2 || rels[1].Filings != 2 || rels[0].Number != 1 || rels[1].Number != 1 {
			t.Fatalf("first act: %+v", rels)
		}
		// 001 corrects its line items only: no 三公 release.
		a2 := draftFrom(t, s, "001", setItems(150))
		rels = act(t, s, store.ActionPublish, "更正运行经费", a2)
		if len(rels) != 1 || rels[0].DatasetID != itemsDS || rels[0].Number != 2 || rels[0].Action != store.ActionCorrection || rels[0].Filings != 1 {
			t.Fatalf("line-item correction: %+v", rels)
		}
		if d, _ := s.Dataset(ctx, threeDS); d.LatestRelease != 1 {
			t.Fatalf("三公 dataset moved to release %d on a line-item correction", d.LatestRelease)
		}
		// 001 corrects its 三公 record: the 三公 dataset replaces v1 by v3; line items stay.
		a3 := draftFrom(t, s, "001", setThree(120))
		rels = act(t, s, store.ActionPublish, "更正三公", a3)
		if len(rels) != 1 || rels[0].DatasetID != threeDS || rels[0].Number != 2 {
			t.Fatalf("三公 correction: %+v", rels)
		}
		// A correction that changes nothing at all makes no release.
		a4 := draftFrom(t, s, "001", func(*store.Tx, int64) error { return nil })
		if rels = act(t, s, store.ActionPublish, "重新公开", a4); len(rels) != 0 {
			t.Fatalf("a correction changing nothing made releases: %+v", rels)
		}
		// Withdrawing 001 takes it out of both datasets, whichever version each held.
		rels = act(t, s, store.ActionWithdrawal, "口径有误", a4)
		if len(rels) != 2 || rels[0].Action != store.ActionWithdrawal {
			t.Fatalf("withdrawal: %+v", rels)
		}
		want := []string{
			fmt.Sprintf("%s/1:[%d %d]", threeDS, a1.ID, b1.ID),
			fmt.Sprintf("%s/2:[%d %d]", threeDS, b1.ID, a3.ID),
			fmt.Sprintf("%s/3:[%d]", threeDS, b1.ID),
			fmt.Sprintf("%s/1:[%d %d]", itemsDS, a1.ID, b1.ID),
			fmt.Sprintf("%s/2:[%d %d]", itemsDS, b1.ID, a2.ID),
			fmt.Sprintf("%s/3:[%d]", itemsDS, b1.ID),
		}
		if got := allMembers(t, s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("members:\n got %v\nwant %v", got, want)
		}
		// Rows: one per filing version per dataset it entered (001 v1, v3 and 002 in 三公; 001 v1, v2 and 002 in line items).
		if n, err := store.CountForTest(ctx, s, `SELECT COUNT(*) FROM release_members`); err != nil || n != 6 {
			t.Fatalf("release_members rows: %d %v", n, err)
		}
		// Row counts as before: release 2 of the 三公 dataset holds two records.
		rs, _ := s.Releases(ctx, threeDS)
		if rs[1].Rows != 2 || rs[0].Rows != 1 {
			t.Fatalf("row counts: %+v", rs)
		}
	})
}

// Migration 00007 moves release_filings (every member of every release) to
// intervals, and its Down back: every release's members read the same. The
// history is written in the old form at version 6, as a database of the
// previous binary holds it; the test moves only between 6 and 7.
func TestMigration00007_MovesMembershipBothWays(t *testing.T) {
	dsns := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "sunshine.db") },
		"mysql":  func(t *testing.T) string { return storetest.NewMySQLDatabase(t) },
	}
	for name, mk := range dsns {
		t.Run(name, func(t *testing.T) {
			s, err := store.Open(ctx, mk(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := store.MigrateToForTest(ctx, s, 6); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
			// 001 v1 (id 1), 002 (2), 003 (3, 三公 only), 001 v2 (4); 002 withdrawn last.
			history := map[string][][]int64{
				threeDS: {{1}, {1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4}},
				itemsDS: {{1}, {1, 2}, {2, 4}, {4}},
			}
			err = s.Write(ctx, func(tx *store.Tx) error {
				stmts := []struct {
					q    string
					args []any
				}{
					{`INSERT INTO regions (code, name) VALUES ('431081', '示例市')`, nil},
				}
				for _, d := range []string{"001", "002", "003"} {
					stmts = append(stmts, struct {
						q    string
						args []any
					}{`INSERT INTO departments (region_code, code, name) VALUES ('431081', ?, ?)`, []any{d, "部门" + d}})
				}
				for id, f := range map[int64][3]any{1: {"001", 1, "superseded"}, 2: {"002", 1, "withdrawn"}, 3: {"003", 1, "published"}, 4: {"001", 2, "published"}} {
					stmts = append(stmts, struct {
						q    string
						args []any
					}{`INSERT INTO filings (id, region_code, dept_code, fiscal_year, phase, version, status, created_at, created_by, updated_at)
						VALUES (?, '431081', ?, 2024, 'final', ?, ?, ?, 't', ?)`, []any{id, f[0], f[1], f[2], now, now}})
				}
				for _, q := range stmts {
					if err := store.ExecForTest(ctx, tx, q.q, q.args...); err != nil {
						return err
					}
				}
				rid := int64(0)
				for _, ds := range []string{threeDS, itemsDS} {
					kind := "three_public"
					if ds == itemsDS {
						kind = "line_items"
					}
					if err := store.ExecForTest(ctx, tx, `INSERT INTO datasets (id, region_code, fiscal_year, phase, kind, latest_release, updated_at)
						VALUES (?, '431081', 2024, 'final', ?, ?, ?)`, ds, kind, len(history[ds]), now); err != nil {
						return err
					}
					for n, members := range history[ds] {
						rid++
						if err := store.ExecForTest(ctx, tx, `INSERT INTO releases (id, dataset_id, number, action, filing_id, note, row_count, created_at, created_by)
							VALUES (?, ?, ?, 'publish', ?, '', 0, ?, 't')`, rid, ds, n+1, members[len(members)-1], now); err != nil {
							return err
						}
						for _, m := range members {
							if err := store.ExecForTest(ctx, tx, `INSERT INTO release_filings (release_id, filing_id) VALUES (?, ?)`, rid, m); err != nil {
								return err
							}
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, ds := range []string{threeDS, itemsDS} {
				for n, m := range history[ds] {
					sorted := append([]int64(nil), m...)
					sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
					want = append(want, fmt.Sprintf("%s/%d:%v", ds, n+1, sorted))
				}
			}
			if err := store.MigrateToForTest(ctx, s, 7); err != nil {
				t.Fatal(err)
			}
			if got := allMembers(t, s); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("members after the move:\n got %v\nwant %v", got, want)
			}
			// 17 rows listing every member of every release became one per filing version per dataset.
			if n, err := store.CountForTest(ctx, s, `SELECT COUNT(*) FROM release_members`); err != nil || n != 4+3 {
				t.Fatalf("release_members rows: %d %v", n, err)
			}
			if err := store.MigrateToForTest(ctx, s, 6); err != nil {
				t.Fatal(err)
			}
			if n, err := store.CountForTest(ctx, s, `SELECT COUNT(*) FROM release_filings`); err != nil || n != 11+6 {
				t.Fatalf("release_filings after down: %d %v", n, err)
			}
			if n, err := store.CountForTest(ctx, s, `SELECT COUNT(*) FROM release_filings rf JOIN releases r ON r.id = rf.release_id
				WHERE (r.dataset_id = ? AND r.number = 4 AND rf.filing_id IN (2, 3, 4)) OR (r.dataset_id = ? AND r.number = 3 AND rf.filing_id IN (2, 4))`,
				threeDS, itemsDS); err != nil || n != 5 {
				t.Fatalf("release_filings after down, 三公 release 4 and line-item release 3: %d %v", n, err)
			}
			if err := store.MigrateToForTest(ctx, s, 7); err != nil {
				t.Fatal(err)
			}
			if got := allMembers(t, s); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("members after down and up:\n got %v\nwant %v", got, want)
			}
		})
	}
}
