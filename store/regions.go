package store

import (
	"context"
	"fmt"
	"strings"

	"sunshine/models"
)

// The public listing of regions and departments (GET /api/v1/regions and
// /api/v1/regions/{code}/departments) and the site search. Like Regions and
// Departments (departments.go), they see only regions and departments with a
// version that was published, by the names publication gave them: a
// draft's names live on the draft's filing row until it is published, so a
// draft-only name is found nowhere here.

// RegionSummary is a public region with what it has published now.
type RegionSummary struct {
	models.Region
	// Departments counts the departments with a version published now;
	// Filings the filings (department × year × phase) published now.
	Departments int `db:"departments"`
	Filings     int `db:"filings"`
	// Datasets counts the region's datasets with a release.
	Datasets int `db:"datasets"`
	// Years are the fiscal years with a filing published now, newest first.
	Years []int `db:"-"`
}

// DepartmentSummary is a public department with what it has published now.
type DepartmentSummary struct {
	models.Department
	// Filings counts the department's filings published now.
	Filings int `db:"filings"`
	// Years are the fiscal years with a filing published now, newest first.
	Years []int `db:"-"`
}

// RegionPage selects a page of regions or departments, by code.
type RegionPage struct {
	// After is the keyset cursor: the code of the previous page's last entry.
	After string
	Limit int
}

// RegionSummaries lists, by code, the regions with a published version
// (as Regions does), with their counts, a page at a time.
func (s *Store) RegionSummaries(ctx context.Context, p RegionPage) ([]RegionSummary, error) {
	out := []RegionSummary{}
	err := s.read.SelectContext(ctx, &out, `SELECT rg.code, rg.name,
		(SELECT COUNT(DISTINCT f.dept_code) FROM filings f WHERE f.region_code = rg.code AND f.status = 'published') AS departments,
		(SELECT COUNT(*) FROM filings f WHERE f.region_code = rg.code AND f.status = 'published') AS filings,
		(SELECT COUNT(*) FROM datasets d WHERE d.region_code = rg.code AND d.latest_release > 0) AS datasets
		FROM regions rg
		WHERE rg.code > ? AND EXISTS (SELECT 1 FROM filings f WHERE f.region_code = rg.code AND `+publicFiling+`)
		ORDER BY rg.code`+fmt.Sprintf(" LIMIT %d", clampLimit(p.Limit, 100, 1000)), p.After)
	if err != nil {
		return nil, unavailable(fmt.Errorf("store: unable to list regions: %w", err))
	}
	if len(out) == 0 {
		return out, nil
	}
	codes := make([]any, len(out))
	for i, r := range out {
		codes[i] = r.Code
	}
	years, err := s.publishedYears(ctx, `region_code`, `region_code IN (`+placeholders(len(codes))+`)`, codes)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Years = years[out[i].Code]
	}
	return out, nil
}

// DepartmentSummaries lists, by code, a region's departments with a
// published version (as Departments does), with their counts, a page at a time.
func (s *Store) DepartmentSummaries(ctx context.Context, region string, p RegionPage) ([]DepartmentSummary, error) {
	// One pass over the region's public filings, counted by department, then
	// the page of departments: a correlated count per department read the
	// region's filings once per department.
	out := []DepartmentSummary{}
	err := s.read.SelectContext(ctx, &out, `SELECT dp.region_code, dp.code, dp.name, dp.parent_code, c.filings
		FROM (SELECT f.dept_code, SUM(CASE WHEN f.status = 'published' THEN 1 ELSE 0 END) AS filings
			FROM filings f WHERE f.region_code = ? AND `+publicFiling+` GROUP BY f.dept_code) c
		JOIN departments dp ON dp.region_code = ? AND dp.code = c.dept_code
		WHERE dp.code > ?
		ORDER BY dp.code`+fmt.Sprintf(" LIMIT %d", clampLimit(p.Limit, 100, 1000)), region, region, p.After)
	if err != nil {
		return nil, unavailable(fmt.Errorf("store: unable to list departments: %w", err))
	}
	if len(out) == 0 {
		return out, nil
	}
	args := []any{region}
	for _, d := range out {
		args = append(args, d.Code)
	}
	years, err := s.publishedYears(ctx, `dept_code`, `region_code = ? AND dept_code IN (`+placeholders(len(out))+`)`, args)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Years = years[out[i].Code]
	}
	return out, nil
}

// publishedYears maps each value of the column by (region_code or
// dept_code) to its fiscal years with a filing published now, newest first.
func (s *Store) publishedYears(ctx context.Context, by, where string, args []any) (map[string][]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+by+`, fiscal_year FROM filings WHERE status = 'published' AND `+where+`
		GROUP BY `+by+`, fiscal_year ORDER BY `+by+`, fiscal_year DESC`, args...)
	if err != nil {
		return nil, unavailable(fmt.Errorf("store: unable to list published years: %w", err))
	}
	defer rows.Close()
	out := map[string][]int{}
	for rows.Next() {
		var k string
		var y int
		if err := rows.Scan(&k, &y); err != nil {
			return nil, unavailable(fmt.Errorf("store: unable to read published years: %w", err))
		}
		out[k] = append(out[k], y)
	}
	return out, unavailable(rows.Err())
}

