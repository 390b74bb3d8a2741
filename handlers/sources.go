package handlers

import (
	"context"
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/filings"
	"sunshine/httpx"
	"sunshine/models"
	"sunshine/store"
)

// SourceReader is what the source endpoint needs from the store.
type SourceReader interface {
	Filing(ctx context.Context, id int64) (models.Filing, error)
	SourceFile(ctx context.Context, sha256 string) (store.SourceFile, bool, error)
	OpenSource(ctx context.Context, f store.SourceFile) *store.SourceReader
	SourceFilings(ctx context.Context, sha256 string) ([]int64, error)
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// getSource serves the original of an uploaded PDF that figures were read
// from, GET /api/v1/sources/{sha256}/source.pdf: every figure links to its
// page (…/source.pdf#page=N). It is public once a published (or superseded,
// or withdrawn) version cites it; before that only to a token that may see a
// draft citing it, as the draft itself. The bytes never change (the address
// is their SHA-256), so they are cached for a year.
func getSource(db SourceReader) gin.HandlerFunc {
	return func(c *gin.Context) {
		sha := c.Param("sha256")
		if !sha256Hex.MatchString(sha) {
			httpx.RespondError(c, models.Errorf(models.ENOTFOUND, "原始文件“%s”不存在（地址应为 64 位小写十六进制 SHA-256）", sha))
			return
		}
		ctx := c.Request.Context()
		f, public, err := db.SourceFile(ctx, sha)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		if !public {
			t := httpx.TokenOf(c)
			if t == nil {
				httpx.Unauthorized(c, "尚未公开的原始文件只有持令牌的用户可以查看")
				return
			}
			ids, err := db.SourceFilings(ctx, sha)
			if err != nil {
				httpx.RespondError(c, err)
				return
			}
			seen := false
			for _, id := range ids {
				fl, err := db.Filing(ctx, id)
				if err == nil && filings.MaySee(t, fl) {
					seen = true
					break
				}
			}
			if !seen {
				httpx.RespondError(c, models.Errorf(models.ENOTFOUND, "原始文件“%s”不存在", sha))
				return
			}
			c.Header("Cache-Control", "private, no-store")
		} else {
			c.Header("Cache-Control", "public, max-age=31536000, immutable")
		}
		c.Header("ETag", `"`+sha+`"`)
		c.Header("Content-Disposition", `inline; filename="source.pdf"`)
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Content-Type", f.MediaType)
		// Piece by piece from the database, ranges included (a PDF viewer asks
		// for the pages it shows); If-None-Match is answered 304 by ServeContent.
		http.ServeContent(c.Writer, c.Request, "", time.Time{}, db.OpenSource(ctx, f))
	}
}
