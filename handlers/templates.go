package handlers

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"sunshine/httpx"
	"sunshine/ingest"
	"sunshine/models"
)

// getTemplate serves the upload templates: GET /api/v1/templates/{kind}.xlsx or .csv.
// Templates are small, so they are built in memory and sent with a length.
func getTemplate(c *gin.Context) {
	file := c.Param("file")
	kind, ext, _ := strings.Cut(file, ".")
	if kind != models.KindThreePublic && kind != models.KindLineItems {
		httpx.RespondError(c, models.Errorf(models.ENOTFOUND, "没有模板“%s”：可选 three_public 或 line_items", file))
		return
	}
	var buf bytes.Buffer
	var ctype, name string
	switch ext {
	case "xlsx":
		if err := ingest.WriteTemplateXLSX(&buf, kind); err != nil {
			httpx.RespondError(c, err)
			return
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
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, ctype, buf.Bytes())
}

var templateNames = map[string]string{
	models.KindThreePublic: "三公经费上传模板",
	models.KindLineItems:   "部门预决算公开表上传模板",
}
