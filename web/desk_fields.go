package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"sunshine/filings"
	"sunshine/httpx"
	"sunshine/ingest"
	"sunshine/models"
)

// The upload form's 申报信息: the filing fields (region_code, dept_code,
// dept_name, fiscal_year, phase — the API's form fields, httpx.FilingFields)
// that a PDF or an official-layout workbook does not print. The desk home
// offers them collapsed, filled from the token's scope; an upload refused
// only for them comes back with the fieldset open, the fields at fault
// marked, what the document printed (department, year, phase) filled in for
// the clerk to confirm, and the file kept (pending.go), so that posting the
// form (DeskUploadConfirm) runs the upload again without choosing the file.

// filingForm is the 申报信息 fieldset as a page shows it.
type filingForm struct {
	Open        bool
	Values      map[string]string // by field name
	Marks       map[string]string // the fields at fault, by name: why
	RegionFixed bool              // an uploader's region: shown, not changed
	// Depts are the departments of the token's scope: a select of them when
	// the token names its departments (DeptSelect), else suggestions for the
	// free-text code (the region's published departments).
	Depts      []models.Department
	DeptSelect bool
}

// filingFieldLabels are the fieldset's fields with their Chinese labels, in
// the order a sentence names them; the labels are the Column of the layout
// reader's findings about them (ingest/workbook.go optionCode, tableKey).
var filingFieldLabels = []struct{ key, label string }{
	{"region_code", "区划代码"}, {"dept_code", "部门编码"}, {"dept_name", "部门名称"},
	{"fiscal_year", "年度"}, {"phase", "阶段"},
}

// The ways a field can be at fault.
const (
	fieldMissing  = "文件没有印出，请填写"
	fieldConflict = "与文件标题不一致：已按文件填入，请核对"
	fieldInvalid  = "格式不正确，请更正"
)

// scopeForm is the fieldset as the token's scope fills it: an uploader's
// region, and its department when it names one. Nothing for an admin.
func (s *Site) scopeForm(ctx context.Context, t *models.Token) (filingForm, error) {
	f := filingForm{Values: map[string]string{}, Marks: map[string]string{}}
	if t == nil || t.Role != models.RoleUploader || t.RegionCode == "" || s.d.Store == nil {
		return f, nil
	}
	f.Values["region_code"], f.RegionFixed = t.RegionCode, true
	ds, err := s.d.Store.Departments(ctx, t.RegionCode)
	if err != nil {
		return f, err
	}
	if len(t.Depts) == 0 {
		f.Depts = ds
		return f, nil
	}
	names := map[string]string{}
	for _, d := range ds {
		names[d.Code] = d.Name
	}
	for _, code := range t.Depts {
		f.Depts = append(f.Depts, models.Department{RegionCode: t.RegionCode, Code: code, Name: names[code]})
	}
	f.DeptSelect = true
	if len(t.Depts) == 1 {
		f.Values["dept_code"] = t.Depts[0]
	}
	return f, nil
}

// fieldProblems returns the fields a refused upload's findings blame, when
// they are all it blames: every error is the layout reader's about a filing
// field (a code the document does not print, a year, phase or department
// name that is missing or contradicts its titles), none about a row.
func fieldProblems(r models.Report) (map[string]string, bool) {
	keys := map[string]string{}
	for _, fl := range filingFieldLabels {
		keys[fl.label] = fl.key
	}
	marks := map[string]string{}
	for _, f := range r.Findings {
		if f.Severity != models.SeverityError {
			continue
		}
		key := keys[f.Column]
		if key == "" || f.Row != 0 {
			return nil, false
		}
		switch f.Rule {
		case ingest.RuleHeaderMissing:
			marks[key] = fieldMissing
		case ingest.RuleCellEnum:
			marks[key] = fieldConflict
		case ingest.RuleCellType, ingest.RuleCellLength:
			marks[key] = fieldInvalid
		default:
			return nil, false
		}
	}
	return marks, len(marks) > 0 && !r.Partial
}

// fieldError is the filing field an upload's EINVALID names
// (ingest.Options.WithFilingFields: "dept_code：…").
func fieldError(err error) (string, bool) {
	if models.ErrorCode(err) != models.EINVALID {
		return "", false
	}
	msg := models.ErrorMessage(err)
	for _, fl := range filingFieldLabels {
		if strings.HasPrefix(msg, fl.key+"：") {
			return fl.key, true
		}
	}
	return "", false
}

// printedOf reads what the file's titles say of its filing; ok is false for
// a file that is not a PDF or an official-layout workbook, or cannot be read.
func printedOf(path string) (p ingest.Printed, pdf, ok bool) {
	rd, err := ingest.OpenFile(path, ingest.Options{})
	if err != nil {
		return p, false, false
	}
	defer rd.Close()
	p, ok = ingest.PrintedOf(rd)
	if f, err := os.Open(path); err == nil {
		head := make([]byte, 5)
		n, _ := io.ReadFull(f, head)
		f.Close()
		pdf = bytes.Equal(head[:n], []byte("%PDF-"))
	}
	return p, pdf, ok
}

// fieldsSentence says in one sentence why the upload was refused and what to do.
func fieldsSentence(pdf bool, marks map[string]string, kept bool) string {
	doc := "这份工作簿"
	if pdf {
		doc = "这份 PDF "
	}
	by := map[string][]string{}
	for _, fl := range filingFieldLabels {
		if m := marks[fl.key]; m != "" {
			by[m] = append(by[m], fl.label)
		}
	}
	var parts []string
	if l := by[fieldMissing]; l != nil {
		parts = append(parts, doc+"没有印出"+strings.Join(l, "、"))
	}
	if l := by[fieldConflict]; l != nil {
		parts = append(parts, "填写的"+strings.Join(l, "、")+"与文件标题不一致")
	}
	if l := by[fieldInvalid]; l != nil {
		parts = append(parts, "填写的"+strings.Join(l, "、")+"格式不正确")
	}
	s := strings.Join(parts, "，") + "，请在“申报信息”中填写或核对后"
	if kept {
		return s + "确认（文件已暂存，无需重新选择）。"
	}
	return s + "重新选择文件上传。"
}

