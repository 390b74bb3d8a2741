package handlers_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// Eight uploaders and four publishers at once, on the same regions and
// departments (new regions, new departments, new drafts, the same drafts,
// the same datasets): no answer is a 5xx, nothing is published twice, and
// every dataset's releases are numbered 1…n without a gap. On MySQL this is
// where deadlocks (1213) and duplicate region rows, dataset ids and release
// numbers (1062) used to answer 500.
func TestConcurrency_UploadersAndPublishersNever5xx(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		const uploaders, publishers, rounds = 8, 4, 6
		var uploads, publishes, fives, conflicts atomic.Int64
		var mu sync.Mutex
		var failures []string
		fail := func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			if len(failures) < 10 {
				failures = append(failures, fmt.Sprintf(format, args...))
			}
		}
		ctx, stop := context.WithCancel(context.Background())
		var pubs sync.WaitGroup
		for p := 0; p < publishers; p++ {
			pubs.Add(1)
			go func() {
				defer pubs.Done()
				for ctx.Err() == nil {
					drafts, err := s.Filings(context.Background(), store.FilingFilter{Statuses: []models.Status{models.StatusDraft}, Limit: 50})
					if err != nil {
						fail("list drafts: %v", err)
						return
					}
					for _, f := range drafts {
						req := httptest.NewRequest("POST", fmt.Sprintf("/api/v1/filings/%d/publish", f.ID), strings.NewReader(`{"note":"更正"}`))
						req.Header.Set("Authorization", "Bearer "+a.admin)
						req.Header.Set("Content-Type", "application/json")
						w := httptest.NewRecorder()
						a.h.ServeHTTP(w, req)
						switch {
						case w.Code >= 500:
							fives.Add(1)
							fail("publish %d: %d %s", f.ID, w.Code, w.Body)
						case w.Code == 200:
							publishes.Add(1)
						case w.Code == 409:
							conflicts.Add(1) // published a moment ago by another publisher
						default:
							fail("publish %d: %d %s", f.ID, w.Code, w.Body)
						}
					}
					time.Sleep(time.Millisecond)
				}
			}()
		}
		var ups sync.WaitGroup
		for u := 0; u < uploaders; u++ {
			ups.Add(1)
			go func() {
				defer ups.Done()
				for r := 0; r < rounds; r++ {
					// Every uploader writes into the round's new region and three of its
					// four departments, overlapping the others.
					region := fmt.Sprintf("9902%02d", r)
					var b strings.Builder
					b.WriteString("区划代码,区划名称,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n")
					for d := 0; d < 3; d++ {
						dept := fmt.Sprintf("%03d", (u+d)%4+1)
						fmt.Fprintf(&b, "%s,并发市%d,%s,部门%s,2024,决算,万元,%d.%02d,0,0,8.00,%d.%02d\n", region, r, dept, dept, 8+u+1, r, u+1, r)
					}
					w := a.upload(t, a.admin, fmt.Sprintf("u%d-r%d.csv", u, r), []byte(b.String()), "")
					switch {
					case w.Code >= 500:
						fives.Add(1)
						fail("upload u%d r%d: %d %s", u, r, w.Code, w.Body)
					case w.Code == 200 || w.Code == 201:
						uploads.Add(1)
					default:
						fail("upload u%d r%d: %d %s", u, r, w.Code, w.Body)
					}
				}
			}()
		}
		ups.Wait()
		time.Sleep(200 * time.Millisecond) // the publishers catch up with the last drafts
		stop()
		pubs.Wait()
		t.Logf("%s: %d uploads, %d publications (%d already published by another publisher), %d answers 5xx",
			s.Config().Driver, uploads.Load(), publishes.Load(), conflicts.Load(), fives.Load())
		for _, f := range failures {
			t.Error(f)
		}
		if fives.Load() != 0 || uploads.Load() != uploaders*rounds || publishes.Load() == 0 {
			t.Fatalf("%d uploads of %d, %d publications, %d answers 5xx", uploads.Load(), uploaders*rounds, publishes.Load(), fives.Load())
		}
		// One published version per key, and releases numbered without a gap.
		ds, err := s.Datasets(context.Background(), store.DatasetFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			rels, err := s.Releases(context.Background(), d.ID)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range rels {
				if r.Number != len(rels)-i {
					t.Fatalf("%s: releases %d numbered with a gap or twice", d.ID, len(rels))
				}
			}
			if d.LatestRelease != len(rels) {
				t.Fatalf("%s: latest %d of %d releases", d.ID, d.LatestRelease, len(rels))
			}
		}
		published, err := s.Filings(context.Background(), store.FilingFilter{Statuses: []models.Status{models.StatusPublished}, Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[models.FilingKey]bool{}
		for _, f := range published {
			if seen[f.FilingKey] {
				t.Fatalf("%+v published twice", f.FilingKey)
			}
			seen[f.FilingKey] = true
		}
	})
}
