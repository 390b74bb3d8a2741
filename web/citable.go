package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// Pages a person can cite: a dataset with its release history
// (/datasets/{id}, the id of the API), a release and the difference between
// two releases (/datasets/{id}/releases/{n}, /datasets/{id}/diff), and a
// filing version with an anchor on every figure
// (/regions/{code}/departments/{dept}/{year}/{phase}/v{n}). Each carries a
// "引用" box: publisher, title, release, date, address and the SHA-256 of the
// file a reader can download and check. The API's permalinks keep working;
// these pages link to them. Every name shown comes from what was published
// (releases and filing versions), never from a draft.

// DatasetPath is a dataset's page.
func DatasetPath(id string) string { return "/datasets/" + url.PathEscape(id) }

// ReleasePath is one release's page: what it changed, its files, its citation.
func ReleasePath(id string, n int) string { return DatasetPath(id) + "/releases/" + strconv.Itoa(n) }

// DiffPath compares two releases of a dataset.
func DiffPath(id string, from, to int) string {
	return DatasetPath(id) + "/diff?from=" + strconv.Itoa(from) + "&to=" + strconv.Itoa(to)
}

// FilingPath is a published filing version's page.
func FilingPath(f models.Filing) string {
	return "/regions/" + url.PathEscape(f.RegionCode) + "/departments/" + url.PathEscape(f.DeptCode) + "/" +
		strconv.Itoa(f.FiscalYear) + "/" + string(f.Phase) + "/v" + strconv.Itoa(f.Version)
}

// FeedPath is the Atom feed of the change log with the given filters (region, dataset, dept, kind).
func FeedPath(q url.Values) string {
	if len(q) == 0 {
		return "/feeds/changes.atom"
	}
	return "/feeds/changes.atom?" + q.Encode()
}

// figureAnchor is the id of a figure on a filing page: tp-{item} for the 三公
// table, li-{table}-{code}-{column} for a line item. Codes and column keys
// are digits, letters and underscores, so the id needs no escaping.
func figureAnchor(table models.Table, code, column string) string {
	if table == models.TableThreePublic && code == "" {
		return "tp-" + column
	}
	return "li-" + string(table) + "-" + code + "-" + column
}

// publicStatus: the versions a page may show (a draft is nobody's to cite).
func publicStatus(s models.Status) bool {
	return s == models.StatusPublished || s == models.StatusSuperseded || s == models.StatusWithdrawn
}

// ---- citations ----

// citation is the "引用" box.
type citation struct {
	Publisher string
	Title     string
	Release   string // "第 3 版" (a dataset), or "第 2 版" (a filing version) and the releases holding it
	Date      string // YYYY-MM-DD, China time
	URL       string
	Files     []citedFile
	Text      string // the whole reference, ready to paste (GB/T 7714 style)
}

// citedFile is a file whose SHA-256 the citation gives.
type citedFile struct {
	What, Href, SHA256 string
}

func (s *Site) publisher() string {
	if s.d.Publisher != "" {
		return s.d.Publisher
	}
	return exports.DefaultPublisher
}

func newCitation(publisher, title, release string, date time.Time, u string, files []citedFile) citation {
	c := citation{Publisher: publisher, Title: title, Release: release, URL: u, Files: files}
	if !date.IsZero() {
		c.Date = date.In(chinaTime).Format("2006-01-02")
	}
	// GB/T 7714-2015: 责任者. 题名[DS/OL]. (更新日期). 获取路径. — DS for a data set, OL online.
	c.Text = publisher + ". " + title + "（" + release + "）[DS/OL]. (" + c.Date + "). " + u + "."
	for _, f := range files {
		c.Text += " " + f.What + " SHA-256: " + f.SHA256 + "."
	}
	return c
}

// shaCache keeps the SHA-256 of release files: a release's bytes never change,
// so each is computed once per address the links inside it name.
type shaCache struct {
	mu sync.Mutex
	m  map[string]string
}

const shaCacheMax = 4096

// releaseCSVSHA256 is the SHA-256 of release n's data.csv exactly as
// GET /api/v1/datasets/{id}/releases/{n}/data.csv serves it from base (UTF-8,
// no BOM, amounts in 元): written through the same exports code into the hash.
func (s *Site) releaseCSVSHA256(ctx context.Context, base, id string, n int) (string, error) {
	key := base + "\x00" + id + "\x00" + strconv.Itoa(n)
	s.sums.mu.Lock()
	sum, ok := s.sums.m[key]
	s.sums.mu.Unlock()
	if ok {
		return sum, nil
	}
	rel, err := exports.ResolveRelease(ctx, s.d.Store, id, n)
	if err != nil {
		return "", err
	}
	q := exports.FeedQuery{Filter: store.FeedFilter{Members: rel.Members}, Release: n, Unit: models.Yuan,
		CSV: exports.CSVOptions{Unit: models.Yuan}}
	h := sha256.New()
	if err := exports.WriteReleaseFile(ctx, h, s.d.Store, rel, "data.csv", base, "", q); err != nil {
		return "", err
	}
	sum = hex.EncodeToString(h.Sum(nil))
	s.sums.mu.Lock()
	if s.sums.m == nil || len(s.sums.m) >= shaCacheMax {
		s.sums.m = map[string]string{}
	}
	s.sums.m[key] = sum
	s.sums.mu.Unlock()
	return sum, nil
}