// postedFields are the filing fields of a posted form.
func postedFields(c *gin.Context) map[string]string {
	out := map[string]string{}
	for _, k := range httpx.FilingFields {
		if v := strings.TrimSpace(c.PostForm(k)); v != "" {
			out[k] = v
		}
	}
	return out
}

// runUpload uploads a file read by the desk's form (pendingID "") or kept
// from an earlier try (pendingID, removed once the upload is no longer
// refused for its fields) and shows the result.
func (s *Site) runUpload(c *gin.Context, sess *deskSession, t *models.Token, p deskUploadPage, file filings.File, pendingID string) {
	res, err := s.d.Filings.Upload(c.Request.Context(), file, filings.Actor{Name: t.Name, Token: t}, nil)
	var marks map[string]string
	onlyFields := false
	if err != nil {
		if key, ok := fieldError(err); ok {
			marks, onlyFields = map[string]string{key: fieldInvalid}, true
		}
	} else if res.Rejected {
		marks, onlyFields = fieldProblems(res.Report)
	}
	if onlyFields {
		if printed, pdf, ok := printedOf(file.Path); ok {
			s.askFields(c, sess, t, p, file, pendingID, askedFields{marks: marks, printed: printed, pdf: pdf, res: res, err: err})
			return
		}
	}
	if pendingID != "" && (err == nil || httpx.Status(err) < 500) {
		// Used; a server error leaves it for another try.
		if err := s.pending.remove(c.Request.Context(), sess.idHash, pendingID); err != nil {
			httpx.Logger(c).Warn("desk: a used pending upload not dropped (it expires within the hour)", slog.Any("err", err))
		}
	}
	form, ferr := s.scopeForm(c.Request.Context(), t)
	if ferr != nil {
		s.pageError(c, ferr)
		return
	}
	for k, v := range file.Fields {
		if v != "" {
			form.Values[k] = v
		}
	}
	p.Fields = form
	if err != nil {
		s.showUploadError(c, p, err)
		return
	}
	s.showUploaded(c, t, p, res)
}

// askedFields is why an upload comes back asking for its filing fields.
type askedFields struct {
	marks   map[string]string
	printed ingest.Printed
	pdf     bool
	res     filings.Result
	err     error
}

// askFields shows the result page of an upload refused only for its filing
// fields: the sentence, the fieldset open with the fields at fault marked and
// what the document printed filled in, and the file kept for the confirmation.
func (s *Site) askFields(c *gin.Context, sess *deskSession, t *models.Token, p deskUploadPage, file filings.File, pendingID string, a askedFields) {
	form, err := s.scopeForm(c.Request.Context(), t)
	if err != nil {
		s.pageError(c, err)
		return
	}
	form.Open, form.Marks = true, a.marks
	for k, v := range file.Fields {
		if v != "" {
			form.Values[k] = v
		}
	}
	// What the document printed, where the field is empty or contradicts it.
	doc := map[string]string{"dept_name": a.printed.DeptName, "phase": string(a.printed.Phase)}
	if a.printed.FiscalYear != 0 {
		doc["fiscal_year"] = strconv.Itoa(a.printed.FiscalYear)
	}
	for k, v := range doc {
		if v != "" && (form.Values[k] == "" || a.marks[k] == fieldConflict) {
			form.Values[k] = v
		}
	}
	id := pendingID
	if id == "" {
		if id, err = s.pending.keep(c.Request.Context(), sess.idHash, file.Path, file.Name, file.Kind); err != nil {
			httpx.Logger(c).Warn("desk: upload not kept for confirmation", slog.Any("err", err))
			id = ""
		}
	}
	p.Fields, p.Pending, p.Rejected = form, id, true
	p.Error = fieldsSentence(a.pdf, a.marks, id != "")
	p.Result = a.res
	for i, f := range a.res.Report.Findings {
		p.Findings = append(p.Findings, viewFinding(i+1, f, "", true))
	}
	if a.err != nil {
		p.Error += "（" + models.ErrorMessage(a.err) + "）"
	}
	s.render(c, http.StatusUnprocessableEntity, "desk_upload", p)
}

// DeskUploadConfirm runs a pending upload again with the filing fields the
// clerk confirmed (POST /desk/upload/confirm: csrf, pending and the fields).
// A pending id of another session, used or expired is 404.
func (s *Site) DeskUploadConfirm(c *gin.Context) {
	if s.noService(c) {
		return
	}
	sess, t, ok := s.requireDesk(c, s.postForm(c))
	if !ok {
		return
	}
	id := c.PostForm("pending")
	path, meta, err := s.pending.open(c.Request.Context(), sess.idHash, id)
	if errors.Is(err, errNoPending) {
		s.showError(c, http.StatusNotFound, models.ErrorMessage(err)+"。")
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	defer os.Remove(path) // written back from the database for this run
	p := deskUploadPage{page: s.deskPage("上传结果", sess, t), FileName: meta.Name, MaxBytes: httpx.HumanBytes(s.maxBytes()),
		ThenReview: c.Query("then") == "review"}
	s.runUpload(c, sess, t, p, filings.File{Path: path, Name: meta.Name, Kind: meta.Kind, Fields: postedFields(c)}, id)
}
