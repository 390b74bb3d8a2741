package filings

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"sunshine/models"
	"sunshine/store"
)

// Corrections at the desk's review view: a clerk who sees, beside the page
// image, that a figure of a PDF was misread corrects that one figure of the
// draft by hand, and marks a page as checked. Both are audited; a correction
// runs the rules over the draft again, as an upload would.

// AuditCorrect and AuditConfirmPage are the audit actions of a correction and of a checked page.
const (
	AuditCorrect     = "figure.correct"
	AuditConfirmPage = "page.confirm"
)

// MayCorrect reports whether t may correct f's figures or mark its pages as
// checked: f is a draft and t may write its department (as MayDiscard).
func MayCorrect(t *models.Token, f models.Filing) bool { return MayDiscard(t, f) }

// Correction is one figure of a draft as a clerk typed it at the review view.
type Correction struct {
	FilingID int64
	Table    models.Table // a standard table, or three_public
	Code     string       // the row's code or key; "" for three_public
	Column   string       // the column key; for three_public, the amount or count key (total, trip_groups, …)
	// Text is the figure as printed, in the unit the figure was read in ("12.34" 万元, "1,234" 元);
	// blank (or 未公开) is not disclosed, which is not zero.
	Text string
	// SHA256 and Page name the PDF page the clerk compared it with, for the audit.
	SHA256 string
	Page   int
}

// Corrected is what a correction did.
type Corrected struct {
	Filing  models.Filing
	Label   string // the figure, in words: 一般公共预算支出表 2080501 行政单位离退休 · 合计
	Before  string // as shown, with its unit: "12.34 万元", "未公开"
	After   string
	Changed bool // false when the text was the figure already: nothing was written
	Stats   models.ReportStats
}

// Message is the sentence the desk shows after a correction.
func (c Corrected) Message() string {
	if !c.Changed {
		return fmt.Sprintf("未更改：%s 仍为 %s。", c.Label, c.After)
	}
	return fmt.Sprintf("已更正：%s，由 %s 改为 %s；检查结果：%d 个错误，%d 个警告。", c.Label, c.Before, c.After,
		c.Stats.Errors, c.Stats.Warnings)
}

// Correct changes one figure of a draft, in one transaction: the line item
// (or the 三公 amount or count) takes the typed value and its printed
// precision; the draft is marked changed (a submission for review lapses, as
// after an upload); the rules run over the whole draft again and its findings
// are replaced; the audit log records who changed what from what to what, and
// on which page. A draft the actor may not see is ENOTFOUND; a filing that is
// no longer a draft ECONFLICT; a text that is not a figure EINVALID naming the
// figure. Nothing is written unless all of it is.
func (s *Service) Correct(ctx context.Context, c Correction, actor Actor) (Corrected, error) {
	var out Corrected
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		out = Corrected{}
		f, err := lockVisible(ctx, tx, c.FilingID, actor)
		if err != nil {
			return err
		}
		out.Filing = f
		if f.Status != models.StatusDraft {
			return models.Errorf(models.ECONFLICT, "申报 %d 已不是草稿，不能更正；已公开的申报只能由管理员撤回后重新上传", f.ID)
		}
		if actor.Token != nil && !MayCorrect(actor.Token, f) {
			return models.Errorf(models.EFORBIDDEN, "令牌“%s”无权更正部门 %s 的草稿", actor.Name, f.DeptCode)
		}
		var detail map[string]any
		if c.Table == models.TableThreePublic {
			detail, err = correctThreePublic(ctx, tx, f, c, &out)
		} else {
			detail, err = correctLineItem(ctx, tx, f, c, &out)
		}
		if err != nil || !out.Changed {
			return err
		}
		if err := tx.Touch(ctx, f.ID); err != nil {
			return err
		}
		f.UpdatedAt = tx.Now()
		findings, err := checkDrafts(ctx, tx, s.session(ctx, tx), []models.Filing{f}, nil, nil, nil, nil)
		if err != nil {
			return err
		}
		out.Stats = models.NewReport(findings).Stats
		detail["label"], detail["before"], detail["after"] = out.Label, out.Before, out.After
		detail["sha256"], detail["page"] = c.SHA256, c.Page
		detail["errors"], detail["warnings"] = out.Stats.Errors, out.Stats.Warnings
		detail["message"] = out.Message() // what the desk told the clerk
		return tx.Audit(ctx, actor.Name, AuditCorrect, fmt.Sprintf("filing:%d", f.ID), detail)
	})
	return out, err
}

