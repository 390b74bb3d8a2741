package models

import (
	"errors"
	"fmt"
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
