package handlers

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// FileCache keeps generated release files on disk. A release never changes,
// so the bytes generated for one (release, file, options, base URL) are good
// forever: the first request streams them to the client and into the cache
// at once, later ones are served from the file like static content (with
// Range and conditional requests). A nil *FileCache caches nothing.
type FileCache struct {
	dir string
}

// NewFileCache uses dir (created when missing) for cached release files.
func NewFileCache(dir string) (*FileCache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &FileCache{dir: dir}, nil
}

// serve answers from the cache when it holds key; the caller has set the headers.
func (fc *FileCache) serve(w http.ResponseWriter, r *http.Request, key string) bool {
	if fc == nil {
		return false
	}
	f, err := os.Open(filepath.Join(fc.dir, key))
	if err != nil {
		return false
	}
	defer f.Close()
	http.ServeContent(w, r, "", time.Time{}, f)
	return true
}

// tee returns a writer that sends to w and, when the cache is on, to a
// temporary file; finish(true) puts the file in place, finish(false) drops it
// (the client went away, or generating failed, so the bytes are not whole).
func (fc *FileCache) tee(key string, w io.Writer) (io.Writer, func(ok bool)) {
	if fc == nil {
		return w, func(bool) {}
	}
	tmp, err := os.CreateTemp(fc.dir, key+".*.tmp")
	if err != nil {
		return w, func(bool) {}
	}
	return io.MultiWriter(w, tmp), func(ok bool) {
		err := tmp.Close()
		if ok && err == nil && os.Rename(tmp.Name(), filepath.Join(fc.dir, key)) == nil {
			return
		}
		os.Remove(tmp.Name())
	}
}
