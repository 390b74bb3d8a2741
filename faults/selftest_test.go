//go:build faults

package faults

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHarness_NoticesLostAndHalfWrittenData shows that the checks of the
// crash trials can fail: after a clean run it removes a row of an
// acknowledged published version, the 三公 record of an acknowledged draft,
// and truncates a cached release file, and the verification must name all three.
func TestHarness_NoticesLostAndHalfWrittenData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bin := builtBin
	dbPath := filepath.Join(dir, "sunshine.db")
	d := newDeployment(t, bin, "sqlite:"+dbPath, dir)
	w := newWorld(t, d)
	srv := d.start(t, d.cacheDir)
	var pub, draft *slot
	for try := 0; try < 10 && (pub == nil || draft == nil); try++ {
		w.drive(ctx, func() { time.Sleep(1500 * time.Millisecond) })
		w.verify(ctx) // resolves what the stop left unanswered
		for _, s := range w.slots {
			if s.grp == nil && len(s.pubs) > 0 && s.pubs[len(s.pubs)-1].c.li != "" && pub == nil {
				pub = s
			}
			if s.draft != nil && s.draft.tp != "" && s != pub && draft == nil {
				draft = s
			}
		}
	}
	srv.stop()
	if len(w.st.Failures) > 0 {
		t.Fatalf("a clean run failed: %v", w.st.Failures)
	}
	if pub == nil || draft == nil {
		t.Fatalf("no published version with line items and no draft after the runs: %+v", w.st)
	}

	raw, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		res, err := raw.Exec(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			t.Fatalf("%s %v: nothing changed", q, args)
		}
	}
	exec(`DELETE FROM line_items WHERE rowid = (SELECT MIN(rowid) FROM line_items WHERE filing_id = ?)`, pub.pubs[len(pub.pubs)-1].id)
	exec(`DELETE FROM three_public WHERE filing_id = ?`, draft.draftID)
	raw.Close()
	entries, _ := os.ReadDir(d.cacheDir)
	var cut string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".tmp") {
			cut = filepath.Join(d.cacheDir, e.Name())
			b, _ := os.ReadFile(cut)
			os.WriteFile(cut, b[:len(b)/2], 0o644)
			break
		}
	}
	if cut == "" {
		t.Fatal("the cache directory is empty")
	}

	srv = d.start(t, d.cacheDir)
	defer srv.stop()
	w.verify(ctx)
	all := strings.Join(w.st.Failures, "\n")
	for _, want := range []string{pub.name + ": published version", draft.name + ": draft holds", filepath.Base(cut)} {
		if !strings.Contains(all, want) {
			t.Errorf("the verification did not notice %q; it found:\n%s", want, all)
		}
	}
	t.Logf("the verification found, as it should:\n%s", all)
}
