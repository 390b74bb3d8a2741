package handlers

import "sunshine/httpx"

// The request-level settings of Deps are defined in httpx, which the API and
// the pages share; these names keep handlers.Deps readable on its own.
type (
	// UploadLimits are the request-level limits of uploads (httpx.UploadLimits).
	UploadLimits = httpx.UploadLimits
	// RateLimit is the per-client limit on the query API (httpx.RateLimit).
	RateLimit = httpx.RateLimit
	// SignInLimit bounds wrong tokens per client (httpx.SignInLimit).
	SignInLimit = httpx.SignInLimit
	// FileCache keeps generated release files on disk (httpx.FileCache).
	FileCache = httpx.FileCache
	// ErrorBody is the JSON shape of every error answer (httpx.ErrorBody).
	ErrorBody = httpx.ErrorBody
	// ErrorDetail carries an error's domain code and Chinese message (httpx.ErrorDetail).
	ErrorDetail = httpx.ErrorDetail
)

const (
	// DefaultBodyTimeout is httpx.DefaultBodyTimeout.
	DefaultBodyTimeout = httpx.DefaultBodyTimeout
	// RequestIDHeader carries the request id in and out.
	RequestIDHeader = httpx.RequestIDHeader
)

var (
	// DefaultRateLimit is httpx.DefaultRateLimit.
	DefaultRateLimit = httpx.DefaultRateLimit
	// DefaultSignInLimit is httpx.DefaultSignInLimit.
	DefaultSignInLimit = httpx.DefaultSignInLimit
	// NewFileCache is httpx.NewFileCache.
	NewFileCache = httpx.NewFileCache
	// NewMetrics is httpx.NewMetrics.
	NewMetrics = httpx.NewMetrics
)
