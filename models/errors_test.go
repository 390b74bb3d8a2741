package models

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestErrorCode_FindsTheDomainCodeThroughWrapping(t *testing.T) {
	err := Errorf(ECONFLICT, "已有草稿 %d", 3)
	if err.Error() != "已有草稿 3" || err.Code != ECONFLICT {
		t.Errorf("Errorf = %+v; want code conflict and the formatted message", err)
	}
	wrapped := fmt.Errorf("publish: %w", err)
	if got := ErrorCode(wrapped); got != ECONFLICT {
		t.Errorf("ErrorCode(wrapped) = %q; want %q", got, ECONFLICT)
	}
	if got := ErrorMessage(wrapped); got != "已有草稿 3" {
		t.Errorf("ErrorMessage(wrapped) = %q; want the domain message", got)
	}
}

func TestErrorCode_InternalForForeignErrorsAndEmptyForNil(t *testing.T) {
	if got := ErrorCode(nil); got != "" {
		t.Errorf("ErrorCode(nil) = %q; want \"\"", got)
	}
	foreign := errors.New("sql: connection refused at 10.0.0.1")
	if got := ErrorCode(foreign); got != EINTERNAL {
		t.Errorf("ErrorCode(foreign) = %q; want %q", got, EINTERNAL)
	}
	if got := ErrorMessage(foreign); got != "服务器内部错误" {
		t.Errorf("ErrorMessage(foreign) = %q; want the generic message, not the internal detail", got)
	}
}

// A wrapped cause is seen by errors.Is and errors.As and written to logs
// (Error), but never shown to a user (ErrorMessage).
func TestWrap_KeepsTheCauseOutOfTheMessage(t *testing.T) {
	cause := &os.PathError{Op: "open", Path: "/srv/secret/db.sqlite", Err: os.ErrPermission}
	err := fmt.Errorf("serve: %w", Wrap(cause, EUNAVAILABLE, "数据库无法访问"))
	if !errors.Is(err, os.ErrPermission) {
		t.Fatal("errors.Is does not reach the cause")
	}
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Path != "/srv/secret/db.sqlite" {
		t.Fatalf("errors.As: %v", pe)
	}
	if ErrorCode(err) != EUNAVAILABLE {
		t.Fatalf("code %q", ErrorCode(err))
	}
	if msg := ErrorMessage(err); msg != "数据库无法访问" || strings.Contains(msg, "secret") {
		t.Fatalf("a user would read %q", msg)
	}
	if !strings.Contains(err.Error(), "/srv/secret/db.sqlite") {
		t.Fatalf("the log would lose the cause: %q", err.Error())
	}
}
