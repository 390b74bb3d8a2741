package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"sunshine/exports"
	"sunshine/filings"
	"sunshine/httpx"
	"sunshine/models"
)

// FilingReader is what the filing endpoints need from the store.
type FilingReader interface {
	Filing(ctx context.Context, id int64) (models.Filing, error)
	ThreePublic(ctx context.Context, filingID int64) (*models.ThreePublic, error)
	LineItems(ctx context.Context, filingID int64) ([]models.LineItem, error)
	TableNotes(ctx context.Context, filingID int64) ([]models.TableNote, error)
	Findings(ctx context.Context, filingID int64) ([]models.Finding, error)
}

// FilingAnswer is a filing with its content and report.
type FilingAnswer struct {
	Filing      models.Filing      `json:"filing"`
	ThreePublic *FilingThreePublic `json:"three_public"`
	LineItems   []FilingLineItem   `json:"line_items"`
	// Notes are the notes printed under its tables (本部门无…，此表为空表).
	Notes  []models.TableNote `json:"notes"`
	Report models.Report      `json:"report"`
	// Sources say where each figure read from a PDF was printed (empty for
	// figures from a workbook or CSV): table, code and column as in
	// line_items (a 三公 field: table three_public, code "", its key), the
	// page and box, and url, that page of the PDF kept as the upload's
	// original (/api/v1/sources/{sha256}/source.pdf#page=N).
	Sources []FilingSource `json:"sources"`
	// Explanations are the prose sections of the PDF the filing was read
	// from (情况说明, 名词解释 …) in order: heading, text (paragraphs joined
	// by "\n"), the page the heading is printed on and url, that page of the
	// PDF; empty for a filing from workbooks or CSV files alone.
	Explanations []FilingExplanation `json:"explanations"`
}

// FilingExplanation is one section of a filing's explanations.
type FilingExplanation struct {
	models.ExplanationSection
	URL string `json:"url"`
}

// filingExplanations lists a filing's explanations when the store keeps them.
func filingExplanations(ctx context.Context, db FilingReader, id int64) ([]FilingExplanation, error) {
	out := []FilingExplanation{}
	er, ok := db.(interface {
		Explanations(ctx context.Context, filingID int64) ([]models.ExplanationSection, error)
	})
	if !ok {
		return out, nil
	}
	secs, err := er.Explanations(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, e := range secs {
		out = append(out, FilingExplanation{ExplanationSection: e, URL: e.Link()})
	}
	return out, nil
}

// FilingSource is where one figure was printed.
type FilingSource struct {
	models.FigureSource
	URL string `json:"url"`
}

// filingSources lists a filing's sources when the store keeps them.
func filingSources(ctx context.Context, db FilingReader, id int64) ([]FilingSource, error) {
	out := []FilingSource{}
	sr, ok := db.(interface {
		FigureSources(ctx context.Context, filingID int64) ([]models.FigureSource, error)
	})
	if !ok {
		return out, nil
	}
	srcs, err := sr.FigureSources(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, s := range srcs {
		out = append(out, FilingSource{FigureSource: s, URL: s.Link()})
	}
	return out, nil
}

// visibleFiling loads a filing the caller may see: published, superseded and
// withdrawn versions are public; a draft only to a token that may write it
// (to anyone else it does not exist).
func visibleFiling(c *gin.Context, db FilingReader) (models.Filing, bool) {
	id, ok := httpx.FilingID(c)
	if !ok {
		return models.Filing{}, false
	}
	f, err := db.Filing(c.Request.Context(), id)
	if err != nil {
		httpx.RespondError(c, err)
		return f, false
	}
	if t := httpx.TokenOf(c); !filings.MaySee(t, f) {
		if t == nil {
			httpx.Unauthorized(c, "草稿只有持令牌的用户可以查看")
		} else {
			httpx.RespondError(c, models.Errorf(models.ENOTFOUND, "申报 %d 不存在", id))
		}
		return f, false
	}
	return f, true
}

func getFiling(db FilingReader) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, ok := visibleFiling(c, db)
		if !ok {
			return
		}
		ctx := c.Request.Context()
		tp, err := db.ThreePublic(ctx, f.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		items, err := db.LineItems(ctx, f.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		notes, err := db.TableNotes(ctx, f.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		if notes == nil {
			notes = []models.TableNote{}
		}
		fs, err := db.Findings(ctx, f.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		srcs, err := filingSources(ctx, db, f.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		exps, err := filingExplanations(ctx, db, f.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		ans := FilingAnswer{Filing: f, LineItems: make([]FilingLineItem, len(items)), Notes: notes, Report: models.NewReport(fs),
			Sources: srcs, Explanations: exps}
		if tp != nil {
			ans.ThreePublic = &FilingThreePublic{tp}
		}
		for i := range items {
			ans.LineItems[i] = FilingLineItem{items[i]}
		}
		c.JSON(http.StatusOK, ans)
	}
}

func getFilingReport(db FilingReader) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, ok := visibleFiling(c, db)
		if !ok {
			return
		}
		fs, err := db.Findings(c.Request.Context(), f.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.JSON(http.StatusOK, models.NewReport(fs))
	}
}

// NoteBody is the optional body of publish and withdraw.
type NoteBody struct {
	Note string `json:"note"`
}

// readNote reads {"note": "..."}; an empty body is no note.
func readNote(c *gin.Context) (string, error) {
	if c.Request.ContentLength == 0 {
		return "", nil
	}
	var b NoteBody
	if err := json.NewDecoder(io.LimitReader(c.Request.Body, 1<<20)).Decode(&b); err != nil && !errors.Is(err, io.EOF) {
		return "", models.Errorf(models.EINVALID, "请求体应为 JSON，例如 {\"note\": \"更正说明\"}")
	}
	return strings.TrimSpace(b.Note), nil
}

// postPublish checks the findings first (409 with the report on any error), whatever the body says.
func postPublish(svc *filings.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := httpx.FilingID(c)
		if !ok {
			return
		}
		note, noteErr := readNote(c)
		t := httpx.TokenOf(c)
		// A draft the token may not see does not exist for it (as on GET and at the desk):
		// a 403 naming its department would tell a stranger it is there.
		if f, err := svc.Store.Filing(c.Request.Context(), id); err == nil && !filings.MaySee(t, f) {
			httpx.RespondError(c, models.Errorf(models.ENOTFOUND, "申报 %d 不存在", id))
			return
		}
		f, err := svc.Publish(c.Request.Context(), id, filings.Actor{Name: t.Name, Token: t}, note)
		var blocked *filings.BlockedError
		if errors.As(err, &blocked) {
			c.JSON(http.StatusConflict, RejectedAnswer{Error: ErrorDetail{Code: models.ECONFLICT, Message: blocked.Error()}, Report: blocked.Report})
			return
		}
		if noteErr != nil {
			httpx.RespondError(c, noteErr)
			return
		}
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"filing": f})
	}
}

func postWithdraw(svc *filings.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := httpx.FilingID(c)
		if !ok {
			return
		}
		note, err := readNote(c)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		t := httpx.TokenOf(c)
		f, err := svc.Withdraw(c.Request.Context(), id, filings.Actor{Name: t.Name, Token: t}, note)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"filing": f})
	}
}

