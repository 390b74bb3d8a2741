package filings

import (
	"runtime"
	"sync"

	"sunshine/checks"
	"sunshine/models"
)

// prechecker is a checker session that can check a draft while the upload is
// still writing: the rules read nothing but the draft and what the published
// view holds, and the published filings do not change inside the upload's
// transaction. Prefetch runs on the transaction's goroutine and reads what the
// rules will ask about a draft of key; CheckCached runs anywhere and answers
// ok = false when the rules asked for anything that was not read before.
type prechecker interface {
	Prefetch(key models.FilingKey) error
	CheckCached(draft *checks.Filing) (findings []models.Finding, ok bool)
}

// precheck checks the drafts an upload creates from nothing on their own
// goroutines as soon as the file moves on to another filing, so that the
// rules run beside the inserts instead of after them. A file that names a
// filing again after moving on (rows of one department in two places) makes
// that draft stale; it is checked at the end with the rest, as are the drafts
// the workers had no room for. What the workers found is only used for drafts
// whose content they saw whole.
type precheck struct {
	chk  prechecker
	jobs chan *checks.Filing
	wg   sync.WaitGroup
	once sync.Once

	mu   sync.Mutex
	done map[int64][]models.Finding // written by the workers

	// Kept by the writer's goroutine alone.
	sent  map[int64]bool // drafts handed to a worker
	stale map[int64]bool // of those, drafts the file named again after
}

// precheckQueue is how many finished drafts may wait for a worker; past it the
// writer does not wait, the draft is checked at the end instead.
const precheckQueue = 64

func startPrecheck(chk prechecker) *precheck {
	p := &precheck{chk: chk, jobs: make(chan *checks.Filing, precheckQueue), done: map[int64][]models.Finding{},
		sent: map[int64]bool{}, stale: map[int64]bool{}}
	// The writer and the file's reader keep a core busy each; one worker fits
	// beside them on two cores, more on bigger machines.
	for range max(1, runtime.GOMAXPROCS(0)-1) {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for d := range p.jobs {
				if fs, ok := p.chk.CheckCached(d); ok {
					p.mu.Lock()
					p.done[d.ID] = fs
					p.mu.Unlock()
				}
			}
		}()
	}
	return p
}

// offer hands a finished draft to a worker when one has room; it reports
// whether the draft was taken (its content then belongs to the worker).
func (p *precheck) offer(d *checks.Filing) bool {
	select {
	case p.jobs <- d:
		p.sent[d.ID] = true
		return true
	default:
		return false
	}
}

// reopened notes that the file named a draft again after it was handed over.
func (p *precheck) reopened(id int64) {
	if p.sent[id] {
		p.stale[id] = true
	}
}

// stop ends the workers and waits for them.
func (p *precheck) stop() {
	p.once.Do(func() { close(p.jobs) })
	p.wg.Wait()
}

// results waits for the workers and returns the findings of every draft they
// checked whole, by filing id.
func (p *precheck) results() map[int64][]models.Finding {
	p.stop()
	for id := range p.stale {
		delete(p.done, id)
	}
	return p.done
}
