package store_test

import (
	"testing"

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
