package scoreboard

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"sunshine/models"
)

// Query is what a scoreboard answer is asked for: the API, its CSV, the page
// and the embed read the same parameters (Params) the same way (ParseQuery).
type Query struct {
	Region string // "" asks for the ranking of regions
	Year   int
	Phase  models.Phase
	Sort   string // a SortKeys key, "-" first for descending; "" is the list's order
}

// Params are the query parameters every scoreboard address reads.
var Params = []string{"region", "year", "phase", "sort"}

// SortKeys are the columns a board's departments sort by.
var SortKeys = []string{"dept_code", "dept_name", "timeliness", "days", "completeness", "tables_missing", "not_disclosed", "warnings", "published_on"}

// YearsReader is what ParseQuery asks for the default year.
type YearsReader interface {
	ScoreboardYears(ctx context.Context, phase models.Phase) ([]int, error)
}

// ParseQuery reads the parameters: phase budget or final (budget when absent),
// the year (the newest with something to score when absent, else the current
// year), a region code, a sort key. Returns EINVALID with a Chinese sentence naming the parameter.
func ParseQuery(ctx context.Context, r YearsReader, region, year, phase, sortKey string, now time.Time) (Query, error) {
	q := Query{Region: strings.TrimSpace(region), Phase: models.PhaseBudget, Sort: sortKey}
	if phase != "" {
		p, err := models.ParsePhase(phase)
		if err != nil {
			return q, models.Errorf(models.EINVALID, "参数 phase：%s", models.ErrorMessage(err))
		}
		if p == models.PhaseAdjusted {
			return q, models.Errorf(models.EINVALID, "参数 phase：公开评分只比较部门预算(budget)和部门决算(final)，二者须在批复后 20 日内公开")
		}
		q.Phase = p
	}
	if q.Region != "" {
		if err := models.ValidateRegionCode(q.Region); err != nil {
			return q, models.Errorf(models.EINVALID, "参数 region：%s", models.ErrorMessage(err))
		}
	}
	if year != "" {
		y, err := strconv.Atoi(year)
		if err == nil {
			err = models.ValidateFiscalYear(y)
		}
		if err != nil {
			return q, models.Errorf(models.EINVALID, "参数 year 应为 2000–2100 之间的年度，而不是“%s”", year)
		}
		q.Year = y
	} else {
		years, err := r.ScoreboardYears(ctx, q.Phase)
		if err != nil {
			return q, err
		}
		q.Year = now.In(China).Year()
		if len(years) > 0 {
			q.Year = years[0]
		}
	}
	if key := strings.TrimPrefix(sortKey, "-"); key != "" {
		ok := false
		for _, k := range SortKeys {
			ok = ok || k == key
		}
		if !ok {
			return q, models.Errorf(models.EINVALID, "参数 sort 应为 %s 之一（前加 - 为降序），而不是“%s”", strings.Join(SortKeys, "、"), sortKey)
		}
	}
	return q, nil
}

// Sort orders a board's departments by a SortKeys key ("-" first: descending),
// the list's order breaking ties; "" keeps the list's order. A department
// without the figure (no approval date, not published) sorts last either way.
func (b *Board) Sort(key string) {
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	if key == "" {
		return
	}
	rankOf := map[string]int{Overdue: 0, Late: 1, Pending: 2, OnTime: 3, Unknown: 4, Missing: 0, Incomplete: 1, Complete: 2}
	// value returns the department's sort value and whether it has one.
	value := func(d Department) (int, string, bool) {
		switch key {
		case "dept_code":
			return 0, d.DeptCode, true
		case "dept_name":
			return 0, d.DeptName, true
		case "timeliness":
			return rankOf[d.Timeliness], "", d.Timeliness != Unknown
		case "days":
			if d.Days == nil {
				return 0, "", false
			}
			return *d.Days, "", true
		case "completeness":
			return rankOf[d.Completeness], "", true
		case "tables_missing":
			return d.TablesMissing, "", true
		case "not_disclosed":
			return d.NotDisclosed, "", d.Disclosed
		case "warnings":
			return d.OpenWarnings, "", d.Disclosed
		case "published_on":
			if d.PublishedOn == nil {
				return 0, "", false
			}
			return 0, *d.PublishedOn, true
		}
		return 0, "", false
	}
	sort.SliceStable(b.Departments, func(i, j int) bool {
		ni, si, oki := value(b.Departments[i])
		nj, sj, okj := value(b.Departments[j])
		if oki != okj {
			return oki
		}
		if !oki || (ni == nj && si == sj) {
			return false
		}
		less := ni < nj || (ni == nj && si < sj)
		if desc {
			return !less
		}
		return less
	})
}
