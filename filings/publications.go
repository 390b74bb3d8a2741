package filings

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"sunshine/models"
	"sunshine/store"
)

// Publication is one act of publishing a set of drafts (models.Publication).
type Publication = models.Publication

// Selection names the drafts of a publication act: Filings by id, or every
// clean draft (no error finding) of Region × Year × Phase.
type Selection struct {
	Filings []int64
	Region  string
	Year    int
	Phase   models.Phase
}

// MaxPublicationDrafts caps the drafts of one act: a region's departments, with room to spare.
const MaxPublicationDrafts = 5000

// resolve turns a selection into draft ids: sorted, without repeats.
func (s *Service) resolve(ctx context.Context, sel Selection) ([]int64, error) {
	byRegion := sel.Region != "" || sel.Year != 0 || sel.Phase != ""
	switch {
	case byRegion && len(sel.Filings) > 0:
		return nil, models.Errorf(models.EINVALID, "请只给出 filings（草稿编号）或 region、year、phase 之一")
	case byRegion:
		if models.ValidateRegionCode(sel.Region) != nil || sel.Year == 0 || !sel.Phase.Valid() {
			return nil, models.Errorf(models.EINVALID, "按区划公开需要 region（6 位区划代码）、year 和 phase（budget 或 final）")
		}
		ids, err := s.Store.CleanDrafts(ctx, sel.Region, sel.Year, sel.Phase)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, models.Errorf(models.EINVALID, "区划 %s %d 年%s没有可公开的草稿（没有错误的草稿）", sel.Region, sel.Year, sel.Phase.Chinese())
		}
		return ids, nil
	}
	if len(sel.Filings) == 0 {
		return nil, models.Errorf(models.EINVALID, "没有要公开的草稿：请给出 filings（草稿编号）或 region、year、phase")
	}
	ids := slices.Clone(sel.Filings)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > MaxPublicationDrafts {
		return nil, models.Errorf(models.EINVALID, "一次最多公开 %d 份草稿（给出了 %d 份）", MaxPublicationDrafts, len(ids))
	}
	return ids, nil
}

// PublishSet publishes a set of clean drafts in one act with one note, all or
// nothing: a draft with an error finding refuses the whole set with a
// *BlockedError naming every such draft; a draft that is not one (ECONFLICT),
// a correction without a note (EINVALID) or a draft the actor may not publish
// (EFORBIDDEN) likewise. The act makes one release per dataset it touches.
// Only an admin acts on sets (MayPublishSets); the command line and the demo may.
func (s *Service) PublishSet(ctx context.Context, ids []int64, actor Actor, note string) (Publication, error) {
	return s.publishNow(ctx, Selection{Filings: ids}, actor, note)
}

// PublishSelection is PublishSet for a selection (ids, or a region-year-phase).
func (s *Service) PublishSelection(ctx context.Context, sel Selection, actor Actor, note string) (Publication, error) {
	return s.publishNow(ctx, sel, actor, note)
}

func (s *Service) publishNow(ctx context.Context, sel Selection, actor Actor, note string) (Publication, error) {
	if actor.Token != nil && !MayPublishSets(actor.Token) {
		return Publication{}, models.Errorf(models.EFORBIDDEN, "只有管理员可以成批公开")
	}
	ids, err := s.resolve(ctx, sel)
	if err != nil {
		return Publication{}, err
	}
	var id int64
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		now := tx.Now()
		p, err := tx.CreatePublication(ctx, models.Publication{State: models.PublicationPublished, Note: note, CreatedBy: actor.Name,
			DoneAt: &now, DoneBy: actor.Name, Filings: ids})
		if err != nil {
			return err
		}
		id = p.ID
		_, _, err = s.publishSet(ctx, tx, p.ID, ids, actor, note, false)
		return err
	})
	if err != nil {
		return Publication{}, err
	}
	return s.Store.Publication(ctx, id)
}

