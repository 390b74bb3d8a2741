package filings

import (
	"context"
	"fmt"
	"strings"

	"sunshine/models"
	"sunshine/store"
)

// The end of a draft's life at the desk: its uploader discards it, or submits
// it for review once it is clean, and an admin publishes the submitted drafts
// from the review queue in one act.

// MayDiscard reports whether t may discard f: f is a draft and t may write
// its department (its uploader's scope, or an admin).
func MayDiscard(t *models.Token, f models.Filing) bool {
	return f.Status == models.StatusDraft && t != nil && t.MayWrite(f.RegionCode, f.DeptCode)
}

// MaySubmit reports whether t may submit f for review: as MayDiscard. Whether
// the draft is clean is Submit's to check.
func MaySubmit(t *models.Token, f models.Filing) bool { return MayDiscard(t, f) }

// Discard deletes a draft and what was uploaded into it, and records it in
// the audit log (action "discard", with what the draft held). A draft the
// actor may not see is ENOTFOUND; a filing that is not a draft ECONFLICT
// (published versions are withdrawn, never discarded).
func (s *Service) Discard(ctx context.Context, id int64, actor Actor) (store.DiscardedDraft, error) {
	var out store.DiscardedDraft
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		f, err := lockVisible(ctx, tx, id, actor)
		if err != nil {
			return err
		}
		if actor.Token != nil && f.Status == models.StatusDraft && !MayDiscard(actor.Token, f) {
			return models.Errorf(models.EFORBIDDEN, "令牌“%s”无权放弃部门 %s 的草稿", actor.Name, f.DeptCode)
		}
		if out, err = tx.DiscardDraft(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.Name, "discard", fmt.Sprintf("filing:%d", id), map[string]any{
			"region": f.RegionCode, "dept": f.DeptCode, "dept_name": f.DeptName, "year": f.FiscalYear, "phase": f.Phase,
			"version": f.Version, "line_items": out.LineItems, "uploads": out.Uploads})
	})
	return out, err
}

// Submit submits a clean draft for review: the admins' queue lists it until it
// is published, discarded, or uploaded into again (then it waits for a new
// submission). A draft with an error finding is refused with a *BlockedError;
// the request (who, when) is stored and audited (action "submit").
func (s *Service) Submit(ctx context.Context, id int64, actor Actor) (store.ReviewRequest, error) {
	var out store.ReviewRequest
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		// Locked: an upload into this draft running now finishes first, and its findings are judged here.
		f, err := lockVisible(ctx, tx, id, actor)
		if err != nil {
			return err
		}
		if f.Status != models.StatusDraft {
			return models.Errorf(models.ECONFLICT, "申报 %d 已不是草稿，不能提交审核", id)
		}
		findings, err := tx.Findings(ctx, id)
		if err != nil {
			return err
		}
		r := models.NewReport(findings)
		if !r.Valid {
			return &BlockedError{Report: r}
		}
		if out, err = tx.SubmitForReview(ctx, id, actor.Name); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.Name, "submit", fmt.Sprintf("filing:%d", id), map[string]any{
			"region": f.RegionCode, "dept": f.DeptCode, "year": f.FiscalYear, "phase": f.Phase, "version": f.Version,
			"warnings": r.Stats.Warnings, "infos": r.Stats.Infos})
	})
	return out, err
}

// PublishQueued publishes drafts chosen from the review queue in one act with
// one note. Every one must still be waiting in the queue — not uploaded into
// since it was submitted, nor published or discarded meanwhile — else the act
// is refused (ECONFLICT, naming them) and nothing is published. Drafts chosen
// beside the queue (also: clean drafts never submitted, as the queue page
// offers them to an admin) join the same act unchecked against the queue.
// Then the drafts are published together: one act, one release per dataset
// touched; a draft with an error refuses the whole act.
func (s *Service) PublishQueued(ctx context.Context, ids, also []int64, actor Actor, note string) (Publication, error) {
	if len(ids)+len(also) == 0 {
		return Publication{}, models.Errorf(models.EINVALID, "请至少勾选一份草稿")
	}
	seen := map[int64]bool{}
	var uniq []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	reqs, err := s.Store.ReviewRequests(ctx, uniq)
	if err != nil {
		return Publication{}, err
	}
	var gone []int64
	for _, id := range uniq {
		if r, ok := reqs[id]; !ok || !r.Current {
			gone = append(gone, id)
		}
	}
	if len(gone) > 0 {
		names := make([]string, len(gone))
		for i, id := range gone {
			names[i] = fmt.Sprint(id)
		}
		return Publication{}, models.Errorf(models.ECONFLICT, "申报 %s 已不在待审核队列中（提交后又重新上传过，或已被公开、放弃），本次没有公开任何申报；请刷新队列后重新勾选",
			strings.Join(names, "、"))
	}
	for _, id := range also {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	return s.publishAll(ctx, uniq, actor, note)
}

// lockVisible locks a filing for the actor's write: a filing the actor's token
// may not see is ENOTFOUND, as if it did not exist.
func lockVisible(ctx context.Context, tx *store.Tx, id int64, actor Actor) (models.Filing, error) {
	f, err := tx.LockFiling(ctx, id)
	if err != nil {
		return f, err
	}
	if actor.Token != nil && !MaySee(actor.Token, f) {
		return models.Filing{}, models.Errorf(models.ENOTFOUND, "申报 %d 不存在", id)
	}
	return f, nil
}
