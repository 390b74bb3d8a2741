package demo

import "sunshine/models"

// The deliberate defects: the kind of mistakes the PDF checkers find in
// published documents, placed so that each family of checks has something to show.
// The two with errors stay drafts; the ones with warnings are published with their flags
// (036's 2025 budget without one of the nine tables: the scoreboard's incomplete department).
var defects = map[models.FilingKey]struct {
	what  string
	apply func(*Filing)
}{
	{RegionCode: Region.Code, DeptCode: "004", FiscalYear: 2025, Phase: models.PhaseBudget}: {
		"三公经费合计多记 0.30 万元（数字错位）",
		func(f *Filing) { f.ThreePublic.Total.Money += yuan(3000) },
	},
	{RegionCode: Region.Code, DeptCode: "011", FiscalYear: 2025, Phase: models.PhaseFinal}: {
		"一般公共预算支出表“行政运行”比上级款少记 1 万元",
		func(f *Filing) {
			for i := range f.Items {
				li := &f.Items[i]
				if li.Table == models.TableGeneralExpenditure && li.Code == "2010301" && li.Column == "total" {
					li.Amount.Money -= yuan(10000)
				}
			}
		},
	},
	{RegionCode: Region.Code, DeptCode: "036", FiscalYear: 2025, Phase: models.PhaseBudget}: {
		"未公开《国有资本经营预算支出表》（空表也须公开并说明）",
		func(f *Filing) {
			items := f.Items[:0]
			for _, li := range f.Items {
				if li.Table != models.TableStateCapitalExpenditure {
					items = append(items, li)
				}
			}
			f.Items = items
		},
	},
	{RegionCode: Region.Code, DeptCode: "024", FiscalYear: 2024, Phase: models.PhaseFinal}: {
		"三公经费有增减但未说明原因",
		func(f *Filing) { f.ThreePublic.ChangeReason = "" },
	},
	{RegionCode: Region.Code, DeptCode: "028", FiscalYear: 2023, Phase: models.PhaseFinal}: {
		"国内公务接待人次少于批次",
		func(f *Filing) {
			f.ThreePublic.ReceptionPersons = models.CountOf(f.ThreePublic.ReceptionBatches.Count - 3)
		},
	},
}

func applyDefect(f *Filing) {
	if d, ok := defects[f.Key]; ok {
		d.apply(f)
		f.Defect = d.what
	}
}