// SchedulePublication stores an act to run at `at` (in the future): the drafts
// are named now (a region-year-phase: its clean drafts now) and judged again
// when it runs, so a draft changed meanwhile is published as it then stands,
// or fails the act when it then has errors.
func (s *Service) SchedulePublication(ctx context.Context, sel Selection, at time.Time, actor Actor, note string) (Publication, error) {
	if actor.Token != nil && !MayPublishSets(actor.Token) {
		return Publication{}, models.Errorf(models.EFORBIDDEN, "只有管理员可以成批公开")
	}
	if now := s.Store.Now(); !at.After(now) {
		return Publication{}, models.Errorf(models.EINVALID, "定时公开的时间 %s 已过（现在是 %s）", at.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	ids, err := s.resolve(ctx, sel)
	if err != nil {
		return Publication{}, err
	}
	var id int64
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		for _, fid := range ids {
			f, err := tx.Filing(ctx, fid)
			if err != nil {
				return err
			}
			if f.Status != models.StatusDraft {
				return models.Errorf(models.ECONFLICT, "申报 %d 的状态是 %s，只有草稿可以公开", fid, f.Status)
			}
			if !s.mayPublish(actor, f) {
				return models.Errorf(models.EFORBIDDEN, "令牌“%s”无权公开部门 %s 的申报", actor.Name, f.DeptCode)
			}
		}
		runAt := at.UTC().Truncate(time.Microsecond)
		var tokenID *int64
		if actor.Token != nil && actor.Token.ID != 0 {
			tokenID = &actor.Token.ID
		}
		p, err := tx.CreatePublication(ctx, models.Publication{State: models.PublicationScheduled, Note: note, RunAt: &runAt,
			CreatedBy: actor.Name, Filings: ids, TokenID: tokenID})
		if err != nil {
			return err
		}
		id = p.ID
		return tx.Audit(ctx, actor.Name, "publication.schedule", fmt.Sprintf("publication:%d", p.ID),
			map[string]any{"filings": ids, "at": runAt, "note": note})
	})
	if err != nil {
		return Publication{}, err
	}
	return s.Store.Publication(ctx, id)
}

// CancelPublication cancels a scheduled act (ECONFLICT once it ran or was cancelled).
func (s *Service) CancelPublication(ctx context.Context, id int64, actor Actor) (Publication, error) {
	if actor.Token != nil && !MayPublishSets(actor.Token) {
		return Publication{}, models.Errorf(models.EFORBIDDEN, "只有管理员可以取消定时公开")
	}
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPublication(ctx, id)
		if err != nil {
			return err
		}
		if p.State != models.PublicationScheduled {
			return models.Errorf(models.ECONFLICT, "公开批次 %d 的状态是 %s，只有等待中的定时公开可以取消", id, p.State)
		}
		if err := tx.FinishPublication(ctx, id, models.PublicationCancelled, actor.Name, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.Name, "publication.cancel", fmt.Sprintf("publication:%d", id), map[string]any{})
	})
	if err != nil {
		return Publication{}, err
	}
	return s.Store.Publication(ctx, id)
}

// RunDuePublications runs every scheduled act whose time has come (the
// store's clock): each publishes its drafts as they stand now, or is marked
// failed with the reason when it cannot (nothing of it is published). It
// returns how many it ran. Two servers on one database may both call it: the
// act's row is locked and its state checked first, so each act runs once.
func (s *Service) RunDuePublications(ctx context.Context) (int, error) {
	ids, err := s.Store.DuePublications(ctx, s.Store.Now())
	if err != nil {
		return 0, err
	}
	ran := 0
	for _, id := range ids {
		done, err := s.runPublication(ctx, id)
		if err != nil {
			return ran, err
		}
		if done {
			ran++
		}
	}
	return ran, nil
}

// runPublication runs one due act; false when another server ran or cancelled it first.
func (s *Service) runPublication(ctx context.Context, id int64) (bool, error) {
	ran := false
	var failure error
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		ran, failure = false, nil
		p, err := tx.LockPublication(ctx, id)
		if err != nil {
			return err
		}
		if p.State != models.PublicationScheduled || p.RunAt == nil || p.RunAt.After(tx.Now()) {
			return nil
		}
		ran = true
		actor, err := scheduler(ctx, tx, p)
		if err == nil {
			if err = tx.FinishPublication(ctx, id, models.PublicationPublished, actor.Name, ""); err != nil {
				return err
			}
			_, _, err = s.publishSet(ctx, tx, id, p.Filings, actor, p.Note, true)
		}
		if err != nil && refusal(err) {
			failure = err
		}
		return err
	})
	if failure == nil {
		return ran, err
	}
	// Refused: nothing of the act was stored. Record why, in a transaction of its own.
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPublication(ctx, id)
		if err != nil || p.State != models.PublicationScheduled {
			return err
		}
		if err := tx.FinishPublication(ctx, id, models.PublicationFailed, p.CreatedBy, failure.Error()); err != nil {
			return err
		}
		return tx.Audit(ctx, p.CreatedBy, "publication.fail", fmt.Sprintf("publication:%d", id), map[string]any{"reason": failure.Error()})
	})
	return true, err
}

