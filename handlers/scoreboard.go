package handlers

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/httpx"
	"sunshine/models"
	"sunshine/scoreboard"
	"sunshine/store"
)

// The disclosure scoreboard (package scoreboard): GET /api/v1/scoreboard
// (JSON), /api/v1/scoreboard.csv, and the admin's department lists and
// approval dates it is judged against.

// scoreboardState is the state a scoreboard answer is tagged from: the
// newest release of the region (publications change it), the region's
// scoreboard revision (a list or a date entered changes it without a
// release) and the day in China (a department becomes overdue at midnight).
func scoreboardState(s *store.Store) httpx.StateFunc {
	releases := releaseState(s)
	return func(c *gin.Context, region string) (httpx.State, error) {
		st, err := releases(c, region)
		if err != nil {
			return st, err
		}
		rev, at, err := s.ScoreboardRevision(c.Request.Context(), region)
		if err != nil {
			return st, err
		}
		now := s.Now()
		h := fnv.New64a()
		h.Write([]byte(strconv.FormatInt(st.ReleaseID, 10) + "/" + strconv.FormatInt(rev, 10) + "/" + scoreboard.Day(now)))
		today, _ := time.ParseInLocation(time.DateOnly, scoreboard.Day(now), scoreboard.China)
		last := st.At
		for _, t := range []time.Time{at, today} {
			if t.After(last) {
				last = t
			}
		}
		return httpx.State{ReleaseID: int64(h.Sum64() >> 1), At: last}, nil
	}
}

// ScoreboardRanking is the answer without a region: every region ranked.
type ScoreboardRanking struct {
	FiscalYear   int                 `json:"fiscal_year"`
	Phase        models.Phase        `json:"phase"`
	PhaseZh      string              `json:"phase_zh"`
	AsOf         string              `json:"as_of"`
	DeadlineDays int                 `json:"deadline_days"`
	Regions      []scoreboard.Ranked `json:"regions"`
}

// readScoreboard answers a scoreboard query: a region's board, or the ranking.
func readScoreboard(c *gin.Context, s *store.Store) (q scoreboard.Query, board scoreboard.Board, ranking ScoreboardRanking, err error) {
	ctx, now := c.Request.Context(), s.Now()
	q, err = scoreboard.ParseQuery(ctx, s, c.Query("region"), c.Query("year"), c.Query("phase"), c.Query("sort"), now)
	if err != nil {
		return
	}
	if q.Region != "" {
		board, err = scoreboard.Read(ctx, s, q.Region, q.Year, q.Phase, now)
		board.Sort(q.Sort)
		return
	}
	ranking = ScoreboardRanking{FiscalYear: q.Year, Phase: q.Phase, PhaseZh: q.Phase.Chinese(), AsOf: scoreboard.Day(now),
		DeadlineDays: scoreboard.DeadlineDays}
	ranking.Regions, err = scoreboard.ReadRanking(ctx, s, q.Year, q.Phase, now)
	return
}

func getScoreboard(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, board, ranking, err := readScoreboard(c, s)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.Header("Cache-Control", "no-cache")
		if q.Region != "" {
			c.JSON(http.StatusOK, board)
			return
		}
		c.JSON(http.StatusOK, ranking)
	}
}

// csvCell keeps a spreadsheet from running a text cell as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func optString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// ScoreboardCSVHeader and ScoreboardRankingCSVHeader are the columns of the CSV answers.
var (
	ScoreboardCSVHeader = []string{"region_code", "region_name", "fiscal_year", "phase", "dept_code", "dept_name", "listed",
		"disclosed", "filing_id", "version", "approved_on", "published_on", "days", "deadline_days", "timeliness",
		"completeness", "tables_present", "tables_empty", "tables_missing", "missing_tables", "not_disclosed_figures", "open_warnings"}
	ScoreboardRankingCSVHeader = []string{"rank", "region_code", "region_name", "fiscal_year", "phase", "departments", "disclosed",
		"complete", "incomplete", "missing", "on_time", "late", "overdue", "pending", "unknown", "completeness_pct",
		"timeliness_pct", "not_disclosed_figures", "open_warnings"}
)

