package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// writeBigLineItems writes a valid line-item CSV of n rows spread over many departments.
func writeBigLineItems(t testing.TB, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "region_code,dept_code,dept_name,fiscal_year,phase,unit,table,code,name,column,amount")
	for i := 0; i < n; i++ {
		dept := i / 500
		fmt.Fprintf(w, "431081,%03d,部门%d,2024,budget,元,general_expenditure,2010601,行政运行,total,%d.%02d\n", dept%1000, dept, i, i%100)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestImport_KilledMidTransactionLeavesNothing kills `sunshine import` with
// SIGKILL while its one transaction is open, then checks that the database
// holds nothing of it and that the same file imports cleanly afterwards.
func TestImport_KilledMidTransactionLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 200,000-row file")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "sunshine")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	big := filepath.Join(dir, "big.csv")
	writeBigLineItems(t, big, 200000)
	dbPath := filepath.Join(dir, "s.db")
	db := "sqlite:" + dbPath
	if out, err := exec.Command(bin, "migrate", "--db", db).CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v %s", err, out)
	}

	cmd := exec.Command(bin, "import", "--db", db, big)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond) // inside the transaction: 200,000 rows take longer than this
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	state, _ := cmd.Process.Wait()
	if state.Success() {
		t.Skip("the import finished before it could be killed; the machine is faster than this test assumes")
	}

	raw, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	count := func(q string) int {
		var n int
		if err := raw.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity: %q %v", check, err)
	}
	for _, q := range []string{"SELECT COUNT(*) FROM line_items", "SELECT COUNT(*) FROM filings", "SELECT COUNT(*) FROM uploads", "SELECT COUNT(*) FROM departments"} {
		if n := count(q); n != 0 {
			t.Fatalf("%s = %d after a killed import", q, n)
		}
	}
	raw.Close()

	if out, err := exec.Command(bin, "import", "--db", db, big).CombinedOutput(); err != nil {
		t.Fatalf("import after the kill: %v\n%s", err, out)
	}
	raw2, _ := sql.Open("sqlite", "file:"+dbPath)
	defer raw2.Close()
	var n int
	raw2.QueryRow("SELECT COUNT(*) FROM line_items").Scan(&n)
	if n != 200000 {
		t.Fatalf("line items after import: %d", n)
	}
}
