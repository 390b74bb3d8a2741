package httpx

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestAbortCutOff_ClientSeesABrokenBodyNotAShortOne: a handler behind gin's
// recovery that fails after its status line and half its body marks the
// answer cut off; the client must get an error reading it, never a clean EOF.
// The same handler without Abort ends cleanly (the defect this prevents).
func TestAbortCutOff_ClientSeesABrokenBodyNotAShortOne(t *testing.T) {
	for _, abort := range []bool{true, false} {
		r := gin.New()
		r.Use(Recovery())
		r.GET("/file.csv", func(c *gin.Context) {
			c.Status(http.StatusOK)
			c.Writer.Write([]byte("region_code,total_yuan\n990101,1.00\n"))
			c.Writer.Flush()
			if abort {
				Abort(c.Request) // generating the rest failed
			}
		})
		srv := httptest.NewServer(AbortCutOff(r))
		res, err := http.Get(srv.URL + "/file.csv")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		srv.Close()
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Fatalf("abort=%v: %d %q", abort, res.StatusCode, body)
		}
		if abort && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("a cut-off answer read as whole: err %v, body %q", err, body)
		}
		if !abort && err != nil {
			t.Fatalf("a whole answer read with an error: %v", err)
		}
	}
}

// TestNewFileCache_RemovesWhatAKilledProcessLeft: a temporary file never
// renamed into place (the process was killed while writing it) is removed at
// start; cached files stay.
func TestNewFileCache_RemovesWhatAKilledProcessLeft(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"r1-data.csv": "whole", "r2-data.csv.123.tmp": "hal"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := NewFileCache(dir); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) != 1 || filepath.Base(left[0]) != "r1-data.csv" {
		t.Fatalf("left %v", left)
	}
}
