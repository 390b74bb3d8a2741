package store_test

import (
	"reflect"
	"strings"
	"testing"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// A draft's explanations are replaced whole, read back in order with their
// pages, copied into the next draft with the published content, and go with
// a discarded draft.
func TestExplanations_ReplaceCopyAndCascade(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		k := key("001", 2024, models.PhaseFinal)
		long := strings.Repeat("“三公”经费财政拨款支出决算数小于预算数的主要原因：当年度无“三公”经费支出。", 150) // over 64 KiB of UTF-8
		first := []models.ExplanationSection{
			{Heading: "第三部分上海市普陀区财政局2024年度部门决算情况说明", Page: 21, SHA256: strings.Repeat("a", 64)},
			{Heading: "一、收入支出决算总体情况说明", Text: "上海市普陀区财政局2024年度收入支出总计2995.39万元。\n第二段", Page: 21, SHA256: strings.Repeat("a", 64)},
			{Heading: "七、财政拨款“三公”经费支出决算情况说明", Text: long, Page: 23, SHA256: strings.Repeat("a", 64)},
		}
		var draft models.Filing
		write := func(fn func(tx *store.Tx) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		write(func(tx *store.Tx) error {
			var err error
			if draft, _, err = tx.OpenDraft(ctx, k, "clerk"); err != nil {
				return err
			}
			if err := tx.ReplaceExplanations(ctx, draft.ID, first); err != nil {
				return err
			}
			// Replaced, not added to.
			return tx.ReplaceExplanations(ctx, draft.ID, first)
		})
		got, err := s.Explanations(ctx, draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]models.ExplanationSection, len(first))
		for i, e := range first {
			e.FilingID, e.Seq = draft.ID, i+1
			want[i] = e
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("explanations:\n got %+v\nwant %+v", got, want)
		}
		if p := got[1].Paragraphs(); len(p) != 2 || got[1].Link() != "/api/v1/sources/"+strings.Repeat("a", 64)+"/source.pdf#page=21" {
			t.Errorf("paragraphs %q, link %q", p, got[1].Link())
		}
		if !got[0].Part() || got[1].Part() {
			t.Errorf("part headings: %v %v", got[0].Part(), got[1].Part())
		}

		// Published, then a new draft starts with the same explanations.
		var d2 models.Filing
		write(func(tx *store.Tx) error {
			if _, err := tx.Publish(ctx, draft.ID, "admin", ""); err != nil {
				return err
			}
			var err error
			if d2, _, err = tx.OpenDraft(ctx, k, "clerk"); err != nil {
				return err
			}
			return tx.CopyContent(ctx, draft.ID, d2.ID)
		})
		write(func(tx *store.Tx) error {
			copied, err := tx.Explanations(ctx, d2.ID)
			if err != nil {
				return err
			}
			if len(copied) != len(first) || copied[2].Text != long || copied[2].FilingID != d2.ID || copied[2].Seq != 3 {
				t.Errorf("copied explanations: %d sections", len(copied))
			}
			// A draft's explanations replaced leave the published version's alone.
			return tx.ReplaceExplanations(ctx, d2.ID, first[1:2])
		})
		if pub, _ := s.Explanations(ctx, draft.ID); len(pub) != 3 {
			t.Errorf("the published version has %d sections after its draft changed", len(pub))
		}
		if d, _ := s.Explanations(ctx, d2.ID); len(d) != 1 || d[0].Seq != 1 || d[0].Heading != first[1].Heading {
			t.Errorf("the draft's explanations after a replace: %+v", d)
		}

		// A discarded draft takes its explanations with it; nil clears.
		write(func(tx *store.Tx) error {
			_, err := tx.DiscardDraft(ctx, d2.ID)
			return err
		})
		if d, err := s.Explanations(ctx, d2.ID); err != nil || len(d) != 0 || d == nil {
			t.Errorf("after discard: %+v %v", d, err)
		}
		write(func(tx *store.Tx) error {
			d3, _, err := tx.OpenDraft(ctx, k, "clerk")
			if err != nil {
				return err
			}
			if err := tx.ReplaceExplanations(ctx, d3.ID, first); err != nil {
				return err
			}
			if err := tx.ReplaceExplanations(ctx, d3.ID, nil); err != nil {
				return err
			}
			left, err := tx.Explanations(ctx, d3.ID)
			if len(left) != 0 {
				t.Errorf("nil left %d sections", len(left))
			}
			return err
		})
	})
}