// ---- a dataset's releases, read once per page ----

// deptRef is a department as a release published it, linked to its filing version's page.
type deptRef struct {
	Code, Name string
	Version    int
	Href       string
}

func refOf(f models.Filing) deptRef {
	return deptRef{Code: f.DeptCode, Name: f.DeptName, Version: f.Version, Href: FilingPath(f)}
}

// releaseChange is what a release changed against the one before it, by department.
type releaseChange struct {
	Added     []deptRef    // departments that entered the dataset
	Corrected []correction // departments whose version was replaced
	Removed   []deptRef    // departments withdrawn
}

type correction struct {
	Old, New deptRef
}

// history is a dataset with every release, its members and the filing versions they name.
type history struct {
	d        store.Dataset
	releases []store.Release // oldest first
	members  map[int][]int64 // by release number; release 0 has none
	filings  map[int64]models.Filing
}

func (s *Site) readHistory(ctx context.Context, id string) (*history, error) {
	d, err := s.d.Store.Dataset(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.LatestRelease == 0 {
		return nil, models.Errorf(models.ENOTFOUND, "数据集 %s 还没有公开的版本", id)
	}
	rs, err := s.d.Store.Releases(ctx, id)
	if err != nil {
		return nil, err
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Number < rs[j].Number })
	h := &history{d: d, releases: rs, members: map[int][]int64{0: nil}, filings: map[int64]models.Filing{}}
	for _, r := range rs {
		if h.members[r.Number], err = s.d.Store.ReleaseMembers(ctx, id, r.Number); err != nil {
			return nil, err
		}
	}
	// Every version that was ever a member is a published one (perhaps
	// superseded or withdrawn since): one query for all of them.
	fs, err := s.d.Store.Filings(ctx, store.FilingFilter{Region: d.RegionCode, Year: d.FiscalYear, Phase: d.Phase, Limit: 10000,
		Statuses: []models.Status{models.StatusPublished, models.StatusSuperseded, models.StatusWithdrawn}})
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		h.filings[f.ID] = f
	}
	for _, ids := range h.members {
		for _, fid := range ids {
			if _, ok := h.filings[fid]; !ok {
				f, err := s.d.Store.Filing(ctx, fid)
				if err != nil {
					return nil, err
				}
				h.filings[fid] = f
			}
		}
	}
	return h, nil
}

func (h *history) release(n int) (store.Release, bool) {
	for _, r := range h.releases {
		if r.Number == n {
			return r, true
		}
	}
	return store.Release{}, false
}

// byDept maps a release's members to their departments.
func (h *history) byDept(n int) map[string]models.Filing {
	out := map[string]models.Filing{}
	for _, id := range h.members[n] {
		f := h.filings[id]
		out[f.DeptCode] = f
	}
	return out
}

// change compares the members of releases from and to, by department.
func (h *history) change(from, to int) releaseChange {
	old, cur := h.byDept(from), h.byDept(to)
	var c releaseChange
	for _, code := range sortedCodes(cur) {
		f := cur[code]
		o, ok := old[code]
		switch {
		case !ok:
			c.Added = append(c.Added, refOf(f))
		case o.ID != f.ID:
			c.Corrected = append(c.Corrected, correction{Old: refOf(o), New: refOf(f)})
		}
	}
	for _, code := range sortedCodes(old) {
		if _, ok := cur[code]; !ok {
			c.Removed = append(c.Removed, refOf(old[code]))
		}
	}
	return c
}

func sortedCodes(m map[string]models.Filing) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ---- /datasets/{id} ----

type releaseRow struct {
	store.Release
	Depts  int
	Change releaseChange
	Page   string // the release's page
	Diff   string // the comparison with the release before
	Files  string // the API folder of its files (immutable)
	CSV    string
	JSON   string
}

type datasetPage struct {
	page
	Title     string
	Dataset   store.Dataset
	RegionURL string
	Latest    downloadLinks
	Releases  []releaseRow // newest first
	Cite      citation
	API       string // the dataset's JSON in the API
	Changes   string // the change log filtered to this dataset
}

