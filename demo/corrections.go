package demo

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"sunshine/filings"
	"sunshine/models"
)

// corrections are the demo's correction acts: a published filing's flagged
// defect put right, as a bureau does after the checks (or a reader) point it
// out. Each uploads the corrected 三公 table alone and publishes the new
// version in an act of its own with the note: a release of the 三公 dataset,
// none of the line-item dataset, which the correction leaves as it was.
var corrections = map[models.FilingKey]string{
	{RegionCode: Region.Code, DeptCode: "024", FiscalYear: 2024, Phase: models.PhaseFinal}: "更正：补充三公经费增减变化原因",
}

// loadCorrections runs the corrections of one year and phase (k's), once:
// loading again finds the corrected file a duplicate and its version published.
func loadCorrections(ctx context.Context, svc *filings.Service, k models.FilingKey, dir string) (Summary, error) {
	var sum Summary
	for key, note := range corrections {
		if key.FiscalYear != k.FiscalYear || key.Phase != k.Phase {
			continue
		}
		var dept *Dept
		for i := range Depts {
			if Depts[i].Code == key.DeptCode {
				dept = &Depts[i]
			}
		}
		if dept == nil {
			return sum, fmt.Errorf("demo: correction of an unknown department %s", key.DeptCode)
		}
		f := generateClean(*dept, key.FiscalYear, key.Phase)
		path := filepath.Join(dir, fmt.Sprintf("阳光市%d年%s%s三公经费（更正）.csv", key.FiscalYear, key.Phase.Chinese(), dept.Name))
		if err := writeFile(path, func(w io.Writer) error { return WriteThreePublicCSV(w, []Filing{f}) }); err != nil {
			return sum, err
		}
		ids, err := uploadFile(ctx, svc, path, &sum)
		if err != nil {
			return sum, err
		}
		published, drafts, err := publishDrafts(ctx, svc, ids, note)
		if err != nil {
			return sum, err
		}
		if drafts > 0 {
			return sum, fmt.Errorf("demo: the correction of %s %d %s has errors", key.DeptCode, key.FiscalYear, key.Phase)
		}
		sum.Published += published
	}
	return sum, nil
}
