package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"sync/atomic"
	"time"

	"sunshine/models"
	"sunshine/store"
)

// Pending uploads: a desk upload refused only because the filing's fields
// are missing or contradict the document (a PDF prints no region or
// department code) is kept, so the clerk confirms the fields on the result
// page without choosing the file again (POST /desk/upload/confirm runs it
// again with them).
//
// The file is kept in the database (desk_pending, migration 00016), so that
// the confirmation may reach any replica, with its name, kind and time. The
// result page's form carries a random id (256 bits); the row is keyed by
// SHA-256 of the session's key and that id, so the id is worthless in
// another session — which cannot name the row, let alone read it — and the
// session appears only as a tag derived from its key. A pending upload is
// removed once used, at sign-out, and an hour after it was kept; a session
// keeps at most pendingPerSession of them and the service at most
// pendingMax (then the clerk is asked to choose the file again). Each upload
// is at most the desk's upload limit. To be run again it is written back to
// a temporary file of the upload temp dir, removed after the run.
const (
	pendingTTL        = time.Hour
	pendingPerSession = 3
	pendingMax        = 200
)

// errNoPending is a pending id that names nothing in this session (used,
// expired, another session's, or never issued).
var errNoPending = models.Errorf(models.ENOTFOUND, "暂存的文件不存在或已过期（文件只暂存一小时，确认后即删除）：请回到上传台重新选择文件上传")

type pendingUploads struct {
	st        *store.Store
	tempDir   string
	now       func() time.Time
	lastSweep atomic.Int64 // UnixNano of the last sweep
}

// pendingMeta is what is kept with a pending upload's bytes.
type pendingMeta struct {
	Name string
	Kind string
}

func newPendingUploads(st *store.Store, tempDir string, now func() time.Time) *pendingUploads {
	if tempDir == "" {
		tempDir = os.TempDir()
	}
	return &pendingUploads{st: st, tempDir: tempDir, now: now}
}

// pendingSessionTag names a session's pending uploads without naming the session.
func pendingSessionTag(sessKey string) string {
	sum := sha256.Sum256([]byte("pending-session\x00" + sessKey))
	return hex.EncodeToString(sum[:16])
}

// pendingKey is the key of a session's pending upload id.
func pendingKey(sessKey, id string) string {
	sum := sha256.Sum256([]byte("pending-upload\x00" + sessKey + "\x00" + id))
	return hex.EncodeToString(sum[:])
}

// keep stores the file at path (a spooled upload) for the session and
// returns its id; the file at path is removed once it is kept.
func (p *pendingUploads) keep(ctx context.Context, sessKey, path, name, kind string) (string, error) {
	id := randomToken()
	err := p.st.PutPending(ctx, store.PendingUpload{IDHash: pendingKey(sessKey, id), SessionTag: pendingSessionTag(sessKey),
		Name: name, Kind: kind}, path, pendingTTL, pendingPerSession, pendingMax)
	if err != nil {
		return "", err
	}
	os.Remove(path)
	return id, nil
}

// open writes the session's pending upload id back to a temporary file and
// returns its path (the caller removes it) and what was kept with it;
// errNoPending when there is none.
func (p *pendingUploads) open(ctx context.Context, sessKey, id string) (string, pendingMeta, error) {
	var m pendingMeta
	if len(id) < 32 || len(id) > 64 {
		return "", m, errNoPending
	}
	kept, err := p.st.Pending(ctx, pendingKey(sessKey, id), pendingTTL)
	if models.ErrorCode(err) == models.ENOTFOUND {
		return "", m, errNoPending
	}
	if err != nil {
		return "", m, err
	}
	f, err := os.CreateTemp(p.tempDir, "sunshine-desk-pending-*")
	if err != nil {
		return "", m, err
	}
	err = p.st.CopyPending(ctx, kept, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", m, err
	}
	return f.Name(), pendingMeta{Name: kept.Name, Kind: kept.Kind}, nil
}

// sweep deletes the expired pending uploads when no desk request has done
// so for deskPurgeEvery (every keep does too), so that a kept file does not
// outlive its hour by much while the desk is in use.
func (p *pendingUploads) sweep(ctx context.Context) {
	now := p.now().UnixNano()
	last := p.lastSweep.Load()
	if now-last < int64(deskPurgeEvery) || !p.lastSweep.CompareAndSwap(last, now) {
		return
	}
	_ = p.st.DeleteExpiredPending(ctx, pendingTTL) // a failure only delays the sweep
}

// remove deletes a session's pending upload (once used).
func (p *pendingUploads) remove(ctx context.Context, sessKey, id string) error {
	return p.st.DeletePending(ctx, pendingKey(sessKey, id))
}

// endSession deletes every pending upload of a session (at sign-out).
func (p *pendingUploads) endSession(ctx context.Context, sessKey string) error {
	return p.st.DeletePendingSession(ctx, pendingSessionTag(sessKey))
}
