package demo

import (
	"context"
	"time"

	"sunshine/models"
	"sunshine/scoreboard"
	"sunshine/store"
)

// The demo city's entries for the disclosure scoreboard: its department list
// (entered for the first year; later years take it over) and the approval
// dates (批复日期) its budgets and finals are judged against. The demo's
// filings are published when it is loaded, so the dates are set from that day:
// the city's approval 12 days before its first publication, and, in the newest
// budget, a few departments approved earlier so that they are late, and 004
// (whose draft keeps an error and is never published) overdue. Dates already
// entered are kept, so loading again changes nothing.

// regionApprovalLead is how many days before its first publication the demo city approved a budget or final.
const regionApprovalLead = 12

// lateDepartments are the newest budget's departments approved earlier than
// the city (days before the first publication): all later than the 20-day rule.
var lateDepartments = map[string]int{"009": 26, "017": 33, "030": 41, "004": 30}

func loadScoreboard(ctx context.Context, s *store.Store) error {
	if _, from, err := s.DepartmentList(ctx, Region.Code, Years[len(Years)-1]); err != nil {
		return err
	} else if from == 0 {
		list := make([]store.ListedDepartment, len(Depts))
		for i, d := range Depts {
			list[i] = store.ListedDepartment{Code: d.Code, Name: d.Name}
		}
		if err := s.SetDepartmentList(ctx, Region.Code, Years[0], list, Actor); err != nil {
			return err
		}
	}
	var as []store.Approval
	for _, y := range Years {
		for _, p := range []models.Phase{models.PhaseBudget, models.PhaseFinal} {
			have, err := s.Approvals(ctx, Region.Code, y, p)
			if err != nil {
				return err
			}
			facts, err := s.Scoreboard(ctx, Region.Code, y, p)
			if err != nil {
				return err
			}
			if len(have) > 0 || len(facts.Filings) == 0 {
				continue
			}
			first := facts.Filings[0].FirstPublished
			for _, f := range facts.Filings {
				if f.FirstPublished.Before(first) {
					first = f.FirstPublished
				}
			}
			day := first.In(scoreboard.China)
			before := func(days int) string { return day.AddDate(0, 0, -days).Format(time.DateOnly) }
			as = append(as, store.Approval{RegionCode: Region.Code, FiscalYear: y, Phase: p, Date: before(regionApprovalLead)})
			if p == models.PhaseBudget && y == Years[len(Years)-1] {
				for code, days := range lateDepartments {
					as = append(as, store.Approval{RegionCode: Region.Code, FiscalYear: y, Phase: p, DeptCode: code, Date: before(days)})
				}
			}
		}
	}
	if len(as) == 0 {
		return nil
	}
	return s.SetApprovals(ctx, as, Actor)
}
