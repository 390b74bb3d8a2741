package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sunshine/demo"
	"sunshine/filings"
	"sunshine/models"
)

// feedResult is one release CSV under wrk, from sunshine and from nginx.
type feedResult struct {
	Bytes        int64     `json:"bytes"`
	Rows         int       `json:"rows"`
	OursReqPerS  []float64 `json:"ours_requests_per_s"`
	NginxReqPerS []float64 `json:"nginx_requests_per_s"`
	Ratio        float64   `json:"ratio_median"`
}

const (
	wrkArgs     = "-t2 -c64 -d5s"
	feedDepts   = 2 // two departments' budgets: a release CSV of about 120 KB
	nginxConfig = `worker_processes auto;
pid {{dir}}/nginx.pid;
error_log {{dir}}/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
	types { text/csv csv; }
	access_log {{dir}}/nginx-access.log;
	sendfile on;
	client_body_temp_path {{dir}}/body;
	proxy_temp_path {{dir}}/proxy;
	fastcgi_temp_path {{dir}}/fastcgi;
	uwsgi_temp_path {{dir}}/uwsgi;
	scgi_temp_path {{dir}}/scgi;
	server {
		listen 127.0.0.1:{{port}};
		root {{dir}}/www;
	}
}
`
)

// benchFeed publishes a department's budget through the real path (import,
// token, publish over HTTP), then lets wrk ask for its release CSV with 64
// connections, from sunshine and from nginx serving the same bytes from disk.
// Both log every request to a file.
func benchFeed(c *config) (res feedResult, err error) {
	dir := filepath.Join(c.tmp, "feed")
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(filepath.Join(dir, "www"), 0o755); err != nil {
		return res, err
	}
	db := "sqlite:" + filepath.Join(dir, "feed.db")
	scale := demo.Scale{Regions: 1, Depts: feedDepts, Years: 1, FirstYear: 2024, Phases: []models.Phase{models.PhaseBudget}}
	tp, li := filepath.Join(dir, "three_public.csv"), filepath.Join(dir, "line_items.csv")
	if err := writeThreePublicFile(tp, scale); err != nil {
		return res, err
	}
	if res.Rows, err = writeUploadFile(li, scale); err != nil {
		return res, err
	}
	r, err := command(nil, c.bin, "import", "--json", "--db", db, tp, li)
	if err != nil {
		return res, err
	}
	ids := map[int64]bool{}
	dec := json.NewDecoder(bytes.NewReader(r.Stdout))
	for {
		var up filings.Result
		if err := dec.Decode(&up); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return res, err
		}
		for _, f := range up.Filings {
			ids[f.ID] = true
		}
	}
	r, err = command(nil, c.bin, "token", "create", "--db", db, "--name", "bench", "--role", "admin")
	if err != nil {
		return res, err
	}
	lines := strings.Split(strings.TrimSpace(string(r.Stdout)), "\n")
	token := lines[len(lines)-1]

	srv, err := startServe(c.bin, db, filepath.Join(dir, "serve.log"))
	if err != nil {
		return res, err
	}
	defer srv.Stop()
	for id := range ids {
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/filings/%d/publish", srv.URL, id), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return res, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return res, fmt.Errorf("publish filing %d: %s %s", id, resp.Status, body)
		}
	}
	k := demo.ScaleRegion(0).Code + "-2024-budget-" + models.KindLineItems
	ours := fmt.Sprintf("%s/api/v1/datasets/%s/releases/%d/data.csv", srv.URL, k, len(ids))
	resp, err := client.Get(ours)
	if err != nil {
		return res, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return res, fmt.Errorf("GET %s: %s %v", ours, resp.Status, err)
	}
	res.Bytes = int64(len(body))
	if err := os.WriteFile(filepath.Join(dir, "www", "data.csv"), body, 0o644); err != nil {
		return res, err
	}

	ngx, nginxURL, err := startNginx(dir)
	if err != nil {
		return res, err
	}
	defer stopNginx(ngx)
	nginxURL += "/data.csv"
	if got, err := client.Get(nginxURL); err != nil || got.StatusCode != http.StatusOK {
		return res, fmt.Errorf("nginx does not serve %s: %v", nginxURL, err)
	} else {
		got.Body.Close()
	}
	// A short untimed run of each first.
	for _, u := range []string{ours, nginxURL} {
		if _, err := wrk(u, "-t2 -c64 -d2s"); err != nil {
			return res, err
		}
	}
	res.OursReqPerS, res.NginxReqPerS, err = sideBySide(c.rounds,
		func() (float64, error) { return wrk(ours, wrkArgs) },
		func() (float64, error) { return wrk(nginxURL, wrkArgs) })
	if err != nil {
		return res, err
	}
	res.Ratio = median(ratios(res.OursReqPerS, res.NginxReqPerS))
	return res, nil
}

var (
	wrkRate   = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkErrors = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// wrk runs wrk against url and returns its requests per second.
func wrk(url, args string) (float64, error) {
	r, err := command(nil, "wrk", append(strings.Fields(args), url)...)
	if err != nil {
		return 0, err
	}
	out := string(r.Stdout)
	if m := wrkErrors.FindStringSubmatch(out); m != nil {
		return 0, fmt.Errorf("wrk %s: %s answers were not 200\n%s", url, m[1], out)
	}
	m := wrkRate.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("wrk %s: no Requests/sec in\n%s", url, out)
	}
	return strconv.ParseFloat(m[1], 64)
}

// startNginx runs nginx in the foreground on a free port with a config of its own under dir.
func startNginx(dir string) (*exec.Cmd, string, error) {
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, "", err
	}
	conf := strings.NewReplacer("{{dir}}", abs, "{{port}}", strconv.Itoa(port)).Replace(nginxConfig)
	confPath := filepath.Join(abs, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, "", err
	}
	logs, err := os.Create(filepath.Join(abs, "nginx.out"))
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(nginxPath(), "-p", abs, "-c", confPath)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(url + "/data.csv"); err == nil {
			resp.Body.Close()
			return cmd, url, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopNginx(cmd)
	return nil, "", fmt.Errorf("nginx did not start; see %s", filepath.Join(abs, "nginx-error.log"))
}

func stopNginx(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGQUIT) // graceful: the master stops its workers
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

func nginxPath() string {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	return "/usr/sbin/nginx"
}