// DatasetPage is a dataset's page: what it is, its latest files, every
// release with what it changed, and how to cite it.
func (s *Site) DatasetPage(c *gin.Context) {
	ctx := c.Request.Context()
	h, err := s.readHistory(ctx, c.Param("id"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := h.d
	title := exports.DatasetTitle(d)
	p := datasetPage{page: s.page(title, "datasets"), Title: title, Dataset: d, Latest: datasetDownloads(d),
		RegionURL: "/regions/" + url.PathEscape(d.RegionCode) + "/" + strconv.Itoa(d.FiscalYear),
		API:       exports.DatasetURL("", d.ID), Changes: "/changes?dataset=" + url.QueryEscape(d.ID)}
	p.Feed = FeedPath(url.Values{"dataset": {d.ID}})
	for i := len(h.releases) - 1; i >= 0; i-- {
		r := h.releases[i]
		links := exports.ReleaseLinks("", d.ID, r.Number)
		row := releaseRow{Release: r, Depts: len(h.members[r.Number]), Change: h.change(r.Number-1, r.Number),
			Page: ReleasePath(d.ID, r.Number), Files: exports.ReleaseURL("", d.ID, r.Number), CSV: links["csv"], JSON: links["json"]}
		if r.Number > 1 {
			row.Diff = DiffPath(d.ID, r.Number-1, r.Number)
		}
		p.Releases = append(p.Releases, row)
	}
	base := httpx.BaseURL(c, s.d.BaseURL)
	latest := h.releases[len(h.releases)-1]
	if p.Cite, err = s.releaseCitation(ctx, base, d, latest); err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, http.StatusOK, "dataset", p)
}

// releaseCitation cites release r of d by its page, with its data.csv's SHA-256.
func (s *Site) releaseCitation(ctx context.Context, base string, d store.Dataset, r store.Release) (citation, error) {
	sum, err := s.releaseCSVSHA256(ctx, base, d.ID, r.Number)
	if err != nil {
		return citation{}, err
	}
	named := d
	named.RegionName = r.RegionName // the name the release was published under
	csv := exports.ReleaseLinks(base, d.ID, r.Number)["csv"]
	return newCitation(s.publisher(), exports.DatasetTitle(named), "第 "+strconv.Itoa(r.Number)+" 版", r.CreatedAt,
		base+ReleasePath(d.ID, r.Number), []citedFile{{What: "data.csv", Href: csv, SHA256: sum}}), nil
}

// ---- /datasets/{id}/releases/{n} and /datasets/{id}/diff?from=&to= ----

// figureChange is one figure's old and new value, in 万元 and exactly in 元.
type figureChange struct {
	Label    string
	Old, New valueText
	Href     string // the figure on the new version's page (or the old one's, when it is gone)
}

// valueText is a figure as the diff prints it.
type valueText struct {
	Wan, Yuan string // amounts: "12.35" 万元 and "123,456.78" 元
	Text      string // counts and text; "未公开" for a figure not disclosed; "—" for no such figure
	Class     string // "nd" not disclosed, "none" absent
}

type deptDiff struct {
	correction
	Anchor  string
	Figures []figureChange
}

type diffPage struct {
	page
	Title      string
	Dataset    store.Dataset
	DatasetURL string
	From, To   int
	Single     bool // a release's page: to against the one before it
	ToRelease  store.Release
	FromDate   string
	Change     releaseChange
	Depts      []deptDiff // corrected departments, with each figure that changed
	Unchanged  int        // corrected departments whose figures all stayed the same
	Kind       string
	Cite       citation
	Files      []downloadVariant
	APIDiff    string
	Prev, Next string // neighbouring releases' pages
}

// ReleasePage is release n of a dataset: what it changed against n-1 and how to cite it.
func (s *Site) ReleasePage(c *gin.Context) {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		s.showError(c, http.StatusNotFound, "版本号“"+c.Param("n")+"”无效")
		return
	}
	s.diff(c, n-1, n, true)
}

// DiffPage compares any two releases of a dataset (?from=&to=; to defaults to
// the latest, from to the one before to).
func (s *Site) DiffPage(c *gin.Context) {
	for k := range c.Request.URL.Query() {
		if k != "from" && k != "to" {
			s.showError(c, http.StatusBadRequest, "不支持参数“"+k+"”：比较页只接受 from 和 to")
			return
		}
	}
	num := func(name string) (int, bool) {
		v := c.Query(name)
		if v == "" {
			return -1, true
		}
		n, err := strconv.Atoi(v)
		return n, err == nil && n >= 0
	}
	from, ok1 := num("from")
	to, ok2 := num("to")
	if !ok1 || !ok2 {
		s.showError(c, http.StatusBadRequest, "参数 from 和 to 须为版本号（0 表示首次公开之前）")
		return
	}
	s.diff(c, from, to, false)
}

