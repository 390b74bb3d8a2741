package models

import (
	"errors"
	"fmt"
)

// Domain error codes. handlers maps each to one HTTP status in one place;
// every other package returns these and knows nothing of HTTP.
const (
	EINVALID       = "invalid"       // the input breaks a rule of the domain
	ENOTFOUND      = "not_found"     // the thing asked for does not exist (or is not visible)
	ECONFLICT      = "conflict"      // the request clashes with the current state
	EUNAUTHORIZED  = "unauthorized"  // no valid credentials
	EFORBIDDEN     = "forbidden"     // valid credentials, not allowed
	ETOOLARGE      = "too_large"     // past a configured size limit
	EUNAVAILABLE   = "unavailable"   // a dependency (the database) is not reachable
	EINTERNAL      = "internal"      // a bug or an unexpected failure
	ESCHEMA        = "schema_newer"  // the database was migrated by a newer sunshine
	EUNPROCESSABLE = "unprocessable" // well-formed but fails the checks (a parse or rule report)
	ETIMEOUT       = "timeout"       // the client did not send its request in time
	ERATELIMITED   = "rate_limited"  // too many attempts from one client: wait and try again
)

// Error is a domain error: a code for programs and a Chinese message for people.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic sentence for internal errors (their details go to the log, not the user).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "服务器内部错误"
}
