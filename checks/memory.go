package checks

import "sunshine/models"

// Memory is a Published over filings held in memory: for `sunshine check`
// against files rather than a database, and for tests. Only filings with
// status published count; drafts, superseded and withdrawn versions are ignored.
type Memory []Filing

// Latest returns the published filing of the key with the highest version.
func (m Memory) Latest(key models.FilingKey) (*Filing, bool) {
	var best *Filing
	for i := range m {
		f := &m[i]
		if f.FilingKey == key && f.Status == models.StatusPublished && (best == nil || f.Version > best.Version) {
			best = f
		}
	}
	return best, best != nil
}

// Peers returns the latest published filing of each department of the region for the year and phase,
// in the order the departments first appear.
func (m Memory) Peers(region string, year int, phase models.Phase) []Filing {
	latest := map[string]int{} // department → index into out
	var out []Filing
	for _, f := range m {
		if f.RegionCode != region || f.FiscalYear != year || f.Phase != phase || f.Status != models.StatusPublished {
			continue
		}
		i, seen := latest[f.DeptCode]
		switch {
		case !seen:
			latest[f.DeptCode] = len(out)
			out = append(out, f)
		case f.Version > out[i].Version:
			out[i] = f
		}
	}
	return out
}
