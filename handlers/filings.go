package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

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
	Filing      models.Filing       `json:"filing"`
	ThreePublic *models.ThreePublic `json:"three_public"`
	LineItems   []models.LineItem   `json:"line_items"`
	// Notes are the notes printed under its tables (本部门无…，此表为空表).
	Notes  []models.TableNote `json:"notes"`
	Report models.Report      `json:"report"`
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
		c.JSON(http.StatusOK, FilingAnswer{Filing: f, ThreePublic: tp, LineItems: items, Notes: notes, Report: models.NewReport(fs)})
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

func itoa(n int) string { return strconv.Itoa(n) }

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
