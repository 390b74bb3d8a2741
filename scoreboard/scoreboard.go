// Package scoreboard computes the disclosure scoreboard: per region × fiscal
// year × phase, every department the region has (its department list, or the
// nearest earlier year's), whether it disclosed, when against the 20-day rule
// (公开时间不得晚于批复后 20 日), which of the nine standard tables it published,
// published empty with a note, or left out, how many figures it did not
// disclose, and its open warnings; and the ranking of regions by completeness
// and timeliness.
//
// Like charts, it is the one place these numbers are computed: the API, its
// CSV, the page and the embed print what Compute and Rank return
// (docs/figures.md defines each). It reads the facts the store gathers and
// asks package checks which tables are standard and which notes declare a
// table empty, so the board and rule 5a (table.missing) never disagree.
package scoreboard

import (
	"context"
	"sort"
	"strconv"
	"time"

	"sunshine/checks"
	"sunshine/models"
	"sunshine/store"
)

// DeadlineDays is the rule: budgets and final accounts are public within 20
// days of their approval (《地方预决算公开操作规程》, 财预〔2016〕143号).
const DeadlineDays = 20

// China is the calendar the dates are read on (UTC+8, no daylight saving).
var China = time.FixedZone("CST", 8*60*60)

// Timeliness of one department.
const (
	OnTime  = "on_time" // published within DeadlineDays of approval
	Late    = "late"    // published, later than that
	Overdue = "overdue" // not published, and the deadline has passed
	Pending = "pending" // not published, the deadline has not passed
	Unknown = "unknown" // no approval date entered
)

// Completeness of one department.
const (
	Complete   = "complete"   // disclosed, every standard table present or empty with a note
	Incomplete = "incomplete" // disclosed without some standard table
	Missing    = "missing"    // not disclosed
)

// States of one standard table in a disclosure.
const (
	TablePresent = "present" // published with figures
	TableEmpty   = "empty"   // published empty: a note 本部门无…此表为空表, or its 合计 alone at 0
	TableMissing = "missing" // not published
)

// Board is the scoreboard of one region × year × phase.
type Board struct {
	RegionCode   string       `json:"region_code"`
	RegionName   string       `json:"region_name"`
	FiscalYear   int          `json:"fiscal_year"`
	Phase        models.Phase `json:"phase"`
	PhaseZh      string       `json:"phase_zh"`
	AsOf         string       `json:"as_of"` // the day overdue is judged on, China's calendar
	DeadlineDays int          `json:"deadline_days"`
	// ListYear is the year the department list is from (the board's own year or
	// an earlier one); 0 when the region has none, and the board then lists
	// only the departments that disclosed.
	ListYear       int          `json:"list_year"`
	RegionApproved *string      `json:"region_approved_on"` // the region-year-phase's approval date, null when not entered
	Summary        Summary      `json:"summary"`
	Departments    []Department `json:"departments"`
}

// Summary counts a board's departments.
type Summary struct {
	Departments int `json:"departments"`
	Disclosed   int `json:"disclosed"`
	Complete    int `json:"complete"`
	Incomplete  int `json:"incomplete"`
	Missing     int `json:"missing"`
	OnTime      int `json:"on_time"`
	Late        int `json:"late"`
	Overdue     int `json:"overdue"`
	Pending     int `json:"pending"`
	Unknown     int `json:"unknown"`
	// NotDisclosed counts the figures left not disclosed; OpenWarnings the
	// warnings the published versions carry.
	NotDisclosed int `json:"not_disclosed_figures"`
	OpenWarnings int `json:"open_warnings"`
	// Completeness is Complete / Departments; Timeliness is OnTime / (OnTime +
	// Late + Overdue): of the departments whose deadline has been judged, the
	// share that met it. Null when nothing is there to divide by.
	Completeness Percent `json:"completeness_pct"`
	Timeliness   Percent `json:"timeliness_pct"`
}

// Department is one row of a board.
type Department struct {
	DeptCode string `json:"dept_code"`
	DeptName string `json:"dept_name"`
	// Listed is false for a department that disclosed but is not on the list.
	Listed    bool  `json:"listed"`
	Disclosed bool  `json:"disclosed"`
	FilingID  int64 `json:"filing_id,omitempty"`
	Version   int   `json:"version,omitempty"`
	// ApprovedOn is the approval date that applies (the department's own, else
	// the region's); ApprovalOwn says it is the department's own.
	ApprovedOn  *string `json:"approved_on"`
	ApprovalOwn bool    `json:"approval_own"`
	// PublishedOn is the day it was first published (China's calendar).
	PublishedOn *string `json:"published_on"`
	// Days is PublishedOn − ApprovedOn, or, not published, AsOf − ApprovedOn; null without an approval date.
	Days       *int   `json:"days"`
	Timeliness string `json:"timeliness"`
	// Tables is every standard table's state, in print order; the counts sum them.
	Tables        []Table `json:"tables"`
	TablesPresent int     `json:"tables_present"`
	TablesEmpty   int     `json:"tables_empty"`
	TablesMissing int     `json:"tables_missing"`
	Completeness  string  `json:"completeness"`
	NotDisclosed  int     `json:"not_disclosed_figures"`
	OpenWarnings  int     `json:"open_warnings"`
}

