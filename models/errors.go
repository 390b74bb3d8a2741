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

// Error is a domain error: a code for programs, a Chinese message for people
// and, when it reports a failure underneath (a database that does not answer,
// a broken connection), that cause. The cause is for logs and errors.Is/As
// only: its text never enters Message, which is all a user is shown.
type Error struct {
	Code    string
	Message string
	Err     error // the cause; nil when the error is the domain's own
}

// Error is the message, followed by the cause's text when there is one (for logs).
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return e.Message + "：" + e.Err.Error()
}

// Unwrap returns the cause, so that errors.Is and errors.As look through a domain error.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the given code and message whose cause is err.
// The message says what failed in the user's terms; err's own text stays out
// of it (it may name hosts, files or driver internals) and goes to the log.
func Wrap(err error, code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
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