func (s *Site) diff(c *gin.Context, from, to int, single bool) {
	ctx := c.Request.Context()
	h, err := s.readHistory(ctx, c.Param("id"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := h.d
	if to < 0 {
		to = d.LatestRelease
	}
	if from < 0 {
		from = to - 1
	}
	r, ok := h.release(to)
	if !ok || to < 1 || (from > 0 && from > d.LatestRelease) {
		s.showError(c, http.StatusNotFound, "数据集 "+d.ID+" 没有这个版本（最新为第 "+strconv.Itoa(d.LatestRelease)+" 版）")
		return
	}
	if from >= to {
		s.showError(c, http.StatusBadRequest, "from 须小于 to：比较的是较早的版本与较晚的版本")
		return
	}
	named := d
	named.RegionName = r.RegionName
	title := exports.DatasetTitle(named)
	p := diffPage{Title: title, Dataset: d, DatasetURL: DatasetPath(d.ID), From: from, To: to, Single: single, ToRelease: r,
		Change: h.change(from, to), Kind: string(d.Kind)}
	if single {
		p.page = s.page(title+" 第 "+strconv.Itoa(to)+" 版", "datasets")
	} else {
		p.page = s.page(title+" 第 "+strconv.Itoa(from)+" 版与第 "+strconv.Itoa(to)+" 版比较", "datasets")
	}
	p.Feed = FeedPath(url.Values{"dataset": {d.ID}})
	if fr, ok := h.release(from); ok {
		p.FromDate = fr.CreatedAt.In(chinaTime).Format("2006-01-02 15:04")
	}
	if from >= 1 {
		p.APIDiff = exports.DatasetURL("", d.ID) + "/diff?from=" + strconv.Itoa(from) + "&to=" + strconv.Itoa(to)
	}
	if single {
		if to > 1 {
			p.Prev = ReleasePath(d.ID, to-1)
		}
		if to < d.LatestRelease {
			p.Next = ReleasePath(d.ID, to+1)
		}
	}
	for _, cor := range p.Change.Corrected {
		figs, err := s.compareVersions(ctx, d.Kind, h.filings[idOf(h, from, cor.Old.Code)], h.filings[idOf(h, to, cor.New.Code)])
		if err != nil {
			s.pageError(c, err)
			return
		}
		if len(figs) == 0 {
			p.Unchanged++
		}
		p.Depts = append(p.Depts, deptDiff{correction: cor, Anchor: "dept-" + cor.New.Code, Figures: figs})
	}
	base := httpx.BaseURL(c, s.d.BaseURL)
	if p.Cite, err = s.releaseCitation(ctx, base, d, r); err != nil {
		s.pageError(c, err)
		return
	}
	folder := exports.ReleaseURL("", d.ID, to)
	for _, v := range exports.DownloadVariants {
		name, _ := exports.DownloadName(named, to, v.File, v.Query)
		p.Files = append(p.Files, downloadVariant{Label: v.Label, Href: v.Href(folder), FileName: name})
	}
	s.render(c, http.StatusOK, "release_diff", p)
}

func idOf(h *history, n int, dept string) int64 { return h.byDept(n)[dept].ID }

// compareVersions lists the figures that differ between two versions of one
// department's filing, in the dataset's kind: each with its old and new value.
func (s *Site) compareVersions(ctx context.Context, kind models.Kind, old, cur models.Filing) ([]figureChange, error) {
	if kind == models.KindThreePublic {
		a, err := s.d.Store.ThreePublic(ctx, old.ID)
		if err != nil {
			return nil, err
		}
		b, err := s.d.Store.ThreePublic(ctx, cur.ID)
		if err != nil {
			return nil, err
		}
		return threePublicChanges(a, b, FilingPath(cur)), nil
	}
	a, err := s.d.Store.LineItems(ctx, old.ID)
	if err != nil {
		return nil, err
	}
	b, err := s.d.Store.LineItems(ctx, cur.ID)
	if err != nil {
		return nil, err
	}
	return lineItemChanges(a, b, cur.Phase, FilingPath(old), FilingPath(cur)), nil
}

func moneyText(n models.NullMoney, present bool) valueText {
	switch {
	case !present:
		return valueText{Text: "—", Class: "none"}
	case !n.Valid:
		return valueText{Text: "未公开", Class: "nd"}
	}
	return valueText{Wan: wan(n), Yuan: n.Money.FormatGrouped(models.Yuan)}
}

func countValue(n models.NullCount, present bool) valueText {
	switch {
	case !present:
		return valueText{Text: "—", Class: "none"}
	case !n.Valid:
		return valueText{Text: "未公开", Class: "nd"}
	}
	return valueText{Text: countText(n)}
}

// threePublicChange compares one column of two 三公 records (nil: the version
// had none); ok is false when it did not change.
func threePublicChange[V comparable](a, b *models.ThreePublic, page, key, label string,
	get func(*models.ThreePublic) *V, text func(V, bool) valueText) (c figureChange, ok bool) {
	var x, y V
	if a != nil {
		x = *get(a)
	}
	if b != nil {
		y = *get(b)
	}
	if (a != nil) == (b != nil) && x == y {
		return c, false
	}
	return figureChange{Label: label, Old: text(x, a != nil), New: text(y, b != nil),
		Href: page + "#" + figureAnchor(models.TableThreePublic, "", key)}, true
}

// threePublicChanges compares two 三公 records (nil: the version had none).
func threePublicChanges(a, b *models.ThreePublic, page string) []figureChange {
	var out []figureChange
	for _, it := range models.ThreePublicAmounts {
		if c, ok := threePublicChange(a, b, page, it.Key, it.Chinese, it.Get, moneyText); ok {
			out = append(out, c)
		}
	}
	for _, it := range models.ThreePublicCounts {
		if c, ok := threePublicChange(a, b, page, it.Key, it.Chinese, it.Get, countValue); ok {
			out = append(out, c)
		}
	}
	if a != nil && b != nil && a.ChangeReason != b.ChangeReason {
		out = append(out, figureChange{Label: "增减变化原因", Old: valueText{Text: orDash(a.ChangeReason)}, New: valueText{Text: orDash(b.ChangeReason)},
			Href: page + "#tp-change_reason"})
	}
	return out
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "（无）"
	}
	return s
}

type cellKey struct {
	table        models.Table
	code, column string
}

// lineItemChanges compares two versions' line items cell by cell, in the
// order of the standard tables; a cell only one side has is "—" on the other.
func lineItemChanges(a, b []models.LineItem, phase models.Phase, oldPage, newPage string) []figureChange {
	index := func(items []models.LineItem) map[cellKey]models.LineItem {
		m := make(map[cellKey]models.LineItem, len(items))
		for _, it := range items {
			m[cellKey{it.Table, it.Code, it.Column}] = it
		}
		return m
	}
	old, cur := index(a), index(b)
	keys := map[cellKey]bool{}
	for k := range old {
		keys[k] = true
	}
	for k := range cur {
		keys[k] = true
	}
	ordered := make([]cellKey, 0, len(keys))
	for k, x := range keys {
		if x {
			ordered = append(ordered, k)
		}
	}
	sort.Slice(ordered, func(i, j int) bool {
		x, y := ordered[i], ordered[j]
		if x.table != y.table {
			return tableOrder(x.table) < tableOrder(y.table)
		}
		if x.code != y.code {
			return x.code < y.code
		}
		return x.column < y.column
	})
	var out []figureChange
	for _, k := range ordered {
		o, inOld := old[k]
		n, inNew := cur[k]
		if inOld && inNew && o.Amount == n.Amount {
			continue
		}
		named := n
		page := newPage
		if !inNew {
			named, page = o, oldPage
		}
		out = append(out, figureChange{Label: cellLabel(named, phase), Old: moneyText(o.Amount, inOld), New: moneyText(n.Amount, inNew),
			Href: page + "#" + figureAnchor(k.table, k.code, k.column)})
	}
	return out
}

func tableOrder(t models.Table) int {
	for i, spec := range models.Tables {
		if spec.Key == t {
			return i
		}
	}
	return len(models.Tables)
}

// cellLabel names a line item as the printed table does: table, code and name, column.
func cellLabel(it models.LineItem, phase models.Phase) string {
	table, col := string(it.Table), it.Column
	if spec, ok := models.LookupTable(string(it.Table)); ok {
		table = spec.Name(phase)
		if c, ok := spec.Column(it.Column, phase); ok {
			col = c.Chinese
		}
	}
	label := table + " › "
	if it.Code != "" {
		label += it.Code + " "
	}
	return label + it.Name + " › " + col
}

// ---- the filing version's page ----

// figureRow is one figure on a filing page, with its anchor and, when the
// version before printed another value, the 已更正 mark and the diff it links to.
type figureRow struct {
	Anchor    string
	Code      string
	Name      string
	Value     valueText
	Corrected bool
	Was       valueText
	DiffHref  string
	// Source is the figure's page of the PDF it was read from
	// (/api/v1/sources/{sha256}/source.pdf#page=N), "" for other files (review.go).
	Source     string
	SourcePage int
}

type filingTable struct {
	Key     string
	Title   string
	Anchor  string
	Columns []string
	Rows    []filingTableRow
	Notes   []string
}

type filingTableRow struct {
	Code, Name string
	Cells      []*figureRow // one per column; nil where the table has no such cell
}

type filingVersion struct {
	Version int
	Status  models.Status
	Href    string
	Current bool
}

type filingPage struct {
	page
	Filing       models.Filing
	Heading      string
	RegionURL    string
	DeptURL      string
	JSON, Report string
	Versions     []filingVersion
	Newer        *filingVersion // the version that replaced this one
	ThreePublic  []figureRow
	Counts       []figureRow
	Reason       string
	ReasonMark   *figureRow
	Tables       []filingTable
	Explanations []models.ExplanationSection // the prose of the PDF it was read from (情况说明 …)
	Corrections  int                         // figures marked 已更正
	Releases     []releaseRef
	Withdrawal   *releaseRef // the release that withdrew this version, with its note
	Cite         citation
}

// releaseRef is a release that holds this version.
type releaseRef struct {
	Kind        models.Kind
	Title, Href string
	Number      int
	Note, When  string
}

// FilingRedirect sends /filings/{id} (the id of the API) to the version's page.
func (s *Site) FilingRedirect(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		s.showError(c, http.StatusNotFound, "申报编号“"+c.Param("id")+"”无效")
		return
	}
	f, err := s.d.Store.Filing(c.Request.Context(), id)
	if err != nil || !publicStatus(f.Status) {
		s.showError(c, http.StatusNotFound, "没有这个编号的公开申报（草稿不公开）")
		return
	}
	c.Redirect(http.StatusMovedPermanently, FilingPath(f))
}

