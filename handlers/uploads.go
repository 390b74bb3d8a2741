package handlers

import (
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"sunshine/filings"
	"sunshine/httpx"
	"sunshine/models"
)

// FilingRef is a filing as the upload answer lists it (CONTRACT.md §3).
type FilingRef struct {
	ID         int64         `json:"id"`
	RegionCode string        `json:"region_code"`
	DeptCode   string        `json:"dept_code"`
	FiscalYear int           `json:"fiscal_year"`
	Phase      models.Phase  `json:"phase"`
	Version    int           `json:"version"`
	Status     models.Status `json:"status"`
}

func filingRef(f models.Filing) FilingRef {
	return FilingRef{ID: f.ID, RegionCode: f.RegionCode, DeptCode: f.DeptCode, FiscalYear: f.FiscalYear,
		Phase: f.Phase, Version: f.Version, Status: f.Status}
}

// UploadAnswer is the body of a 200/201 upload answer.
type UploadAnswer struct {
	Upload       models.Upload `json:"upload"`
	Filings      []FilingRef   `json:"filings"`
	FilingsTotal int           `json:"filings_total"`
	Report       models.Report `json:"report"`
}

// RejectedAnswer is the body of a 422 for a file with parse findings: the
// usual error object plus the report of every problem.
type RejectedAnswer struct {
	Error  ErrorDetail   `json:"error"`
	Report models.Report `json:"report"`
}

// postUpload takes a multipart form with the field "file" (and optionally
// "kind"), spools the file to disk while it arrives — so a client that
// disconnects halfway leaves nothing — and hands it to the upload service.
func postUpload(svc *filings.Service, lim UploadLimits) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, lim.MaxBytes)
		form, err := httpx.ReadUploadForm(c.Request, lim, nil)
		if err == nil {
			httpx.LiftBodyDeadline(c) // the whole body is in; what remains is ours to do
		}
		if form.Path != "" {
			defer os.Remove(form.Path)
		}
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		t := httpx.TokenOf(c)
		res, err := svc.Upload(c.Request.Context(), filings.File{Path: form.Path, Name: form.Name, Kind: form.Kind, Fields: form.Fields},
			filings.Actor{Name: t.Name, Token: t}, nil)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		if res.Rejected {
			c.JSON(http.StatusUnprocessableEntity, RejectedAnswer{
				Error: ErrorDetail{Code: models.EUNPROCESSABLE, Message: httpx.RejectedMessage(res.Report)}, Report: res.Report})
			return
		}
		status := http.StatusCreated
		if res.Duplicate {
			status = http.StatusOK
		}
		ans := UploadAnswer{Upload: res.Upload, Filings: make([]FilingRef, 0, len(res.Filings)),
			FilingsTotal: res.FilingsTotal, Report: res.Report}
		for _, f := range res.Filings {
			ans.Filings = append(ans.Filings, filingRef(f))
		}
		c.JSON(status, ans)
	}
}
