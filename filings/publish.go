package filings

import (
	"context"
	"fmt"

	"sunshine/models"
	"sunshine/store"
)

// BlockedError refuses publication of a draft whose findings include errors; it carries the report.
type BlockedError struct {
	Report models.Report
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("草稿有 %d 个错误，不能公开；请先更正", e.Report.Stats.Errors)
}

// Publish freezes a draft as the published version of its department-year-phase.
// The draft's findings are checked first: any error refuses it with a
// *BlockedError (ECONFLICT). A version that supersedes an earlier one needs a
// correction note (EINVALID without). Only an admin, or an uploader of the
// department when AllowUploaderPublish is set, may publish (EFORBIDDEN).
func (s *Service) Publish(ctx context.Context, id int64, actor Actor, note string) (models.Filing, error) {
	var out models.Filing
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		// Locked first: an upload to this draft running now finishes before
		// its findings are judged here.
		f, err := tx.LockFiling(ctx, id)
		if err != nil {
			return err
		}
		if !s.mayPublish(actor, f) {
			return models.Errorf(models.EFORBIDDEN, "令牌“%s”无权公开部门 %s 的申报", actor.Name, f.DeptCode)
		}
		findings, err := tx.Findings(ctx, id)
		if err != nil {
			return err
		}
		if r := models.NewReport(findings); !r.Valid {
			return &BlockedError{Report: r}
		}
		prev, err := tx.LatestPublished(ctx, f.FilingKey)
		if err != nil && models.ErrorCode(err) != models.ENOTFOUND {
			return err
		}
		if out, err = tx.Publish(ctx, id, actor.Name, note); err != nil {
			return err
		}
		action := store.ActionPublish
		if out.Version > 1 {
			action = store.ActionCorrection
		}
		if _, err := tx.RecordRelease(ctx, out, prev, action, note, actor.Name, membership(out, prev, action)); err != nil {
			return err
		}
		if err := s.recheckDependents(ctx, tx, out); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.Name, "publish", fmt.Sprintf("filing:%d", id), map[string]any{
			"region": f.RegionCode, "dept": f.DeptCode, "year": f.FiscalYear, "phase": f.Phase, "version": f.Version, "note": note})
	})
	return out, err
}

// Withdraw takes a published filing back with a note (admin only).
func (s *Service) Withdraw(ctx context.Context, id int64, actor Actor, note string) (models.Filing, error) {
	var out models.Filing
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		if actor.Token != nil && !MayWithdraw(actor.Token) {
			return models.Errorf(models.EFORBIDDEN, "只有管理员可以撤回已公开的申报")
		}
		var err error
		if out, err = tx.Withdraw(ctx, id, actor.Name, note); err != nil {
			return err
		}
		if _, err := tx.RecordRelease(ctx, out, models.Filing{}, store.ActionWithdrawal, note, actor.Name, membership(out, models.Filing{}, store.ActionWithdrawal)); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.Name, "withdraw", fmt.Sprintf("filing:%d", id), map[string]any{"note": note})
	})
	return out, err
}

// mayPublish: the command line (no token) may; a token as the policy says.
func (s *Service) mayPublish(a Actor, f models.Filing) bool {
	return a.Token == nil || MayPublish(a.Token, f, s.AllowUploaderPublish)
}

// recheckDependents recomputes the findings of the drafts that compare
// themselves with a filing that was just published (a final with its budget,
// next year's draft with this year's). Peer statistics (count.outlier and the
// peer median of unit.suspect) are refreshed at the next upload to a draft,
// not here: rechecking a whole region on every publication would cost more than
// those warnings are worth.
func (s *Service) recheckDependents(ctx context.Context, tx *store.Tx, f models.Filing) error {
	deps, err := tx.DependentDrafts(ctx, f)
	if err != nil || len(deps) == 0 {
		return err
	}
	_, err = checkDrafts(ctx, tx, s.session(ctx, tx), deps, nil)
	return err
}

// NextMembers is the release-membership rule: the next release of a dataset
// holds the members of the release before it, less the filing and the
// version it supersedes (prev), plus the filing itself when it was published
// (not withdrawn) with rows of the dataset's kind (hasData).
func NextMembers(members []int64, f, prev models.Filing, action string, hasData bool) []int64 {
	next := make([]int64, 0, len(members)+1)
	for _, m := range members {
		if m != f.ID && m != prev.ID {
			next = append(next, m)
		}
	}
	if action != models.ActionWithdrawal && hasData {
		next = append(next, f.ID)
	}
	return next
}

// membership is NextMembers for one publication or withdrawal, as the store takes it.
func membership(f, prev models.Filing, action string) store.Membership {
	return func(members []int64, hasData bool) []int64 { return NextMembers(members, f, prev, action, hasData) }
}
