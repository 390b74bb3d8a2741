package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// OpenNamedDraft gives a new draft its names in the INSERT and renames an
// open one; an empty region name keeps the draft's; bad names are refused
// before anything is written.
func TestOpenNamedDraft_NamesNewRenamesOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		k := key("001", 2025, models.PhaseBudget)
		var first, again models.Filing
		err := s.Write(ctx, func(tx *store.Tx) error {
			for _, d := range []string{"001", "002"} {
				if err := tx.PutDepartment(ctx, models.Department{RegionCode: k.RegionCode, Code: d, Name: "部门" + d}); err != nil {
					return err
				}
			}
			var created bool
			var err error
			if first, created, err = tx.OpenNamedDraft(ctx, k, "clerk", "示例市", "财政局"); err != nil || !created {
				t.Fatalf("first open: created %v, %v", created, err)
			}
			if again, created, err = tx.OpenNamedDraft(ctx, k, "clerk", "", "财政局（新名）"); err != nil || created {
				t.Fatalf("second open: created %v, %v", created, err)
			}
			k2 := key("002", 2025, models.PhaseBudget)
			if _, _, err := tx.OpenNamedDraft(ctx, k2, "clerk", "示例市", "财政\x01局"); models.ErrorCode(err) != models.EINVALID {
				t.Fatalf("a department name with a control character: %v", err)
			}
			if _, created, err := tx.OpenDraft(ctx, k2, "clerk"); err != nil || !created {
				t.Fatalf("the refused name made a draft anyway (created again: %v, %v)", created, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID {
			t.Fatalf("the open draft %d was not found again (got %d)", first.ID, again.ID)
		}
		f, err := s.Filing(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if f.RegionName != "示例市" || f.DeptName != "财政局（新名）" {
			t.Fatalf("names: region %q, department %q", f.RegionName, f.DeptName)
		}
	})
}

// Touch and FilingsByID take any number of ids (in parts of a few hundred):
// every draft is touched, a published filing is not; filings come back in
// the order asked; an unknown id is ENOTFOUND.
func TestTouchAndFilingsByID_ManyIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		published := publishNamed(t, s, key("999", 2024, models.PhaseBudget), "示例市", "已公开局")
		s.Now = func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }
		var ids []int64
		err := s.Write(ctx, func(tx *store.Tx) error {
			for i := range 510 {
				k := key(fmt.Sprintf("%03d", i), 2025, models.PhaseBudget)
				if err := tx.PutDepartment(ctx, models.Department{RegionCode: k.RegionCode, Code: k.DeptCode, Name: "部门"}); err != nil {
					return err
				}
				f, _, err := tx.OpenNamedDraft(ctx, k, "clerk", "示例市", "部门")
				if err != nil {
					return err
				}
				ids = append(ids, f.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		later := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return later }
		var got []models.Filing
		err = s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.Touch(ctx, append([]int64{published.ID}, ids...)...); err != nil {
				return err
			}
			reversed := slices.Clone(ids)
			slices.Reverse(reversed)
			var err error
			got, err = tx.FilingsByID(ctx, reversed)
			if err != nil {
				return err
			}
			if _, err := tx.FilingsByID(ctx, []int64{ids[0], 1 << 40}); models.ErrorCode(err) != models.ENOTFOUND {
				t.Errorf("an unknown id: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) || got[0].ID != ids[len(ids)-1] || got[len(got)-1].ID != ids[0] {
			t.Fatalf("FilingsByID gave %d filings, first %d last %d; want %d, %d … %d", len(got), got[0].ID, got[len(got)-1].ID, len(ids), ids[len(ids)-1], ids[0])
		}
		for _, f := range got {
			if !f.UpdatedAt.Equal(later) {
				t.Fatalf("draft %d not touched: updated %v", f.ID, f.UpdatedAt)
			}
		}
		p, err := s.Filing(ctx, published.ID)
		if err != nil || p.UpdatedAt.Equal(later) {
			t.Fatalf("the published filing was touched (%v, %v)", p.UpdatedAt, err)
		}
	})
}

// An upload whose context ends mid-way (the client went, the server stops)
// stores nothing, and the write connection — on which full batches went
// through the driver's own statement — serves the next upload.
func TestWrite_CancelledBetweenBatchesKeepsNothingAndTheWriterWorks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		batch := func(f models.Filing) []models.LineItem {
			items := make([]models.LineItem, store.LineItemBatch)
			for i := range items {
				items[i] = models.LineItem{FilingID: f.ID, Table: models.TableGeneralExpenditure, Code: "2010101", Name: "行政运行",
					Column: fmt.Sprintf("c%d", i), Amount: models.Disclosed(models.Money(i)), Unit: models.Yuan, SourceRow: i + 2}
			}
			return items
		}
		cctx, cancel := context.WithCancel(ctx)
		err := s.Write(cctx, func(tx *store.Tx) error {
			f, _, err := tx.OpenDraft(cctx, key("001", 2024, models.PhaseBudget), "test")
			if err != nil {
				return err
			}
			if err := tx.InsertLineItems(cctx, batch(f)); err != nil {
				return err
			}
			cancel()
			return tx.InsertLineItems(cctx, batch(f))
		})
		if err == nil {
			t.Fatal("a cancelled upload was stored")
		}
		if fs, err := s.Filings(ctx, store.FilingFilter{}); err != nil || len(fs) != 0 {
			t.Fatalf("after the cancelled upload: %d filings, %v", len(fs), err)
		}
		var f models.Filing
		err = s.Write(ctx, func(tx *store.Tx) error {
			var err error
			if f, _, err = tx.OpenDraft(ctx, key("001", 2024, models.PhaseBudget), "test"); err != nil {
				return err
			}
			return tx.InsertLineItems(ctx, append(batch(f), batch(f)...))
		})
		if err != nil {
			t.Fatalf("the next upload: %v", err)
		}
		if items, err := s.LineItems(ctx, f.ID); err != nil || len(items) != 2*store.LineItemBatch {
			t.Fatalf("the next upload stored %d line items, %v", len(items), err)
		}
	})
}

// On SQLite a write whose BEGIN cannot take the lock (another process holds
// it) before its context ends is answered as unavailable, with nothing
// written — not run on a transaction that never began.
func TestWrite_SQLiteBeginThatTimesOutIsAnError(t *testing.T) {
	s := storetest.SQLite(t)
	other, err := sql.Open("sqlite", "file:"+s.Config().Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	hold, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	if _, err := hold.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer hold.ExecContext(ctx, "ROLLBACK")
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	ran := false
	err = s.Write(short, func(tx *store.Tx) error { ran = true; return nil })
	if err == nil || ran || models.ErrorCode(err) != models.EUNAVAILABLE {
		t.Fatalf("a write that could not begin: ran %v, %v", ran, err)
	}
}
