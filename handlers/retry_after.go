package handlers

import (
	"net/http"
	"strconv"
)

// RetryAfterUnavailable is the Retry-After, in seconds, of a 503 that names
// no wait of its own: the database is restarting, a connection broke, a
// Galera node left the cluster. A few seconds is how long those take.
const RetryAfterUnavailable = 5

// retryAfter gives every 503 answer a Retry-After header (RFC 9110 §10.2.3)
// unless the handler set one, so that a client — a bureau's script, the
// upload desk, a proxy — knows the failure is passing and when to try again.
func retryAfter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&retryAfterWriter{ResponseWriter: w}, r)
	})
}

type retryAfterWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *retryAfterWriter) WriteHeader(code int) {
	if !w.wrote && code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterUnavailable))
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *retryAfterWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Flush and Unwrap keep streaming answers and http.ResponseController (the body deadline) working.
func (w *retryAfterWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *retryAfterWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
