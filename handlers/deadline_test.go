package handlers_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/ingest"
	"sunshine/store/storetest"
)

// A client that trickles its upload is cut off when the body timeout passes,
// with a Chinese 408, and nothing is stored; a prompt upload on the same
// server is unaffected, and so is the work done after its body arrived.
func TestBodyTimeout_TricklingUploadIsCutOff(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	h := handlers.New(handlers.Deps{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(),
		Filings: &filings.Service{Store: s, Options: ingest.DefaultOptions()},
		Limits:  handlers.UploadLimits{MaxBytes: 1 << 20, TempDir: t.TempDir(), BodyTimeout: 300 * time.Millisecond}})
	srv := httptest.NewServer(h)
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const boundary = "x"
	head := "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.csv\"\r\nContent-Type: text/csv\r\n\r\n"
	fmt.Fprintf(conn, "POST /api/v1/uploads HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: 100000\r\n\r\n%s", a.admin, boundary, head)
	start := time.Now()
	go func() { // a byte every 100 ms: it would take hours
		for i := 0; i < 100; i++ {
			if _, err := conn.Write([]byte("4")); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a trickling upload: %v", err)
	}
	defer resp.Body.Close()
	var body handlers.ErrorBody
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); resp.StatusCode != http.StatusRequestTimeout || body.Error.Code != "timeout" ||
		!strings.Contains(body.Error.Message, "上传超时") || took > 3*time.Second {
		t.Fatalf("%d %+v after %v", resp.StatusCode, body, took)
	}
	if fs, _ := s.Regions(t.Context()); len(fs) != 0 {
		t.Fatalf("a cut-off upload stored something: %+v", fs)
	}

	// A prompt upload through a real connection passes, and its transaction is not cut short afterwards.
	a.h = h
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/uploads", strings.NewReader("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fix.csv\"\r\n\r\n"+
		correctedThreePublic+"\r\n--x--\r\n"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Authorization", "Bearer "+a.admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("prompt upload: %d %s", res.StatusCode, b)
	}
}
