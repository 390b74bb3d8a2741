package docs

import (
	"bufio"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestArchitecture_ImportTableMatchesGoList keeps docs/architecture.md's
// package table true: each row's imports column lists exactly the project
// packages that package imports (go list's Imports, tests excluded), and
// every project package with non-test code has a row, apart from the
// development tools named below.
func TestArchitecture_ImportTableMatchesGoList(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "nomsgpack", "-f", "{{.ImportPath}} {{join .Imports \",\"}}", "sunshine/...").Output()
	if err != nil {
		t.Skipf("go list: %v", err) // no go command beside the test binary
	}
	actual := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		pkg = strings.TrimPrefix(pkg, "sunshine")
		pkg = strings.TrimPrefix(pkg, "/")
		var own []string
		for _, imp := range strings.Split(imports, ",") {
			if rest, ok := strings.CutPrefix(imp, "sunshine/"); ok {
				own = append(own, rest)
			}
		}
		slices.Sort(own)
		actual[pkg] = own
	}

	f, err := os.Open("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	documented := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 {
			continue
		}
		pkg := strings.TrimSuffix(strings.Trim(strings.TrimSpace(cells[1]), "`"), "/")
		col := strings.TrimSpace(cells[len(cells)-2])
		var listed []string
		if !strings.HasPrefix(col, "—") && col != "stdlib only" {
			for _, name := range strings.Split(col, ",") {
				listed = append(listed, strings.TrimSpace(name))
			}
		}
		slices.Sort(listed)
		documented[pkg] = true
		got, ok := actual[pkg]
		if !ok {
			if !strings.HasPrefix(col, "—") { // a test-only package has no non-test imports to compare
				t.Errorf("architecture.md has a row for %s, which go list does not know", pkg)
			}
			continue
		}
		if !slices.Equal(listed, got) {
			t.Errorf("architecture.md: %s imports %v, go list says %v", pkg, listed, got)
		}
	}
	tools := map[string]bool{"bench": true, "faults": true, "reliability": true, "checks/checkstest": true}
	for pkg := range actual {
		if !documented[pkg] && !tools[pkg] {
			t.Errorf("package %s has no row in architecture.md's package table", pkg)
		}
	}
}