// Table is one standard table's state in a disclosure.
type Table struct {
	Table models.Table `json:"table"`
	Name  string       `json:"name"`
	State string       `json:"state"`
}

// Percent is a share with one decimal ("87.5"), computed in integers and
// rounded half up; the empty Percent (nothing to divide by) marshals as null.
type Percent string

// MarshalJSON writes null for the empty Percent.
func (p Percent) MarshalJSON() ([]byte, error) {
	if p == "" {
		return []byte("null"), nil
	}
	return strconv.AppendQuote(nil, string(p)), nil
}

// percent is part/whole × 100 to one decimal, half up.
func percent(part, whole int) Percent {
	if whole <= 0 {
		return ""
	}
	tenths := (part*2000 + whole) / (2 * whole)
	return Percent(strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10))
}

// Day is the date of t on China's calendar, YYYY-MM-DD.
func Day(t time.Time) string { return t.In(China).Format(time.DateOnly) }

// daysBetween is the number of calendar days from a to b (YYYY-MM-DD each).
func daysBetween(a, b string) int {
	ta, _ := time.Parse(time.DateOnly, a)
	tb, _ := time.Parse(time.DateOnly, b)
	return int(tb.Sub(ta).Hours()) / 24
}

// Compute makes the board of one region-year-phase from the store's facts, as
// of now (which decides which unpublished departments are overdue).
func Compute(f store.ScoreboardFacts, now time.Time) Board {
	b := Board{RegionCode: f.RegionCode, RegionName: f.RegionName, FiscalYear: f.FiscalYear, Phase: f.Phase,
		PhaseZh: f.Phase.Chinese(), AsOf: Day(now), DeadlineDays: DeadlineDays, ListYear: f.ListYear,
		Departments: []Department{}}
	own := map[string]string{}
	for _, a := range f.Approvals {
		if a.DeptCode == "" {
			d := a.Date
			b.RegionApproved = &d
		} else {
			own[a.DeptCode] = a.Date
		}
	}
	filed := map[string]*store.ScoreboardFiling{}
	for i := range f.Filings {
		filed[f.Filings[i].DeptCode] = &f.Filings[i]
	}
	listed := map[string]bool{}
	for _, l := range f.List {
		listed[l.Code] = true
		b.Departments = append(b.Departments, b.department(l.Code, l.Name, true, filed[l.Code], own))
	}
	for _, fl := range f.Filings {
		if !listed[fl.DeptCode] {
			b.Departments = append(b.Departments, b.department(fl.DeptCode, fl.DeptName, false, &fl, own))
		}
	}
	s := &b.Summary
	for _, d := range b.Departments {
		s.Departments++
		if d.Disclosed {
			s.Disclosed++
		}
		switch d.Completeness {
		case Complete:
			s.Complete++
		case Incomplete:
			s.Incomplete++
		default:
			s.Missing++
		}
		switch d.Timeliness {
		case OnTime:
			s.OnTime++
		case Late:
			s.Late++
		case Overdue:
			s.Overdue++
		case Pending:
			s.Pending++
		default:
			s.Unknown++
		}
		s.NotDisclosed += d.NotDisclosed
		s.OpenWarnings += d.OpenWarnings
	}
	s.Completeness = percent(s.Complete, s.Departments)
	s.Timeliness = percent(s.OnTime, s.OnTime+s.Late+s.Overdue)
	return b
}

func (b Board) department(code, name string, listed bool, fl *store.ScoreboardFiling, own map[string]string) Department {
	d := Department{DeptCode: code, DeptName: name, Listed: listed, Completeness: Missing, Timeliness: Unknown}
	if date, ok := own[code]; ok {
		d.ApprovedOn, d.ApprovalOwn = &date, true
	} else if b.RegionApproved != nil {
		d.ApprovedOn = b.RegionApproved
	}
	for _, key := range checks.StandardTables() {
		spec, _ := models.LookupTable(string(key))
		t := Table{Table: key, Name: spec.Name(b.Phase), State: TableMissing}
		if fl != nil {
			t.State = tableState(key, fl)
		}
		switch t.State {
		case TablePresent:
			d.TablesPresent++
		case TableEmpty:
			d.TablesEmpty++
		default:
			d.TablesMissing++
		}
		d.Tables = append(d.Tables, t)
	}
	if fl != nil {
		d.Disclosed, d.FilingID, d.Version = true, fl.FilingID, fl.Version
		if name == "" {
			d.DeptName = fl.DeptName
		}
		first := fl.FirstPublished
		if first.IsZero() {
			first = fl.PublishedAt
		}
		day := Day(first)
		d.PublishedOn = &day
		d.Completeness = Complete
		if d.TablesMissing > 0 {
			d.Completeness = Incomplete
		}
		d.NotDisclosed = fl.ThreePublicNulls
		for _, t := range fl.Tables {
			d.NotDisclosed += t.Nulls
		}
		d.OpenWarnings = fl.Warnings
	}
	if d.ApprovedOn == nil {
		return d
	}
	end := b.AsOf
	if d.PublishedOn != nil {
		end = *d.PublishedOn
	}
	days := daysBetween(*d.ApprovedOn, end)
	d.Days = &days
	switch {
	case d.Disclosed && days <= DeadlineDays:
		d.Timeliness = OnTime
	case d.Disclosed:
		d.Timeliness = Late
	case days > DeadlineDays:
		d.Timeliness = Overdue
	default:
		d.Timeliness = Pending
	}
	return d
}