// undisclosed reports whether a typed figure means "not disclosed".
func undisclosed(text string) bool {
	t := strings.TrimSpace(text)
	return t == "" || t == "未公开"
}

func correctLineItem(ctx context.Context, tx *store.Tx, f models.Filing, c Correction, out *Corrected) (map[string]any, error) {
	spec, ok := models.LookupTable(string(c.Table))
	if !ok {
		return nil, models.Errorf(models.EINVALID, "表“%s”不是标准表", c.Table)
	}
	items, err := tx.LineItems(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	var found []models.LineItem
	for _, it := range items {
		if it.Table == c.Table && it.Code == c.Code && it.Column == c.Column {
			found = append(found, it)
		}
	}
	col := c.Column
	if cs, ok := spec.Column(c.Column, f.Phase); ok {
		col = cs.Chinese
	}
	// A classification code is printed beside its name; a row key (total, income_total) is not: its name is.
	code, name := c.Code, ""
	if len(found) > 0 {
		name = found[0].Name
	}
	if rs, ok := spec.Row(c.Code); ok {
		code = ""
		if name == "" {
			name = rs.Chinese
		}
	}
	out.Label = strings.Join(strings.Fields(spec.Name(f.Phase)+" "+code+" "+name), " ") + " · " + col
	if c.Page > 0 {
		out.Label += fmt.Sprintf("（第 %d 页）", c.Page)
	}
	switch len(found) {
	case 0:
		return nil, models.Errorf(models.ENOTFOUND, "申报 %d 没有 %s 这个数字", f.ID, out.Label)
	case 1:
	default:
		return nil, models.Errorf(models.ECONFLICT, "%s 在草稿中出现 %d 次，无法逐个更正；请更正后重新上传该表", out.Label, len(found))
	}
	it := found[0]
	amount, decimals, err := typedAmount(out.Label, c.Text, it.Unit)
	if err != nil {
		return nil, err
	}
	out.Before, out.After = shownAmount(it.Amount, it.Unit, it.Decimals), shownAmount(amount, it.Unit, decimals)
	if it.Amount == amount && (!amount.Valid || it.Decimals == decimals) {
		return nil, nil
	}
	out.Changed = true
	n, err := tx.SetLineItemAmount(ctx, f.ID, it.Table, it.Code, it.Column, amount, decimals)
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, models.Errorf(models.ECONFLICT, "%s 在更正时已改变（%d 行），未保存；请刷新后重试", out.Label, n)
	}
	return map[string]any{"table": string(it.Table), "code": it.Code, "column": it.Column, "name": it.Name, "unit": string(it.Unit),
		"before_fen": nullFen(it.Amount), "after_fen": nullFen(amount)}, nil
}

// typedAmount reads an amount as the clerk typed it in the figure's unit, with
// the precision typed; blank (or 未公开) is not disclosed, never 0.
func typedAmount(label, text string, unit models.Unit) (models.NullMoney, models.Decimals, error) {
	if undisclosed(text) {
		return models.NullMoney{}, models.DecimalsUnknown, nil
	}
	m, err := models.ParseMoney(text, unit)
	if err != nil {
		return models.NullMoney{}, models.DecimalsUnknown,
			models.Errorf(models.EINVALID, "%s：%s（单位：%s；留空表示未公开）", label, models.ErrorMessage(err), unit)
	}
	return models.Disclosed(m), models.DecimalsOf(text), nil
}

