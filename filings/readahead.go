package filings

import (
	"errors"
	"io"
	"sync"

	"sunshine/ingest"
)

// readAhead parses a file on its own goroutine and hands the records over in
// batches, so that parsing (Go code) runs on one core while the database
// writes run on the other. Records stop flowing at the first parse finding —
// the file will be refused — but reading goes on to report every problem.
type readAhead struct {
	batches  chan []ingest.Record
	quit     chan struct{}
	finished chan struct{}
	stopOnce sync.Once
	// rows and err are written by the reader goroutine and read after finished is closed.
	rows int
	err  error
}

const readAheadBatch = 1000

func startReadAhead(rd ingest.Reader, progress ProgressFunc) *readAhead {
	ra := &readAhead{batches: make(chan []ingest.Record, 4), quit: make(chan struct{}), finished: make(chan struct{})}
	go ra.run(rd, progress)
	return ra
}

func (ra *readAhead) run(rd ingest.Reader, progress ProgressFunc) {
	defer close(ra.finished)
	defer close(ra.batches)
	batch := make([]ingest.Record, 0, readAheadBatch)
	send := func() bool {
		select {
		case ra.batches <- batch:
			batch = make([]ingest.Record, 0, readAheadBatch)
			return true
		case <-ra.quit:
			return false
		}
	}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ra.err = err
			return
		}
		ra.rows++
		if progress != nil && ra.rows%5000 == 0 {
			progress(ra.rows)
		}
		if len(rd.Findings()) > 0 {
			batch = batch[:0]
			continue
		}
		if batch = append(batch, rec); len(batch) == readAheadBatch && !send() {
			return
		}
	}
	if len(batch) > 0 && len(rd.Findings()) == 0 && !send() {
		return
	}
	if progress != nil {
		progress(ra.rows)
	}
}

// wait blocks until the reader is done and returns its row count and I/O error.
func (ra *readAhead) wait() (rows int, err error) {
	<-ra.finished
	return ra.rows, ra.err
}

// stop ends the reader early (the writer failed) and waits for it; calling it again is harmless.
func (ra *readAhead) stop() {
	ra.stopOnce.Do(func() { close(ra.quit) })
	<-ra.finished
}
