package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// Kept desk uploads: read back whole (three pieces), at most perSession per
// session (the oldest goes), at most maxAll in all, gone after the TTL, by
// session at sign-out and once used.
func TestPending_KeptReadBackCappedAndExpired(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := storetest.NewClock()
		s.Now = clock.Now
		data := bytes.Repeat([]byte("0123456789abcdef"), 160_000) // 2.4 MiB: three pieces
		path := func() string {
			p := filepath.Join(t.TempDir(), "f.pdf")
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		keep := func(id, session string, maxAll int) error {
			return s.PutPending(ctx, store.PendingUpload{IDHash: id, SessionTag: session, Name: "预算.pdf", Kind: "pdf"}, path(), time.Hour, 2, maxAll)
		}
		for _, id := range []string{"a1", "a2"} {
			if err := keep(id, "A", 10); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Minute)
		}
		p, err := s.Pending(ctx, "a1", time.Hour)
		if err != nil || p.Name != "预算.pdf" || p.Size != int64(len(data)) {
			t.Fatalf("kept: %+v %v", p, err)
		}
		var back bytes.Buffer
		if err := s.CopyPending(ctx, p, &back); err != nil || !bytes.Equal(back.Bytes(), data) {
			t.Fatalf("read back %d bytes of %d: %v", back.Len(), len(data), err)
		}
		// A third for session A pushes out its oldest; session B is full at maxAll.
		if err := keep("a3", "A", 10); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Pending(ctx, "a1", time.Hour); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("the session's oldest is still kept: %v", err)
		}
		if err := keep("b1", "B", 2); err != store.ErrPendingFull {
			t.Errorf("beyond the service's cap: %v", err)
		}
		if n, pieces, err := s.CountPending(ctx); err != nil || n != 2 || pieces != 6 {
			t.Fatalf("kept %d (%d pieces), %v; want 2 (6)", n, pieces, err)
		}
		// An hour later a2 is gone (a3 too, a minute after); sign-out and use remove the rest.
		clock.Advance(59*time.Minute + time.Second)
		if _, err := s.Pending(ctx, "a2", time.Hour); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("a2 after its hour: %v", err)
		}
		if err := s.DeleteExpiredPending(ctx, time.Hour); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := s.CountPending(ctx); n != 1 {
			t.Fatalf("after the sweep: %d kept, want 1 (a3)", n)
		}
		if err := keep("b1", "B", 10); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePendingSession(ctx, "A"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePending(ctx, "b1"); err != nil {
			t.Fatal(err)
		}
		if n, pieces, err := s.CountPending(ctx); err != nil || n != 0 || pieces != 0 {
			t.Fatalf("after sign-out and use: %d (%d pieces), %v", n, pieces, err)
		}
	})
}
