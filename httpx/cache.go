package httpx

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// FileCache keeps generated release files on disk. A release never changes,
// so the bytes generated for one (release, file, options, base URL) are good
// forever: the first request streams them to the client and into the cache
// at once, later ones are served from the file like static content (with
// Range and conditional requests). A nil *FileCache caches nothing.
type FileCache struct {
	dir string
	mem memFiles
}

// NewFileCache uses dir (created when missing) for cached release files.
// Temporary files a killed process left behind (never renamed into place,
// so never served) are removed.
func NewFileCache(dir string) (*FileCache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	stale, err := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if err != nil {
		return nil, err
	}
	for _, name := range stale {
		_ = os.Remove(name) // another replica's file in progress only loses its caching
	}
	return &FileCache{dir: dir}, nil
}

// Serve answers from the cache when it holds key; the caller has set the headers.
func (fc *FileCache) Serve(w http.ResponseWriter, r *http.Request, key string) bool {
	if fc == nil {
		return false
	}
	if b, ok := fc.mem.get(key); ok {
		writeWhole(w, r, b)
		return true
	}
	f, err := os.Open(filepath.Join(fc.dir, key))
	if err != nil {
		return false
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() <= memFileMax {
		if b, err := io.ReadAll(f); err == nil {
			fc.mem.put(key, b)
			writeWhole(w, r, b)
			return true
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return false
		}
	}
	http.ServeContent(w, r, "", time.Time{}, f)
	return true
}

// Small release files — a department's or a region's CSV, the
// datapackage.json — are also kept in memory, up to memTotalMax in all, and
// written in one call with their length: served from the file through the
// router's response writers (no sendfile) they came at 0.3–0.4 of nginx's
// rate for the same bytes, spending half their time in read and write calls
// of 32 KB (make bench, docs/benchmarks.md).
const (
	memFileMax  = 1 << 20
	memTotalMax = 32 << 20
)

type memFiles struct {
	mu   sync.Mutex
	m    map[string][]byte
	size int
}

func (mf *memFiles) get(key string) ([]byte, bool) {
	mf.mu.Lock()
	defer mf.mu.Unlock()
	b, ok := mf.m[key]
	return b, ok
}

// put keeps b; when the total would pass memTotalMax it starts afresh, which
// bounds the memory without bookkeeping (the files stay on disk).
func (mf *memFiles) put(key string, b []byte) {
	mf.mu.Lock()
	defer mf.mu.Unlock()
	if mf.m == nil || mf.size+len(b) > memTotalMax {
		mf.m, mf.size = map[string][]byte{}, 0
	}
	mf.m[key] = b
	mf.size += len(b)
}

// writeWhole answers with b: in one write with its length, or through
// http.ServeContent when the client asks for a range.
func writeWhole(w http.ResponseWriter, r *http.Request, b []byte) {
	if r.Header.Get("Range") != "" {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// Tee returns a writer that sends to w and, when the cache is on, to a
// temporary file; finish(true) puts the file in place, finish(false) drops it
// (the client went away, or generating failed, so the bytes are not whole).
func (fc *FileCache) Tee(key string, w io.Writer) (io.Writer, func(ok bool)) {
	if fc == nil {
		return w, func(bool) {}
	}
	tmp, err := os.CreateTemp(fc.dir, key+".*.tmp")
	if err != nil {
		return w, func(bool) {}
	}
	return io.MultiWriter(w, tmp), func(ok bool) {
		// On disk before it is renamed into place: after a power cut a cached
		// file is whole or absent, never short.
		err := tmp.Sync()
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if ok && err == nil && os.Rename(tmp.Name(), filepath.Join(fc.dir, key)) == nil {
			return
		}
		os.Remove(tmp.Name())
	}
}
