package exportstest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ReaderReport is what the Frictionless JavaScript libraries (datapackage
// 1.1.10, tableschema 1.12.6: Data Package v1, as harvesters use them today)
// made of a data package: exports/testdata/npm/read.js prints it.
type ReaderReport struct {
	Source string `json:"source"`
	// Valid and Errors: the package as the library loaded it, under the profile it declares.
	Valid           bool     `json:"valid"`
	Errors          []string `json:"errors"`
	Profile         string   `json:"profile"`
	DeclaredProfile string   `json:"declaredProfile"`
	// Profiles: the descriptor checked against each named v1 profile
	// ("tabular-data-package", "fiscal-data-package").
	Profiles  map[string]ProfileResult `json:"profiles"`
	Resources []ReaderResource         `json:"resources"`
}

// ProfileResult is one profile's verdict.
type ProfileResult struct {
	Valid  bool     `json:"valid"`
	Errors []string `json:"errors"`
}

// ReaderResource is one resource as the library read it.
type ReaderResource struct {
	Name         string   `json:"name"`
	Profile      string   `json:"profile"`
	Tabular      bool     `json:"tabular"`
	Valid        bool     `json:"valid"`
	Errors       []string `json:"errors"`
	SchemaErrors []string `json:"schemaErrors"`
	Headers      []string `json:"headers"`
	// Rows are every row, cast by the schema and keyed by field name: a number
	// is a json.Number, a missing value nil.
	Rows             []map[string]any `json:"rows"`
	RelationsChecked bool             `json:"relationsChecked"`
	ReadErrors       []string         `json:"readErrors"`
}

// Resource finds a resource by name.
func (r *ReaderReport) Resource(name string) *ReaderResource {
	for i := range r.Resources {
		if r.Resources[i].Name == name {
			return &r.Resources[i]
		}
	}
	return nil
}

// Problems lists everything the reader refused: the package or a resource
// invalid, a profile failed (fiscal-data-package only when fiscal is set), a
// Table Schema refused on its own, a row that did not cast, a foreign key not
// found, a resource with foreign keys whose relations were not checked.
func (r *ReaderReport) Problems(fiscal bool) []string {
	var out []string
	add := func(what string, errs []string) {
		for _, e := range errs {
			out = append(out, what+": "+e)
		}
	}
	if !r.Valid {
		out = append(out, "package invalid under its profile "+r.Profile)
	}
	add("package", r.Errors)
	if r.DeclaredProfile != "tabular-data-package" {
		out = append(out, "the descriptor declares profile "+r.DeclaredProfile)
	}
	for _, name := range []string{"tabular-data-package", "fiscal-data-package"} {
		if name == "fiscal-data-package" && !fiscal {
			continue
		}
		p, ok := r.Profiles[name]
		if !ok || !p.Valid {
			out = append(out, "profile "+name+" refuses the descriptor")
		}
		add(name, p.Errors)
	}
	for _, res := range r.Resources {
		if !res.Valid || !res.Tabular || res.Profile != "tabular-data-resource" {
			out = append(out, "resource "+res.Name+": not a valid tabular-data-resource (profile "+res.Profile+")")
		}
		add("resource "+res.Name, res.Errors)
		add("resource "+res.Name+" schema", res.SchemaErrors)
		add("resource "+res.Name+" read", res.ReadErrors)
		if res.Rows == nil && len(res.ReadErrors) == 0 {
			out = append(out, "resource "+res.Name+": no rows read")
		}
	}
	return out
}

// readerDir is exports/testdata/npm, found from this file so that any
// package's test can run the reader.
func readerDir(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("exportstest: cannot locate its own source")
	}
	return filepath.Join(filepath.Dir(file), "..", "testdata", "npm")
}

// ReadWithFrictionlessJS reads a data package (a datapackage.json path, its
// http(s) URL, or a .zip) with the Frictionless JavaScript libraries and
// returns their report. It skips the test when node is not installed, except
// under CI (CI set), where that is a failure. The first run installs the
// pinned packages (npm ci in exports/testdata/npm) when node_modules is absent
// or older than package-lock.json.
func ReadWithFrictionlessJS(t testing.TB, source string) *ReaderReport {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node is not installed: CI must run the Frictionless JavaScript reader (.ci/run installs nodejs and npm)")
		}
		t.Skip("node is not installed, so the Frictionless JavaScript reader is SKIPPED (apt-get install nodejs npm)")
	}
	dir := readerDir(t)
	installReader(t, dir)
	cmd := exec.Command(node, filepath.Join(dir, "read.js"), source)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("read.js %s: still running after 2 minutes\n%s", source, stderr.Bytes())
	}
	if err != nil {
		t.Fatalf("read.js %s: %v\n%s", source, err, stderr.Bytes())
	}
	dec := json.NewDecoder(&stdout)
	dec.UseNumber()
	var r ReaderReport
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("read.js %s: not a report: %v\n%s", source, err, stderr.Bytes())
	}
	return &r
}

// installReader runs npm ci once for all the test processes that want the
// reader at the same time (go test runs packages in parallel), under a lock.
func installReader(t testing.TB, dir string) {
	t.Helper()
	lock, err := os.OpenFile(filepath.Join(dir, ".install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()
	want, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if have, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err == nil && !have.ModTime().Before(want.ModTime()) {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("node is installed but npm is not: cannot install the reader's packages (apt-get install npm, then npm ci in %s)", dir)
	}
	cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, strings.TrimSpace(string(out)))
	}
}