// scheduler is the actor a scheduled act runs as: the token that scheduled
// it, with its rights as they are now (the command line's acts: the operator).
// A token revoked since, or no longer allowed to publish sets, refuses the act.
func scheduler(ctx context.Context, tx *store.Tx, p models.Publication) (Actor, error) {
	if p.TokenID == nil {
		return Actor{Name: p.CreatedBy}, nil
	}
	tok, err := tx.TokenByID(ctx, *p.TokenID)
	switch {
	case models.ErrorCode(err) == models.ENOTFOUND:
		return Actor{}, models.Errorf(models.EFORBIDDEN, "安排这次定时公开的令牌“%s”已不存在，未公开任何草稿；请重新安排", p.CreatedBy)
	case err != nil:
		return Actor{}, err
	case tok.RevokedAt != nil:
		return Actor{}, models.Errorf(models.EFORBIDDEN, "安排这次定时公开的令牌“%s”已于 %s 吊销，未公开任何草稿；请重新安排",
			tok.Name, tok.RevokedAt.UTC().Format("2006-01-02 15:04 UTC"))
	case !MayPublishSets(&tok):
		return Actor{}, models.Errorf(models.EFORBIDDEN, "安排这次定时公开的令牌“%s”已无权成批公开，未公开任何草稿；请重新安排", tok.Name)
	}
	return Actor{Name: tok.Name, Token: &tok}, nil
}

// refusal reports whether err is the act's own fault (errors in a draft, a
// draft no longer one, no note, no right, a draft gone) rather than the database's.
func refusal(err error) bool {
	var blocked *BlockedError
	if errors.As(err, &blocked) {
		return true
	}
	switch models.ErrorCode(err) {
	case models.ECONFLICT, models.EINVALID, models.EFORBIDDEN, models.ENOTFOUND:
		return true
	}
	return false
}

// RunScheduler runs the due publication acts every `every` until ctx ends
// (serve starts it). An act whose time passed while no server ran, runs at the first tick.
func (s *Service) RunScheduler(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.RunDuePublications(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Error("scheduled publications", "err", err)
		} else if n > 0 {
			log.Info("scheduled publications ran", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// publishSet publishes the drafts ids in tx as the act pubID: each is locked,
// its right and findings judged (after checking it again when recheck) (every draft with errors is named in one
// *BlockedError), then all are published, one release per dataset touched is
// recorded, and the drafts that compare themselves with them are checked again.
func (s *Service) publishSet(ctx context.Context, tx *store.Tx, pubID int64, ids []int64, actor Actor, note string, recheck bool) ([]models.Filing, []store.Release, error) {
	drafts := make([]models.Filing, 0, len(ids))
	var blocked []models.Filing
	var blockedFindings []models.Finding
	for _, id := range ids {
		// Locked first: an upload to this draft running now finishes before
		// its findings are judged here.
		f, err := tx.LockFiling(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		if !s.mayPublish(actor, f) {
			return nil, nil, models.Errorf(models.EFORBIDDEN, "令牌“%s”无权公开部门 %s 的申报", actor.Name, f.DeptCode)
		}
		if f.Status != models.StatusDraft {
			return nil, nil, models.Errorf(models.ECONFLICT, "申报 %d（部门 %s）的状态是 %s，只有草稿可以公开", id, f.DeptCode, f.Status)
		}
		drafts = append(drafts, f)
	}
	// A scheduled act judges its drafts as they stand when it runs: checked
	// again (with the code lists and published filings of now), then judged.
	if recheck && s.Checker != nil {
		if _, err := checkDrafts(ctx, tx, s.session(ctx, tx), drafts, nil, nil, nil, nil); err != nil {
			return nil, nil, err
		}
	}
	for _, f := range drafts {
		findings, err := tx.Findings(ctx, f.ID)
		if err != nil {
			return nil, nil, err
		}
		if r := models.NewReport(findings); !r.Valid {
			blocked = append(blocked, f)
			blockedFindings = append(blockedFindings, findings...)
		}
	}
	if len(blocked) > 0 {
		return nil, nil, &BlockedError{Report: models.NewReport(blockedFindings), Drafts: blocked}
	}
	out := make([]models.Filing, 0, len(drafts))
	changes := make([]store.ReleaseChange, 0, len(drafts))
	for _, f := range drafts {
		pub, err := tx.Publish(ctx, f.ID, actor.Name, note)
		if err != nil {
			if len(drafts) > 1 && models.ErrorCode(err) == models.EINVALID {
				err = models.Errorf(models.EINVALID, "部门 %s（申报 %d）：%s", f.DeptCode, f.ID, models.ErrorMessage(err))
			}
			return nil, nil, err
		}
		action := store.ActionPublish
		if pub.Version > 1 {
			action = store.ActionCorrection
		}
		out = append(out, pub)
		changes = append(changes, store.ReleaseChange{Filing: pub, Action: action})
	}
	rels, err := tx.RecordReleases(ctx, changes, pubID, note, actor.Name)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range out {
		if err := s.recheckDependents(ctx, tx, f); err != nil {
			return nil, nil, err
		}
		if err := tx.Audit(ctx, actor.Name, "publish", fmt.Sprintf("filing:%d", f.ID), map[string]any{
			"region": f.RegionCode, "dept": f.DeptCode, "year": f.FiscalYear, "phase": f.Phase, "version": f.Version, "note": note,
			"publication": pubID}); err != nil {
			return nil, nil, err
		}
	}
	return out, rels, nil
}
