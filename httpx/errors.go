package httpx

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"sunshine/models"
)

// statusOf is the one place where a domain error code becomes an HTTP status.
var statusOf = map[string]int{
	models.EINVALID:       http.StatusUnprocessableEntity,
	models.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	models.ENOTFOUND:      http.StatusNotFound,
	models.ECONFLICT:      http.StatusConflict,
	models.EUNAUTHORIZED:  http.StatusUnauthorized,
	models.EFORBIDDEN:     http.StatusForbidden,
	models.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	models.EUNAVAILABLE:   http.StatusServiceUnavailable,
	models.ESCHEMA:        http.StatusServiceUnavailable,
	models.EINTERNAL:      http.StatusInternalServerError,
	models.ETIMEOUT:       http.StatusRequestTimeout,
	models.ERATELIMITED:   http.StatusTooManyRequests,
}

// ErrorBody is the JSON shape of every error answer: {"error": {"code", "message"}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail carries the domain code and a Chinese message.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// RespondError answers with the status of err's domain code. Internal errors
// are logged with the request id and answered with a generic message.
func RespondError(c *gin.Context, err error) {
	code := models.ErrorCode(err)
	status := Status(err)
	if status >= 500 {
		Logger(c).Error("request failed", slog.String("code", code), slog.Any("err", err))
	}
	c.AbortWithStatusJSON(status, ErrorBody{ErrorDetail{Code: code, Message: models.ErrorMessage(err)}})
}

// Status is the HTTP status of err's domain code; 500 for an error without one.
func Status(err error) int {
	if status, ok := statusOf[models.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}