// FilingPage shows one published (or since superseded or withdrawn) version
// of a department × year × phase, every figure with an anchor.
func (s *Site) FilingPage(c *gin.Context) {
	ctx := c.Request.Context()
	year, err := strconv.Atoi(c.Param("year"))
	phase := models.Phase(c.Param("phase"))
	version, verr := strconv.Atoi(strings.TrimPrefix(c.Param("version"), "v"))
	if err != nil || !phase.Valid() || verr != nil {
		s.showError(c, http.StatusNotFound, "没有这个申报版本：地址应为 /regions/区划代码/departments/部门编码/年度/阶段/v版本号")
		return
	}
	all, err := s.d.Store.Filings(ctx, store.FilingFilter{Region: c.Param("code"), Dept: c.Param("dept"), Year: year, Phase: phase, Limit: 10000,
		Statuses: []models.Status{models.StatusPublished, models.StatusSuperseded, models.StatusWithdrawn}})
	if err != nil {
		s.pageError(c, err)
		return
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Version < all[j].Version })
	var f, prev models.Filing
	for _, x := range all {
		if x.Version == version {
			f = x
		} else if x.Version < version {
			prev = x
		}
	}
	if f.ID == 0 {
		s.showError(c, http.StatusNotFound, "没有这个公开的申报版本（草稿不公开）")
		return
	}
	heading := f.RegionName + " " + f.DeptName + " " + strconv.Itoa(f.FiscalYear) + " 年" + f.Phase.Chinese()
	p := filingPage{page: s.page(heading+"（第 "+strconv.Itoa(f.Version)+" 版）", "home"), Filing: f, Heading: heading,
		RegionURL: "/regions/" + url.PathEscape(f.RegionCode) + "/" + strconv.Itoa(f.FiscalYear),
		DeptURL:   "/regions/" + url.PathEscape(f.RegionCode) + "/departments/" + url.PathEscape(f.DeptCode),
		JSON:      exports.Permalink("", f.ID), Report: exports.Permalink("", f.ID) + "/report"}
	p.Feed = FeedPath(url.Values{"region": {f.RegionCode}, "dept": {f.DeptCode}})
	for _, x := range all {
		v := filingVersion{Version: x.Version, Status: x.Status, Href: FilingPath(x), Current: x.ID == f.ID}
		p.Versions = append(p.Versions, v)
		if x.Version > f.Version && p.Newer == nil {
			p.Newer = &v
		}
	}

	// The releases that brought this version in, per kind: the 已更正 marks link to their diff.
	diffs := map[models.Kind]string{}
	for _, kind := range models.Kinds {
		id := models.DatasetID(f.RegionCode, f.FiscalYear, f.Phase, kind)
		n, title, err := s.enteredIn(ctx, id, f.ID)
		if err != nil {
			s.pageError(c, err)
			return
		}
		if n == 0 {
			continue
		}
		p.Releases = append(p.Releases, releaseRef{Kind: kind, Title: title, Number: n, Href: ReleasePath(id, n)})
		if f.Status == models.StatusWithdrawn && p.Withdrawal == nil {
			rs, err := s.d.Store.Releases(ctx, id)
			if err != nil {
				s.pageError(c, err)
				return
			}
			for _, r := range rs {
				if r.Action == models.ActionWithdrawal && r.FilingID == f.ID {
					p.Withdrawal = &releaseRef{Kind: kind, Title: title, Number: r.Number, Href: ReleasePath(id, r.Number), Note: r.Note,
						When: r.CreatedAt.In(chinaTime).Format("2006-01-02 15:04")}
				}
			}
		}
		if prev.ID != 0 && n > 1 {
			diffs[kind] = DiffPath(id, n-1, n) + "#dept-" + url.PathEscape(f.DeptCode)
		}
	}

	tp, err := s.d.Store.ThreePublic(ctx, f.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	var was *models.ThreePublic
	var wasItems []models.LineItem
	if prev.ID != 0 {
		if was, err = s.d.Store.ThreePublic(ctx, prev.ID); err != nil {
			s.pageError(c, err)
			return
		}
		if wasItems, err = s.d.Store.LineItems(ctx, prev.ID); err != nil {
			s.pageError(c, err)
			return
		}
	}
	if tp != nil {
		for _, it := range models.ThreePublicAmounts {
			if strings.HasPrefix(it.Key, "budget_") && f.Phase != models.PhaseFinal {
				continue
			}
			row := figureRow{Anchor: figureAnchor(models.TableThreePublic, "", it.Key), Name: it.Chinese, Value: moneyText(*it.Get(tp), true)}
			if was != nil && *it.Get(was) != *it.Get(tp) {
				row.Corrected, row.Was, row.DiffHref = true, moneyText(*it.Get(was), true), diffs[models.KindThreePublic]
			}
			p.ThreePublic = append(p.ThreePublic, row)
		}
		for _, it := range models.ThreePublicCounts {
			row := figureRow{Anchor: figureAnchor(models.TableThreePublic, "", it.Key), Name: it.Chinese, Value: countValue(*it.Get(tp), true)}
			if was != nil && *it.Get(was) != *it.Get(tp) {
				row.Corrected, row.Was, row.DiffHref = true, countValue(*it.Get(was), true), diffs[models.KindThreePublic]
			}
			p.Counts = append(p.Counts, row)
		}
		p.Reason = tp.ChangeReason
		if was != nil && was.ChangeReason != tp.ChangeReason {
			p.ReasonMark = &figureRow{Corrected: true, Was: valueText{Text: orDash(was.ChangeReason)}, DiffHref: diffs[models.KindThreePublic]}
		}
	}
	items, err := s.d.Store.LineItems(ctx, f.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	notes, err := s.d.Store.TableNotes(ctx, f.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	p.Tables = filingTables(items, notes, wasItems, prev.ID != 0, f.Phase, diffs[models.KindLineItems])
	if err := s.linkSources(ctx, f.ID, p.ThreePublic, p.Counts, p.Tables); err != nil {
		s.pageError(c, err)
		return
	}
	if p.Explanations, err = s.d.Store.Explanations(ctx, f.ID); err != nil {
		s.pageError(c, err)
		return
	}
	for _, r := range append(append([]figureRow{}, p.ThreePublic...), p.Counts...) {
		if r.Corrected {
			p.Corrections++
		}
	}
	for _, t := range p.Tables {
		for _, r := range t.Rows {
			for _, x := range r.Cells {
				if x != nil && x.Corrected {
					p.Corrections++
				}
			}
		}
	}

	base := httpx.BaseURL(c, s.d.BaseURL)
	var files []citedFile
	for _, r := range p.Releases {
		id := models.DatasetID(f.RegionCode, f.FiscalYear, f.Phase, r.Kind)
		sum, err := s.releaseCSVSHA256(ctx, base, id, r.Number)
		if err != nil {
			s.pageError(c, err)
			return
		}
		files = append(files, citedFile{What: r.Title + " 第 " + strconv.Itoa(r.Number) + " 版 data.csv",
			Href: exports.ReleaseLinks(base, id, r.Number)["csv"], SHA256: sum})
	}
	sources, err := s.d.Store.FilingSources(ctx, f.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, u := range sources {
		files = append(files, citedFile{What: "原始上传文件（" + u.Kind + "，" + strconv.FormatInt(u.Size, 10) + " 字节）", SHA256: u.SHA256})
	}
	var published time.Time
	if f.PublishedAt != nil {
		published = *f.PublishedAt
	}
	p.Cite = newCitation(s.publisher(), heading+"部门公开数据", "第 "+strconv.Itoa(f.Version)+" 版", published, base+FilingPath(f), files)
	s.render(c, http.StatusOK, "filing", p)
}

// enteredIn is the release of dataset id that first held filing version fid
// (0 when none did, or the dataset does not exist), and the dataset's title as then.
func (s *Site) enteredIn(ctx context.Context, id string, fid int64) (int, string, error) {
	d, err := s.d.Store.Dataset(ctx, id)
	if models.ErrorCode(err) == models.ENOTFOUND {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	rs, err := s.d.Store.Releases(ctx, id)
	if err != nil {
		return 0, "", err
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Number < rs[j].Number })
	for _, r := range rs {
		members, err := s.d.Store.ReleaseMembers(ctx, id, r.Number)
		if err != nil {
			return 0, "", err
		}
		for _, m := range members {
			if m == fid {
				named := d
				named.RegionName = r.RegionName
				return r.Number, exports.DatasetTitle(named), nil
			}
		}
	}
	return 0, "", nil
}

// filingTables lays a version's line items out as the standard tables print
// them: one table per standard table, a row per code, a column per column key.
func filingTables(items []models.LineItem, notes []models.TableNote, was []models.LineItem, hasPrev bool, phase models.Phase, diff string) []filingTable {
	prev := map[cellKey]models.LineItem{}
	for _, it := range was {
		prev[cellKey{it.Table, it.Code, it.Column}] = it
	}
	byTable := map[models.Table][]models.LineItem{}
	for _, it := range items {
		byTable[it.Table] = append(byTable[it.Table], it)
	}
	notesBy := map[models.Table][]string{}
	for _, n := range notes {
		notesBy[n.Table] = append(notesBy[n.Table], n.Note)
	}
	var out []filingTable
	for _, spec := range models.Tables {
		rows := byTable[spec.Key]
		if len(rows) == 0 && len(notesBy[spec.Key]) == 0 {
			continue
		}
		t := filingTable{Key: string(spec.Key), Title: spec.Name(phase), Anchor: "table-" + string(spec.Key), Notes: notesBy[spec.Key]}
		var cols []string
		seen := map[string]bool{}
		specCols := append(append([]models.ColumnSpec{}, spec.Columns...), spec.FinalColumns...)
		for _, c := range specCols {
			for _, it := range rows {
				if it.Column == c.Key && !seen[c.Key] {
					seen[c.Key] = true
					cols = append(cols, c.Key)
					t.Columns = append(t.Columns, c.Chinese)
				}
			}
		}
		for _, it := range rows { // columns outside the spec, as stored
			if !seen[it.Column] {
				seen[it.Column] = true
				cols = append(cols, it.Column)
				t.Columns = append(t.Columns, it.Column)
			}
		}
		colIndex := map[string]int{}
		for i, c := range cols {
			colIndex[c] = i
		}
		rowIndex := map[string]int{}
		for _, it := range rows {
			i, ok := rowIndex[it.Code]
			if !ok {
				i = len(t.Rows)
				rowIndex[it.Code] = i
				t.Rows = append(t.Rows, filingTableRow{Code: it.Code, Name: it.Name, Cells: make([]*figureRow, len(cols))})
			}
			fr := &figureRow{Anchor: figureAnchor(it.Table, it.Code, it.Column), Code: it.Code, Name: it.Name, Value: moneyText(it.Amount, true)}
			if hasPrev {
				o, ok := prev[cellKey{it.Table, it.Code, it.Column}]
				if !ok || o.Amount != it.Amount {
					fr.Corrected, fr.Was, fr.DiffHref = true, moneyText(o.Amount, ok), diff
				}
			}
			t.Rows[i].Cells[colIndex[it.Column]] = fr
		}
		orderRows(spec, t.Rows)
		out = append(out, t)
	}
	return out
}

// orderRows puts a table's rows in the order the printed table has them and
// blanks the codes that are the service's row keys, not printed codes: a
// classified table starts with its 合计 and follows its codes (201, 20101,
// 208, …); a row-keyed table (the summary, procurement, operating cost)
// follows its standard rows, the summary's functional 类 rows before 本年支出合计.
func orderRows(spec models.TableSpec, rows []filingTableRow) {
	rank := func(code string) int {
		if code == "total" {
			return -1
		}
		if spec.Classification != "" {
			return 0 // codes keep their order (ascending, as stored)
		}
		for i, r := range spec.Rows {
			if r.Key == code {
				return 2 * i
			}
		}
		for i, r := range spec.Rows { // a functional code on the summary's expenditure side
			if r.Key == "expenditure_subtotal" {
				return 2*i - 1
			}
		}
		return 2 * len(spec.Rows)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rank(rows[i].Code) < rank(rows[j].Code) })
	for i := range rows {
		if _, isKey := spec.Row(rows[i].Code); isKey || rows[i].Code == "total" {
			rows[i].Code = ""
		}
	}
}
