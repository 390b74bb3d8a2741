package demo

import (
	"bytes"
	"testing"

	"sunshine/checks"
	"sunshine/models"
)

// publishedMap answers the cross-filing rules from filings kept in memory.
type publishedMap map[models.FilingKey]*checks.Filing

func (p publishedMap) Latest(k models.FilingKey) (*checks.Filing, bool) { f, ok := p[k]; return f, ok }

func (p publishedMap) Peers(region string, year int, phase models.Phase) []checks.Filing {
	var out []checks.Filing
	for k, f := range p {
		if k.RegionCode == region && k.FiscalYear == year && k.Phase == phase {
			out = append(out, *f)
		}
	}
	return out
}

// TestScale_FilingsAreDetailedAndEveryRuleFindsNothing runs every rule, the
// cross-filing ones included, over a scale of two regions, two years and more
// departments than the demo city has, each filing checked against the ones
// before it as if they had been published.
func TestScale_FilingsAreDetailedAndEveryRuleFindsNothing(t *testing.T) {
	s := Scale{Regions: 2, Depts: 45, Years: 2, FirstYear: 2024}
	published := publishedMap{}
	n, minItems, maxItems, total := 0, 1<<30, 0, 0
	err := s.Each(func(f Filing) error {
		n++
		tp := f.ThreePublic
		cf := &checks.Filing{Filing: models.Filing{ID: int64(n), FilingKey: f.Key, Version: 1, Status: models.StatusDraft},
			ThreePublic: &tp, Items: f.Items}
		if fs := checks.Run(cf, checks.Env{Published: published}); len(fs) > 0 {
			t.Fatalf("%+v: %d findings, the first: %s %s", f.Key, len(fs), fs[0].Rule, fs[0].Message)
		}
		published[f.Key] = cf
		minItems, maxItems, total = min(minItems, len(f.Items)), max(maxItems, len(f.Items)), total+len(f.Items)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != s.Filings() {
		t.Errorf("Each gave %d filings, Filings says %d", n, s.Filings())
	}
	t.Logf("line items per filing from %d to %d (mean %d)", minItems, maxItems, total/n)
	if minItems < 300 || maxItems > 600 {
		t.Errorf("line items per filing from %d to %d (mean %d), want 300–600", minItems, maxItems, total/n)
	}
}

func TestScale_IsDeterministicAndTheFirstRegionIsTheDemoCity(t *testing.T) {
	s := Scale{Regions: 2, Depts: 3, Years: 1, FirstYear: 2025}
	var a, b bytes.Buffer
	if err := WriteLineItemsCSV(&a, s.All()); err != nil {
		t.Fatal(err)
	}
	if err := WriteLineItemsCSV(&b, s.All()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two runs wrote different bytes")
	}
	all := s.All()
	if all[0].Key.RegionCode != Region.Code || all[len(all)-1].Key.RegionCode != "990102" {
		t.Errorf("regions %s … %s, want 990101 … 990102", all[0].Key.RegionCode, all[len(all)-1].Key.RegionCode)
	}
	if all[len(all)-1].DeptName != "演示2市人民政府办公室" {
		t.Errorf("department name %q", all[len(all)-1].DeptName)
	}
}
