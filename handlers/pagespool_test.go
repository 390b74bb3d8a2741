package handlers

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// A page larger than spoolMemory goes to a temporary file, comes back byte
// for byte, and leaves nothing behind; a small one never touches the disk.
func TestPageSpool_SpillsToDiskAndCleansUp(t *testing.T) {
	for _, size := range []int{10, spoolMemory, 3*spoolMemory + 17} {
		dir := t.TempDir()
		s := &pageSpool{dir: dir}
		want := bytes.Repeat([]byte("行0123456789"), size/13+1)[:size]
		for rest := want; len(rest) > 0; {
			n := min(len(rest), 4096+len(rest)%7) // uneven writes, as an encoder's flushes are
			if w, err := s.Write(rest[:n]); err != nil || w != n {
				t.Fatalf("size %d: write %d: %d %v", size, n, w, err)
			}
			rest = rest[n:]
		}
		entries, _ := os.ReadDir(dir)
		if spilled := len(entries) == 1 && strings.HasPrefix(entries[0].Name(), "sunshine-page-"); spilled != (size > spoolMemory) {
			t.Errorf("size %d: files in the spool's directory: %v", size, entries)
		}
		var got bytes.Buffer
		if n, err := s.WriteTo(&got); err != nil || n != int64(size) || !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("size %d: read back %d bytes, %v, equal %v", size, n, err, bytes.Equal(got.Bytes(), want))
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("size %d: left behind %v", size, entries)
		}
	}
}
