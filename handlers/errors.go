package handlers

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

// respondError answers with the status of err's domain code. Internal errors
// are logged with the request id and answered with a generic message.
func respondError(c *gin.Context, err error) {
	code := models.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		logger(c).Error("request failed", slog.String("code", code), slog.Any("err", err))
	}
	c.AbortWithStatusJSON(status, ErrorBody{ErrorDetail{Code: code, Message: models.ErrorMessage(err)}})
}