func getScoreboardCSV(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, board, ranking, err := readScoreboard(c, s)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		name := "scoreboard-" + strconv.Itoa(q.Year) + "-" + string(q.Phase) + ".csv"
		if q.Region != "" {
			name = "scoreboard-" + q.Region + "-" + strconv.Itoa(q.Year) + "-" + string(q.Phase) + ".csv"
		}
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", httpx.ContentDisposition("attachment", name, name))
		c.Header("Cache-Control", "no-cache")
		c.Status(http.StatusOK)
		w := csv.NewWriter(c.Writer)
		itoa := strconv.Itoa
		if q.Region == "" {
			_ = w.Write(ScoreboardRankingCSVHeader)
			for _, r := range ranking.Regions {
				m := r.Summary
				_ = w.Write([]string{itoa(r.Rank), r.RegionCode, csvCell(r.RegionName), itoa(r.FiscalYear), string(r.Phase),
					itoa(m.Departments), itoa(m.Disclosed), itoa(m.Complete), itoa(m.Incomplete), itoa(m.Missing), itoa(m.OnTime),
					itoa(m.Late), itoa(m.Overdue), itoa(m.Pending), itoa(m.Unknown), string(m.Completeness), string(m.Timeliness),
					itoa(m.NotDisclosed), itoa(m.OpenWarnings)})
			}
			w.Flush()
			return
		}
		_ = w.Write(ScoreboardCSVHeader)
		for _, d := range board.Departments {
			var missing []string
			for _, t := range d.Tables {
				if t.State == scoreboard.TableMissing {
					missing = append(missing, string(t.Table))
				}
			}
			filing, version := "", ""
			if d.Disclosed {
				filing, version = strconv.FormatInt(d.FilingID, 10), itoa(d.Version)
			}
			_ = w.Write([]string{board.RegionCode, csvCell(board.RegionName), itoa(board.FiscalYear), string(board.Phase),
				d.DeptCode, csvCell(d.DeptName), strconv.FormatBool(d.Listed), strconv.FormatBool(d.Disclosed), filing, version,
				optString(d.ApprovedOn), optString(d.PublishedOn), optInt(d.Days), itoa(board.DeadlineDays), d.Timeliness,
				d.Completeness, itoa(d.TablesPresent), itoa(d.TablesEmpty), itoa(d.TablesMissing), strings.Join(missing, " "),
				itoa(d.NotDisclosed), itoa(d.OpenWarnings)})
		}
		w.Flush()
	}
}

// DepartmentListBody is the body of PUT /api/v1/regions/{code}/years/{year}/departments.
type DepartmentListBody struct {
	Departments []store.ListedDepartment `json:"departments"`
}

// ApprovalsBody is the body of PUT /api/v1/scoreboard/approvals: approved_on
// "" or null removes a date; dept_code "" (or absent) is the whole region-year-phase.
type ApprovalsBody struct {
	Approvals []store.Approval `json:"approvals"`
}

// readJSONBody decodes a JSON body of at most 4 MiB, refusing unknown members
// so a misspelt key is not silently dropped.
func readJSONBody(c *gin.Context, dst any, example string) error {
	dec := json.NewDecoder(io.LimitReader(c.Request.Body, 4<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		msg := "请求体应为 JSON，例如 " + example
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			msg = "请求体中“" + ute.Field + "”的类型不对；" + msg
		} else if strings.HasPrefix(err.Error(), "json: unknown field ") {
			msg = "请求体中有不认识的字段 " + strings.TrimPrefix(err.Error(), "json: unknown field ") + "；" + msg
		}
		return models.Errorf(models.EINVALID, "%s", msg)
	}
	return nil
}

func putDepartmentList(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		region := c.Param("code")
		year, err := strconv.Atoi(c.Param("year"))
		if err != nil {
			httpx.RespondError(c, models.Errorf(models.EINVALID, "年度“%s”无效", c.Param("year")))
			return
		}
		var body DepartmentListBody
		if err := readJSONBody(c, &body, `{"departments": [{"dept_code": "001", "dept_name": "财政局"}]}`); err != nil {
			httpx.RespondError(c, err)
			return
		}
		if body.Departments == nil {
			httpx.RespondError(c, models.Errorf(models.EINVALID, "请求体缺少 departments（部门名单）；空名单 [] 删除该年度的名单"))
			return
		}
		if err := s.SetDepartmentList(c.Request.Context(), region, year, body.Departments, httpx.TokenOf(c).Name); err != nil {
			httpx.RespondError(c, err)
			return
		}
		list, from, err := s.DepartmentList(c.Request.Context(), region, year)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"region_code": region, "fiscal_year": year, "list_year": from, "departments": list})
	}
}

func putApprovals(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		var body ApprovalsBody
		if err := readJSONBody(c, &body, `{"approvals": [{"region_code": "990101", "fiscal_year": 2025, "phase": "budget", "approved_on": "2025-01-20"}]}`); err != nil {
			httpx.RespondError(c, err)
			return
		}
		if len(body.Approvals) == 0 {
			httpx.RespondError(c, models.Errorf(models.EINVALID, "请求体缺少 approvals（批复日期）"))
			return
		}
		if err := s.SetApprovals(c.Request.Context(), body.Approvals, httpx.TokenOf(c).Name); err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"approvals": len(body.Approvals)})
	}
}