// tableState is rule 5a's reading of one standard table of a published filing:
// there with figures, there empty (a note declaring it empty, or — the upload
// template's way — its 合计 row alone at 0), or not there.
func tableState(key models.Table, fl *store.ScoreboardFiling) string {
	t := fl.Tables[key]
	declared := false
	for _, n := range t.Notes {
		declared = declared || checks.DeclaresEmpty(n)
	}
	there := t.Rows > 0
	if key == models.TableThreePublic {
		there = fl.ThreePublic || t.Rows > 0
	}
	switch {
	case !there && declared:
		return TableEmpty
	case !there:
		return TableMissing
	case key != models.TableThreePublic && t.Money == 0 && (declared || (t.Detail == 0 && t.Nulls == 0)):
		return TableEmpty
	default:
		return TablePresent
	}
}

// Ranked is one region's line in the ranking.
type Ranked struct {
	Rank       int          `json:"rank"` // equal keys share a rank (1, 1, 3)
	RegionCode string       `json:"region_code"`
	RegionName string       `json:"region_name"`
	FiscalYear int          `json:"fiscal_year"`
	Phase      models.Phase `json:"phase"`
	Summary    Summary      `json:"summary"`
}

// Rank orders boards by completeness (complete departments over listed ones),
// then timeliness (on time over judged), highest first, a region with nothing
// judged after those with something; then by region code.
func Rank(boards []Board) []Ranked {
	sort.SliceStable(boards, func(i, j int) bool {
		if c := compareRatio(boards[i].Summary.Complete, boards[i].Summary.Departments,
			boards[j].Summary.Complete, boards[j].Summary.Departments); c != 0 {
			return c > 0
		}
		si, sj := boards[i].Summary, boards[j].Summary
		if c := compareRatio(si.OnTime, si.OnTime+si.Late+si.Overdue, sj.OnTime, sj.OnTime+sj.Late+sj.Overdue); c != 0 {
			return c > 0
		}
		return boards[i].RegionCode < boards[j].RegionCode
	})
	out := make([]Ranked, len(boards))
	for i, b := range boards {
		rank := i + 1
		if i > 0 {
			p, s := boards[i-1].Summary, b.Summary
			if compareRatio(p.Complete, p.Departments, s.Complete, s.Departments) == 0 &&
				compareRatio(p.OnTime, p.OnTime+p.Late+p.Overdue, s.OnTime, s.OnTime+s.Late+s.Overdue) == 0 {
				rank = out[i-1].Rank
			}
		}
		out[i] = Ranked{Rank: rank, RegionCode: b.RegionCode, RegionName: b.RegionName, FiscalYear: b.FiscalYear,
			Phase: b.Phase, Summary: b.Summary}
	}
	return out
}

// compareRatio compares a/b with c/d exactly (cross-multiplied); a ratio over
// nothing is below every ratio over something.
func compareRatio(a, b, c, d int) int {
	switch {
	case b == 0 && d == 0:
		return 0
	case b == 0:
		return -1
	case d == 0:
		return 1
	}
	l, r := a*d, c*b
	switch {
	case l > r:
		return 1
	case l < r:
		return -1
	}
	return 0
}

// Reader is what Read needs of the store.
type Reader interface {
	Scoreboard(ctx context.Context, region string, year int, phase models.Phase) (store.ScoreboardFacts, error)
	ScoreboardRegions(ctx context.Context, year int, phase models.Phase) ([]string, error)
}

// Read computes the board of one region-year-phase.
func Read(ctx context.Context, r Reader, region string, year int, phase models.Phase, now time.Time) (Board, error) {
	f, err := r.Scoreboard(ctx, region, year, phase)
	if err != nil {
		return Board{}, err
	}
	return Compute(f, now), nil
}

// ReadRanking computes the board of every region with something to score for a
// year and phase and ranks them: a handful of queries per region.
func ReadRanking(ctx context.Context, r Reader, year int, phase models.Phase, now time.Time) ([]Ranked, error) {
	regions, err := r.ScoreboardRegions(ctx, year, phase)
	if err != nil {
		return nil, err
	}
	boards := make([]Board, 0, len(regions))
	for _, code := range regions {
		b, err := Read(ctx, r, code, year, phase, now)
		if err != nil {
			return nil, err
		}
		boards = append(boards, b)
	}
	return Rank(boards), nil
}
