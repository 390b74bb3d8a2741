package handlers

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"sunshine/httpx"
	"sunshine/ingest"
	"sunshine/models"
)

// ScopeReader finds the departments an uploader's token may fill a template for.
type ScopeReader interface {
	Region(ctx context.Context, code string) (models.Region, error)
	Departments(ctx context.Context, region string) ([]models.Department, error)
}

// templateScope is the region and departments of an uploader's token (nil
// for the public and admins): the region's published departments, or those
// of them the token names (a named department not yet published is offered
// by its code alone).
func templateScope(ctx context.Context, db ScopeReader, t *models.Token) (*ingest.TemplateScope, error) {
	if t == nil || t.Role != models.RoleUploader || t.RegionCode == "" {
		return nil, nil
	}
	scope := &ingest.TemplateScope{RegionCode: t.RegionCode}
	if r, err := db.Region(ctx, t.RegionCode); err == nil {
		scope.RegionName = r.Name
	} else if models.ErrorCode(err) != models.ENOTFOUND {
		return nil, err
	}
	ds, err := db.Departments(ctx, t.RegionCode)
	if err != nil {
		return nil, err
	}
	if len(t.Depts) == 0 {
		scope.Departments = ds
		return scope, nil
	}
	names := map[string]string{}
	for _, d := range ds {
		names[d.Code] = d.Name
	}
	for _, code := range t.Depts {
		scope.Departments = append(scope.Departments, models.Department{RegionCode: t.RegionCode, Code: code, Name: names[code]})
	}
	return scope, nil
}

// getTemplate serves the upload templates: GET /api/v1/templates/{kind}.xlsx or .csv.
// Templates are small, so they are built in memory and sent with a length.
// An uploader's token gets the XLSX for its scope: its region filled in and
// its departments in a drop-down list.
func getTemplate(db ScopeReader) gin.HandlerFunc {
	return func(c *gin.Context) { serveTemplate(c, db) }
}

func serveTemplate(c *gin.Context, db ScopeReader) {
	file := c.Param("file")
	kind, ext, _ := strings.Cut(file, ".")
	if kind != models.KindThreePublic && kind != models.KindLineItems {
		httpx.RespondError(c, models.Errorf(models.ENOTFOUND, "没有模板“%s”：可选 three_public 或 line_items", file))
		return
	}
	var buf bytes.Buffer
	var ctype, name string
	private := false // made for one token's scope
	switch ext {
	case "xlsx":
		scope, err := templateScope(c.Request.Context(), db, httpx.TokenOf(c))
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		if err := ingest.WriteTemplateXLSXFor(&buf, kind, scope); err != nil {
			httpx.RespondError(c, err)
			return
		}
		if scope != nil {
			private = true
		}
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "csv":
		if err := ingest.WriteTemplateCSV(&buf, kind); err != nil {
			httpx.RespondError(c, err)
			return
		}
		ctype = "text/csv; charset=utf-8"
	default:
		httpx.RespondError(c, models.Errorf(models.ENOTFOUND, "模板格式“%s”不支持：可选 .xlsx 或 .csv", ext))
		return
	}
	name = templateNames[kind] + "." + ext
	c.Header("Content-Disposition", "attachment; filename=\""+kind+"."+ext+"\"; filename*=UTF-8''"+url.PathEscape(name))
	if private {
		c.Header("Cache-Control", "private, no-store")
	} else {
		c.Header("Cache-Control", "public, max-age=3600")
	}
	c.Header("Vary", "Authorization")
	c.Data(http.StatusOK, ctype, buf.Bytes())
}

var templateNames = map[string]string{
	models.KindThreePublic: "三公经费上传模板",
	models.KindLineItems:   "部门预决算公开表上传模板",
}