// FilingThreePublic is a filing's 三公 record as the API writes it (CONTRACT.md
// §3.1): every amount under a key that names its unit (total_yuan, in 元), and
// the unit the source printed as source_unit, never a bare unit beside them.
type FilingThreePublic struct{ *models.ThreePublic }

// FilingLineItem is a filing's line item as the API writes it: amount_yuan and source_unit.
type FilingLineItem struct{ models.LineItem }

// amountKeys are the record keys written with their unit: the field's JSON name → the API's.
var threePublicKeys, lineItemKeys = func() (map[string]string, map[string]string) {
	tp := map[string]string{"unit": exports.SourceUnitKey}
	for _, a := range models.ThreePublicAmounts {
		tp[a.Key] = a.Key + "_" + exports.UnitSuffix(models.Yuan)
	}
	return tp, map[string]string{"unit": exports.SourceUnitKey, "amount": "amount_" + exports.UnitSuffix(models.Yuan)}
}()

func renameKeys(b []byte, names map[string]string, back bool) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return b, err
	}
	for from, to := range names {
		if back {
			from, to = to, from
		}
		if v, ok := m[from]; ok {
			delete(m, from)
			m[to] = v
		}
	}
	return json.Marshal(m)
}

func (t FilingThreePublic) MarshalJSON() ([]byte, error) {
	if t.ThreePublic == nil {
		return []byte("null"), nil
	}
	b, err := json.Marshal(t.ThreePublic)
	if err != nil {
		return nil, err
	}
	return renameKeys(b, threePublicKeys, false)
}

func (t *FilingThreePublic) UnmarshalJSON(b []byte) error {
	b, err := renameKeys(b, threePublicKeys, true)
	if err != nil {
		return err
	}
	t.ThreePublic = new(models.ThreePublic)
	return json.Unmarshal(b, t.ThreePublic)
}

func (li FilingLineItem) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(li.LineItem)
	if err != nil {
		return nil, err
	}
	return renameKeys(b, lineItemKeys, false)
}

func (li *FilingLineItem) UnmarshalJSON(b []byte) error {
	b, err := renameKeys(b, lineItemKeys, true)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, &li.LineItem)
}
