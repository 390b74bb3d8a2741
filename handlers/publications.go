package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/filings"
	"sunshine/httpx"
	"sunshine/models"
)

// PublicationBody is what POST /api/v1/publications takes: the drafts by id
// (filings), or every clean draft of region × year × phase; one note for the
// act; at (RFC 3339) to schedule it instead of publishing at once.
type PublicationBody struct {
	Filings []int64 `json:"filings"`
	Region  string  `json:"region"`
	Year    int     `json:"year"`
	Phase   string  `json:"phase"`
	Note    string  `json:"note"`
	At      string  `json:"at"`
}

// PublicationAnswer is the answer of the publication routes.
type PublicationAnswer struct {
	Publication models.Publication `json:"publication"`
}

// readPublicationBody reads the JSON body strictly: an unknown member is named, not ignored.
func readPublicationBody(c *gin.Context) (PublicationBody, error) {
	var b PublicationBody
	raw, err := io.ReadAll(io.LimitReader(c.Request.Body, 1<<20))
	if err != nil {
		return b, models.Wrap(err, models.EINVALID, "请求体读取失败")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return b, models.Errorf(models.EINVALID, "未知的字段 %s（只接受 filings、region、year、phase、note、at）", name)
		}
		return b, models.Errorf(models.EINVALID, `请求体应为 JSON，例如 {"filings": [12, 13], "note": "2025 年部门决算统一公开"} 或 {"region": "990101", "year": 2025, "phase": "final"}`)
	}
	return b, nil
}

// postPublication publishes a set of drafts in one act (201), or schedules
// the act (201, state scheduled). A draft with errors refuses the whole act:
// 409 with the findings of every such draft.
func postPublication(svc *filings.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		b, err := readPublicationBody(c)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		sel := filings.Selection{Filings: b.Filings, Region: b.Region, Year: b.Year, Phase: models.Phase(b.Phase)}
		t := httpx.TokenOf(c)
		actor := filings.Actor{Name: t.Name, Token: t}
		note := strings.TrimSpace(b.Note)
		var p models.Publication
		if b.At != "" {
			at, perr := time.Parse(time.RFC3339, b.At)
			if perr != nil {
				httpx.RespondError(c, models.Errorf(models.EINVALID, "at 应为 RFC 3339 时间，例如 2026-06-30T09:00:00+08:00，而不是“%s”", b.At))
				return
			}
			p, err = svc.SchedulePublication(c.Request.Context(), sel, at, actor, note)
		} else {
			p, err = svc.PublishSelection(c.Request.Context(), sel, actor, note)
		}
		var blocked *filings.BlockedError
		if errors.As(err, &blocked) {
			c.JSON(http.StatusConflict, RejectedAnswer{Error: ErrorDetail{Code: models.ECONFLICT, Message: blocked.Error()}, Report: blocked.Report})
			return
		}
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.Header("Location", fmt.Sprintf("/api/v1/publications/%d", p.ID))
		c.JSON(http.StatusCreated, PublicationAnswer{p})
	}
}

func publicationID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.RespondError(c, models.Errorf(models.ENOTFOUND, "公开批次编号“%s”无效", c.Param("id")))
		return 0, false
	}
	return id, true
}

// getPublication answers one act: its state, drafts and the releases it made.
func getPublication(svc *filings.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := publicationID(c)
		if !ok {
			return
		}
		p, err := svc.Store.Publication(c.Request.Context(), id)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.JSON(http.StatusOK, PublicationAnswer{p})
	}
}

// deletePublication cancels a scheduled act (409 once it ran, failed or was cancelled).
func deletePublication(svc *filings.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := publicationID(c)
		if !ok {
			return
		}
		t := httpx.TokenOf(c)
		p, err := svc.CancelPublication(c.Request.Context(), id, filings.Actor{Name: t.Name, Token: t})
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.JSON(http.StatusOK, PublicationAnswer{p})
	}
}

// PublicationList is the answer of GET /api/v1/publications.
type PublicationList struct {
	Data []models.Publication `json:"data"`
}

// getPublications lists the acts newest first: ?state=scheduled for those waiting, ?limit= (≤ 500).
func getPublications(svc *filings.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		state := c.Query("state")
		switch state {
		case "", models.PublicationScheduled, models.PublicationPublished, models.PublicationCancelled, models.PublicationFailed:
		default:
			httpx.RespondError(c, models.Errorf(models.EINVALID, "参数 state 应为 scheduled、published、cancelled 或 failed，而不是“%s”", state))
			return
		}
		limit, err := httpx.IntParam(c, "limit")
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		ps, err := svc.Store.Publications(c.Request.Context(), state, limit)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		c.JSON(http.StatusOK, PublicationList{Data: ps})
	}
}
