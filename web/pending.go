package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sunshine/models"
)

// Pending uploads: a desk upload refused only because the filing's fields
// are missing or contradict the document (a PDF prints no region or
// department code) is kept on the server, so the clerk confirms the fields
// on the result page without choosing the file again
// (POST /desk/upload/confirm runs it again with them).
//
// The file is moved, as uploaded, into a directory of the upload temp dir
// (sunshine-desk-pending, mode 0700), with a small JSON file beside it (its
// name, kind and time). The result page's form carries a random id (256
// bits); the files are named after SHA-256 of the session's key and that
// id, so the id is worthless in another session — which cannot name the
// file, let alone read it — and nothing on disk names the session. A
// pending upload is removed once used, at sign-out, and an hour after it
// was kept; a session keeps at most pendingPerSession of them and the
// directory at most pendingMax (then the clerk is asked to choose the file
// again). Each upload is at most the desk's upload limit. The directory is
// this process's: behind several replicas a confirmation that reaches
// another one finds nothing and asks for the file again.
const (
	pendingTTL        = time.Hour
	pendingPerSession = 3
	pendingMax        = 200
	pendingDirName    = "sunshine-desk-pending"
)

// errNoPending is a pending id that names nothing in this session (used,
// expired, another session's, or never issued).
var errNoPending = models.Errorf(models.ENOTFOUND, "暂存的文件不存在或已过期（文件只暂存一小时，确认后即删除）：请回到上传台重新选择文件上传")

type pendingUploads struct {
	dir       string
	now       func() time.Time
	mu        sync.Mutex
	lastSweep atomic.Int64 // UnixNano of the last sweep
}

// pendingMeta is what is kept beside a pending upload's bytes.
type pendingMeta struct {
	Name    string    `json:"name"`
	Kind    string    `json:"kind"`
	Created time.Time `json:"created"`
}

func newPendingUploads(tempDir string, now func() time.Time) *pendingUploads {
	if tempDir == "" {
		tempDir = os.TempDir()
	}
	return &pendingUploads{dir: filepath.Join(tempDir, pendingDirName), now: now}
}

// sessionTag is the prefix of a session's pending files.
func pendingSessionTag(sessKey string) string {
	sum := sha256.Sum256([]byte("pending-session\x00" + sessKey))
	return hex.EncodeToString(sum[:16])
}

// base is the path, without extension, of a session's pending upload id.
func (p *pendingUploads) base(sessKey, id string) string {
	sum := sha256.Sum256([]byte("pending-upload\x00" + sessKey + "\x00" + id))
	return filepath.Join(p.dir, pendingSessionTag(sessKey)+"-"+hex.EncodeToString(sum[:]))
}

// keep moves the file at path (a spooled upload) into the pending directory
// for the session and returns its id; the file is no longer at path then.
func (p *pendingUploads) keep(sessKey, path, name, kind string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return "", err
	}
	live := p.scan()
	entries := len(live)
	// The session's oldest go first beyond its share; the directory is full at pendingMax.
	tag := pendingSessionTag(sessKey) + "-"
	var mine []pendingEntry
	for _, e := range live {
		if strings.HasPrefix(filepath.Base(e.base), tag) {
			mine = append(mine, e)
		}
	}
	for len(mine) >= pendingPerSession {
		removePending(mine[0].base)
		mine = mine[1:]
		entries--
	}
	if entries >= pendingMax {
		return "", errors.New("desk: too many pending uploads")
	}
	id := randomToken()
	b := p.base(sessKey, id)
	meta, err := json.Marshal(pendingMeta{Name: name, Kind: kind, Created: p.now()})
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(b+".json", meta, 0o600); err != nil {
		return "", err
	}
	if err := moveFile(path, b+".bin"); err != nil {
		removePending(b)
		return "", err
	}
	return id, nil
}

// open returns the path of the session's pending upload id and what was
// kept of it; errNoPending when there is none.
func (p *pendingUploads) open(sessKey, id string) (string, pendingMeta, error) {
	var m pendingMeta
	if len(id) < 32 || len(id) > 64 {
		return "", m, errNoPending
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.scan()
	b := p.base(sessKey, id)
	raw, err := os.ReadFile(b + ".json")
	if err != nil {
		return "", m, errNoPending
	}
	if json.Unmarshal(raw, &m) != nil || p.expired(m.Created) {
		removePending(b)
		return "", m, errNoPending
	}
	if fi, err := os.Stat(b + ".bin"); err != nil || !fi.Mode().IsRegular() {
		removePending(b)
		return "", m, errNoPending
	}
	return b + ".bin", m, nil
}

// sweep deletes the expired pending uploads when no desk request has done
// so for deskPurgeEvery (every keep and open does too), so that a kept file
// does not outlive its hour by much while the desk is in use.
func (p *pendingUploads) sweep() {
	now := p.now().UnixNano()
	last := p.lastSweep.Load()
	if now-last < int64(deskPurgeEvery) || !p.lastSweep.CompareAndSwap(last, now) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.scan()
}

// remove deletes a session's pending upload (once used).
func (p *pendingUploads) remove(sessKey, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	removePending(p.base(sessKey, id))
}

// endSession deletes every pending upload of a session (at sign-out).
func (p *pendingUploads) endSession(sessKey string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	matches, _ := filepath.Glob(filepath.Join(p.dir, pendingSessionTag(sessKey)+"-*.json"))
	for _, m := range matches {
		removePending(strings.TrimSuffix(m, ".json"))
	}
}

func (p *pendingUploads) expired(created time.Time) bool {
	now := p.now()
	return now.Sub(created) >= pendingTTL || created.After(now.Add(time.Minute))
}

type pendingEntry struct {
	base    string
	created time.Time
}

// scan deletes the expired pending uploads (and stray halves) and lists
// the live ones, the oldest first; the caller holds p.mu.
func (p *pendingUploads) scan() []pendingEntry {
	des, err := os.ReadDir(p.dir)
	if err != nil {
		return nil
	}
	var live []pendingEntry
	for _, de := range des {
		name := de.Name()
		b := filepath.Join(p.dir, strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".bin"))
		switch {
		case strings.HasSuffix(name, ".json"):
			var m pendingMeta
			raw, err := os.ReadFile(b + ".json")
			if err != nil || json.Unmarshal(raw, &m) != nil || p.expired(m.Created) {
				removePending(b)
				continue
			}
			if _, err := os.Stat(b + ".bin"); err != nil {
				removePending(b)
				continue
			}
			live = append(live, pendingEntry{base: b, created: m.Created})
		case strings.HasSuffix(name, ".bin"):
			if _, err := os.Stat(b + ".json"); err != nil {
				if fi, err := de.Info(); err == nil && p.now().Sub(fi.ModTime()) > time.Minute {
					os.Remove(b + ".bin") // a half written by a keep that failed
				}
			}
		}
	}
	sort.Slice(live, func(i, j int) bool { return live[i].created.Before(live[j].created) })
	return live
}

func removePending(base string) {
	os.Remove(base + ".bin")
	os.Remove(base + ".json")
}

// moveFile renames src to dst, copying when they are on different file systems.
func moveFile(src, dst string) error {
	if err := os.Rename(src, dst); err == nil {
		return os.Chmod(dst, 0o600)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return err
	}
	return os.Remove(src)
}
