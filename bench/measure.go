package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// run is one finished command: how long it took and its peak resident memory.
type run struct {
	Elapsed time.Duration
	PeakMB  float64
	Stdout  []byte
}

// command runs a program to completion and measures it. The peak RSS comes
// from the kernel's rusage of the child (ru_maxrss), as /usr/bin/time -v reports it.
func command(stdin io.Reader, name string, args ...string) (run, error) {
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := run{Elapsed: time.Since(start), Stdout: out.Bytes()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.PeakMB = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	if err != nil {
		return r, fmt.Errorf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, tail(out.String()), tail(errb.String()))
	}
	return r, nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// sideBySide measures ours and the anchor in turn, rounds times, swapping
// which goes first every round so that neither always runs on a warmer or a
// busier machine. Each function returns a rate (higher is better).
func sideBySide(rounds int, ours, anchor func() (float64, error)) (o, a []float64, err error) {
	for i := 0; i < rounds; i++ {
		first, second := ours, anchor
		if i%2 == 1 {
			first, second = anchor, ours
		}
		x, err := first()
		if err != nil {
			return nil, nil, err
		}
		y, err := second()
		if err != nil {
			return nil, nil, err
		}
		if i%2 == 1 {
			x, y = y, x
		}
		o, a = append(o, x), append(a, y)
		logf("    round %d: ours %.0f, anchor %.0f (%.2f)", i+1, x, y, x/y)
	}
	return o, a, nil
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// ratios divides round by round: each round's pair ran back to back under the same load.
func ratios(o, a []float64) []float64 {
	out := make([]float64, len(o))
	for i := range o {
		out[i] = o[i] / a[i]
	}
	return out
}

// server is a running `sunshine serve`.
type server struct {
	cmd  *exec.Cmd
	URL  string
	logs *os.File
}

// startServe starts `sunshine serve` on a free port of 127.0.0.1 and waits until it answers.
// The rate limit is off: the load comes from this one client on purpose.
func startServe(bin, dsn, logPath string, extraEnv ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logs, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", addr, "--rate-limit", "0")
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.Env = append(os.Environ(), extraEnv...)
	if err := cmd.Start(); err != nil {
		logs.Close()
		return nil, err
	}
	s := &server{cmd: cmd, URL: "http://" + addr, logs: logs}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("sunshine serve on %s did not come up; see %s", addr, logPath)
}

// PeakMB is the process's high-water resident set so far (VmHWM).
func (s *server) PeakMB() (float64, error) { return vmHWM(s.cmd.Process.Pid) }

// Stop ends the server (SIGTERM, as a deployment would) and waits for it.
func (s *server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(40 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.logs.Close()
}

func vmHWM(pid int) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM for process %d", pid)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// client asks for plain bytes: Go's transport would otherwise ask for gzip
// and the server would spend its time compressing, which the anchors do not.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4}}

// download fetches a URL to the end and counts its lines.
func download(ctx context.Context, url string) (lines int, bytes int64, elapsed time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
		return 0, 0, 0, fmt.Errorf("GET %s: %s %s", url, resp.Status, b)
	}
	buf := make([]byte, 256<<10)
	for {
		n, err := resp.Body.Read(buf)
		bytes += int64(n)
		lines += countNewlines(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return lines, bytes, time.Since(start), err
		}
	}
	return lines, bytes, time.Since(start), nil
}

func countNewlines(b []byte) int {
	n := 0
	for {
		i := bytesIndexByte(b, '\n')
		if i < 0 {
			return n
		}
		n++
		b = b[i+1:]
	}
}

var bytesIndexByte = bytes.IndexByte

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
