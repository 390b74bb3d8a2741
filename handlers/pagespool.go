package handlers

import (
	"bytes"
	"io"
	"os"
)

// pageSpool holds a page of a feed while it is written, so that its headers
// — the `Link: <…>; rel="next"` its last row decides — go out before its
// body however large the page is. A page is bounded (10,000 rows at most):
// its first spoolMemory bytes stay in memory, the rest goes to a temporary
// file removed on Close, so a large page never sits whole in memory.
type pageSpool struct {
	dir  string // where the temporary file goes; "" is os.TempDir()
	mem  bytes.Buffer
	file *os.File
}

// spoolMemory is how much of a page is held in memory before the rest goes to disk.
const spoolMemory = 1 << 20

func (s *pageSpool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) <= spoolMemory {
		return s.mem.Write(p)
	}
	if s.file == nil {
		f, err := os.CreateTemp(s.dir, "sunshine-page-*")
		if err != nil {
			return 0, err
		}
		s.file = f
		if _, err := s.mem.WriteTo(f); err != nil {
			return 0, err
		}
	}
	return s.file.Write(p)
}

// WriteTo sends the page held so far.
func (s *pageSpool) WriteTo(w io.Writer) (int64, error) {
	if s.file == nil {
		return s.mem.WriteTo(w)
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	return io.Copy(w, s.file)
}

// Close removes the temporary file, if there is one.
func (s *pageSpool) Close() error {
	if s.file == nil {
		return nil
	}
	err := s.file.Close()
	if rerr := os.Remove(s.file.Name()); err == nil {
		err = rerr
	}
	return err
}
