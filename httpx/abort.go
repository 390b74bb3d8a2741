package httpx

import (
	"context"
	"net/http"
	"sync/atomic"
)

type abortKey struct{}

// AbortCutOff wraps the whole service: when a handler has marked its answer
// as cut off (Abort), the connection is closed once the handler returns,
// without the end of a chunked body. A client then sees a broken download
// (curl: "transfer closed with outstanding read data"; Go: unexpected EOF)
// instead of a short file that looks whole. It must sit outside the router,
// whose recovery would swallow the abort.
func AbortCutOff(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cut := new(atomic.Bool)
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), abortKey{}, cut)))
		if cut.Load() {
			panic(http.ErrAbortHandler) // net/http closes the connection quietly
		}
	})
}

// Abort marks r's answer as cut off: its status line is sent, its body is not
// whole (generating it failed half-way), so it must not end as if it were.
func Abort(r *http.Request) {
	if cut, ok := r.Context().Value(abortKey{}).(*atomic.Bool); ok {
		cut.Store(true)
	}
}