func correctThreePublic(ctx context.Context, tx *store.Tx, f models.Filing, c Correction, out *Corrected) (map[string]any, error) {
	spec, _ := models.LookupTable(string(models.TableThreePublic))
	tp, err := tx.ThreePublic(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	label := func(chinese string) {
		out.Label = spec.Name(f.Phase) + " · " + chinese
		if c.Page > 0 {
			out.Label += fmt.Sprintf("（第 %d 页）", c.Page)
		}
	}
	detail := map[string]any{"table": string(models.TableThreePublic), "column": c.Column}
	for _, a := range models.ThreePublicAmounts {
		if a.Key != c.Column {
			continue
		}
		label(a.Chinese)
		if tp == nil {
			return nil, models.Errorf(models.ENOTFOUND, "申报 %d 没有三公经费表，无法更正 %s", f.ID, out.Label)
		}
		amount, decimals, err := typedAmount(out.Label, c.Text, tp.Unit)
		if err != nil {
			return nil, err
		}
		v := a.Get(tp)
		out.Before, out.After = shownAmount(*v, tp.Unit, tp.Decimals), shownAmount(amount, tp.Unit, decimals)
		if *v == amount {
			return nil, nil
		}
		detail["name"], detail["unit"], detail["before_fen"], detail["after_fen"] = a.Chinese, string(tp.Unit), nullFen(*v), nullFen(amount)
		*v = amount
		// The record keeps one precision, the coarsest its non-zero amounts were printed at.
		if amount.Valid && amount.Money != 0 {
			tp.Decimals = tp.Decimals.Coarser(decimals)
		}
		if err := tp.Validate(f.Phase); err != nil {
			return nil, models.Errorf(models.EINVALID, "%s：%s", out.Label, models.ErrorMessage(err))
		}
		out.Changed = true
		return detail, tx.PutThreePublic(ctx, *tp)
	}
	for _, cnt := range models.ThreePublicCounts {
		if cnt.Key != c.Column {
			continue
		}
		label(cnt.Chinese)
		if tp == nil {
			return nil, models.Errorf(models.ENOTFOUND, "申报 %d 没有三公经费表，无法更正 %s", f.ID, out.Label)
		}
		n := models.NullCount{}
		if !undisclosed(c.Text) {
			t := strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(c.Text), ",", ""), "，", "")
			v, err := strconv.ParseInt(t, 10, 64)
			if err != nil || v < 0 {
				return nil, models.Errorf(models.EINVALID, "%s：“%s”不是有效的数量（应为不小于 0 的整数；留空表示未公开）",
					out.Label, strings.TrimSpace(c.Text))
			}
			n = models.CountOf(v)
		}
		v := cnt.Get(tp)
		out.Before, out.After = shownCount(*v), shownCount(n)
		if *v == n {
			return nil, nil
		}
		detail["name"], detail["before_count"], detail["after_count"] = cnt.Chinese, nullCount(*v), nullCount(n)
		*v = n
		out.Changed = true
		return detail, tx.PutThreePublic(ctx, *tp)
	}
	return nil, models.Errorf(models.EINVALID, "三公经费表没有栏目“%s”", c.Column)
}

// shownAmount is a figure as the desk shows it: at its printed precision, with its unit.
func shownAmount(n models.NullMoney, u models.Unit, d models.Decimals) string {
	if !n.Valid {
		return "未公开"
	}
	if !u.Valid() {
		u = models.Yuan
	}
	return n.Money.FormatPrinted(u, d, true) + " " + string(u)
}

func shownCount(n models.NullCount) string {
	if !n.Valid {
		return "未公开"
	}
	return strconv.FormatInt(n.Count, 10)
}

func nullFen(n models.NullMoney) any {
	if !n.Valid {
		return nil
	}
	return int64(n.Money)
}

func nullCount(n models.NullCount) any {
	if !n.Valid {
		return nil
	}
	return n.Count
}

// ConfirmPage records that the actor checked one page of a PDF against the
// figures read from it (the review view's 本页已核对): an audit entry, on a
// draft the actor may write. Which pages hold the filing's figures is the
// caller's to check.
func (s *Service) ConfirmPage(ctx context.Context, id int64, sha256 string, page int, actor Actor) error {
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		f, err := lockVisible(ctx, tx, id, actor)
		if err != nil {
			return err
		}
		if f.Status != models.StatusDraft {
			return models.Errorf(models.ECONFLICT, "申报 %d 已不是草稿，无需再核对", f.ID)
		}
		if actor.Token != nil && !MayCorrect(actor.Token, f) {
			return models.Errorf(models.EFORBIDDEN, "令牌“%s”无权核对部门 %s 的草稿", actor.Name, f.DeptCode)
		}
		return tx.Audit(ctx, actor.Name, AuditConfirmPage, fmt.Sprintf("filing:%d", f.ID),
			map[string]any{"sha256": sha256, "page": page, "version": f.Version})
	})
}
