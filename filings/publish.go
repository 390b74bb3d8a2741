package filings

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"sunshine/models"
	"sunshine/store"
)

// BlockedError refuses publication of drafts whose findings include errors;
// it names them (Drafts) and carries their findings (Report).
type BlockedError struct {
	Report models.Report
	Drafts []models.Filing
}

func (e *BlockedError) Error() string {
	if len(e.Drafts) <= 1 {
		return fmt.Sprintf("草稿有 %d 个错误，不能公开；请先更正", e.Report.Stats.Errors)
	}
	names := make([]string, 0, len(e.Drafts))
	for _, f := range e.Drafts {
		names = append(names, fmt.Sprintf("%s（部门 %s，申报 %d）", cmp.Or(f.DeptName, f.DeptCode), f.DeptCode, f.ID))
	}
	return fmt.Sprintf("%d 份草稿共有 %d 个错误，整批不能公开；请先更正：%s", len(e.Drafts), e.Report.Stats.Errors, strings.Join(names, "、"))
}

// Unwrap makes the refusal an ECONFLICT with its message, for code that reads error codes.
func (e *BlockedError) Unwrap() error { return models.Errorf(models.ECONFLICT, "%s", e.Error()) }

// Publish freezes a draft as the published version of its department-year-phase:
// a publication act of one draft (PublishSet). The draft's findings are
// checked first: any error refuses it with a *BlockedError (ECONFLICT). A
// version that supersedes an earlier one needs a correction note (EINVALID
// without). Only an admin, or an uploader of the department when
// AllowUploaderPublish is set, may publish (EFORBIDDEN).
func (s *Service) Publish(ctx context.Context, id int64, actor Actor, note string) (models.Filing, error) {
	var out models.Filing
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.CreatePublication(ctx, models.Publication{State: models.PublicationPublished, Note: note, CreatedBy: actor.Name,
			DoneBy: actor.Name, Filings: []int64{id}})
		if err != nil {
			return err
		}
		if err := tx.FinishPublication(ctx, p.ID, models.PublicationPublished, actor.Name, ""); err != nil {
			return err
		}
		fs, _, err := s.publishSet(ctx, tx, p.ID, []int64{id}, actor, note, false)
		if err != nil {
			return err
		}
		out = fs[0]
		return nil
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
		if _, err := tx.RecordReleases(ctx, []store.ReleaseChange{{Filing: out, Action: store.ActionWithdrawal}}, 0, note, actor.Name); err != nil {
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
	_, err = checkDrafts(ctx, tx, s.session(ctx, tx), deps, nil, nil, nil, nil)
	return err
}