// SearchResults are what the site search finds, each list by code (datasets
// newest first), each cut at the limit asked; More says a list was cut.
type SearchResults struct {
	Regions     []models.Region
	Departments []DepartmentHit
	Datasets    []Dataset
	More        bool
}

// DepartmentHit is a department found by the search, with its region's name.
type DepartmentHit struct {
	models.Department
	RegionName string `db:"region_name"`
}

// likeEscape is the escape character of every LIKE pattern the search
// writes: the same ESCAPE clause works in SQLite and MySQL, and '!' (unlike
// a backslash) needs no escaping in a MySQL string literal.
const likeEscape = "!"

// LikePattern is a LIKE pattern matching any text that contains q: its
// wildcards (% and _) and the escape character are matched literally.
func LikePattern(q string) string {
	r := strings.NewReplacer(likeEscape, likeEscape+likeEscape, "%", likeEscape+"%", "_", likeEscape+"_")
	return "%" + r.Replace(q) + "%"
}

// Search finds public regions, departments and datasets by their published
// names and their codes (a dataset's id): every word of q (split at spaces,
// at most 5) must be contained in the name or the code; at most limit of
// each. Names are matched as the database compares text (SQLite: ASCII
// case-insensitive; MySQL: the tables' utf8mb4_unicode_ci). Codes are ASCII,
// so a word with other characters is matched against names only.
func (s *Store) Search(ctx context.Context, q string, limit int) (SearchResults, error) {
	var out SearchResults
	words := strings.Fields(q)
	if len(words) == 0 {
		return out, nil
	}
	words = words[:min(len(words), 5)]
	for i, w := range words {
		// "2024年" is the year as a dataset's id writes it.
		if y, ok := strings.CutSuffix(w, "年"); ok && len(y) == 4 && isASCII(y) {
			words[i] = y
		}
	}
	limit = clampLimit(limit, 20, 200)
	// match is every word in the name or a code; dataset (true) adds the
	// phases and kinds whose Chinese name contains the word (决算, 三公).
	match := func(dataset bool, name string, codes ...string) (string, []any) {
		var all []string
		var args []any
		for _, w := range words {
			pat := LikePattern(w)
			conds := []string{name + ` LIKE ? ESCAPE '` + likeEscape + `'`}
			args = append(args, pat)
			if isASCII(w) {
				for _, c := range codes {
					conds, args = append(conds, c+` LIKE ? ESCAPE '`+likeEscape+`'`), append(args, pat)
				}
			}
			if dataset {
				for _, p := range models.Phases {
					if strings.Contains(p.Chinese(), w) {
						conds, args = append(conds, `d.phase = ?`), append(args, p)
					}
				}
				for k, zh := range kindNames {
					if strings.Contains(zh, w) {
						conds, args = append(conds, `d.kind = ?`), append(args, k)
					}
				}
			}
			all = append(all, "("+strings.Join(conds, " OR ")+")")
		}
		return strings.Join(all, " AND "), args
	}
	lim := fmt.Sprintf(" LIMIT %d", limit+1)
	more := func(n int) bool {
		if n > limit {
			out.More = true
			return true
		}
		return false
	}

	cond, args := match(false, "rg.name", "rg.code")
	out.Regions = []models.Region{}
	if err := s.read.SelectContext(ctx, &out.Regions, `SELECT rg.code, rg.name FROM regions rg WHERE `+cond+`
		AND EXISTS (SELECT 1 FROM filings f WHERE f.region_code = rg.code AND `+publicFiling+`) ORDER BY rg.code`+lim, args...); err != nil {
		return out, unavailable(fmt.Errorf("store: unable to search regions: %w", err))
	}
	if more(len(out.Regions)) {
		out.Regions = out.Regions[:limit]
	}

	cond, args = match(false, "dp.name", "dp.code")
	out.Departments = []DepartmentHit{}
	if err := s.read.SelectContext(ctx, &out.Departments, `SELECT dp.region_code, dp.code, dp.name, dp.parent_code, rg.name AS region_name
		FROM departments dp JOIN regions rg ON rg.code = dp.region_code WHERE `+cond+`
		AND EXISTS (SELECT 1 FROM filings f WHERE f.region_code = dp.region_code AND f.dept_code = dp.code AND `+publicFiling+`)
		ORDER BY dp.region_code, dp.code`+lim, args...); err != nil {
		return out, unavailable(fmt.Errorf("store: unable to search departments: %w", err))
	}
	if more(len(out.Departments)) {
		out.Departments = out.Departments[:limit]
	}

	// A dataset is named as its latest release was made (datasetColumns).
	cond, args = match(true, "lr.region_name", "d.id")
	out.Datasets = []Dataset{}
	if err := s.read.SelectContext(ctx, &out.Datasets, `SELECT `+datasetColumns+datasetJoins+`
		WHERE d.latest_release > 0 AND `+cond+` ORDER BY d.updated_at DESC, d.id DESC`+lim, args...); err != nil {
		return out, unavailable(fmt.Errorf("store: unable to search datasets: %w", err))
	}
	if more(len(out.Datasets)) {
		out.Datasets = out.Datasets[:limit]
	}
	return out, nil
}

// kindNames are the datasets' kinds as their titles name them (exports.DatasetTitle).
var kindNames = map[models.Kind]string{models.KindThreePublic: "三公经费", models.KindLineItems: "部门预决算公开表"}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
