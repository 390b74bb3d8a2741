package demo

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"sunshine/filings"
	"sunshine/models"
)

// Actor is the name the demo loader writes into the audit log.
const Actor = "demo"

// Summary says what a load did.
type Summary struct {
	Uploaded, Duplicates, Published, LeftAsDrafts int
}

// Changed reports whether the load stored anything.
func (s Summary) Changed() bool { return s.Uploaded > 0 || s.Published > 0 }

// Load stores the demo through the same path as any upload — one 三公 file and
// one line-item file per year and phase, written to dir — and publishes every
// draft whose checks found no error in one act per year and phase (统一公开:
// one release per dataset), year by year and budget before final, so that
// each filing is checked against the ones published before it; then the
// corrections (corrections.go), each an act of its own. Loading again stores
// nothing: the files are byte-identical and their drafts published.
func Load(ctx context.Context, svc *filings.Service, now time.Time, dir string, progress io.Writer) (Summary, error) {
	var sum Summary
	all := Generate(now)
	for start := 0; start < len(all); start += len(Depts) {
		group := all[start : start+len(Depts)]
		k := group[0].Key
		name := fmt.Sprintf("阳光市%d年%s", k.FiscalYear, k.Phase.Chinese())
		tpPath := filepath.Join(dir, name+"三公经费.csv")
		liPath := filepath.Join(dir, name+"公开表.csv")
		if err := writeFile(tpPath, func(w io.Writer) error { return WriteThreePublicCSV(w, group) }); err != nil {
			return sum, err
		}
		if err := writeFile(liPath, func(w io.Writer) error { return WriteLineItemsCSV(w, group) }); err != nil {
			return sum, err
		}
		var ids []int64
		for _, path := range []string{tpPath, liPath} {
			got, err := uploadFile(ctx, svc, path, &sum)
			if err != nil {
				return sum, err
			}
			ids = append(ids, got...)
		}
		published, drafts, err := publishDrafts(ctx, svc, ids, name+"统一公开")
		if err != nil {
			return sum, err
		}
		sum.Published += published
		sum.LeftAsDrafts += drafts
		if progress != nil {
			fmt.Fprintf(progress, "%s：%d 个部门，公开 %d 份\n", name, len(group), published)
		}
		fixed, err := loadCorrections(ctx, svc, k, dir)
		if err != nil {
			return sum, err
		}
		sum.Uploaded += fixed.Uploaded
		sum.Duplicates += fixed.Duplicates
		sum.Published += fixed.Published
	}
	// The scoreboard's department list and approval dates (scoreboard.go).
	if err := loadScoreboard(ctx, svc.Store); err != nil {
		return sum, fmt.Errorf("demo: scoreboard: %w", err)
	}
	return sum, nil
}

// publishDrafts publishes, in one act with the note, every filing that is
// still a draft and whose checks found no error; the others stay drafts.
func publishDrafts(ctx context.Context, svc *filings.Service, ids []int64, note string) (published, drafts int, err error) {
	seen := map[int64]bool{}
	var clean []int64
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		f, err := svc.Store.Filing(ctx, id)
		if err != nil {
			return published, drafts, err
		}
		if f.Status != models.StatusDraft {
			continue
		}
		findings, err := svc.Store.Findings(ctx, id)
		if err != nil {
			return published, drafts, err
		}
		if !models.NewReport(findings).Valid {
			drafts++
			continue
		}
		clean = append(clean, id)
	}
	if len(clean) == 0 {
		return 0, drafts, nil
	}
	if _, err := svc.PublishSet(ctx, clean, filings.Actor{Name: Actor}, note); err != nil {
		return published, drafts, fmt.Errorf("demo: publish %s: %w", note, err)
	}
	return len(clean), drafts, nil
}

// uploadFile uploads one file of the demo as its actor, counts it in sum
// (uploaded, or a duplicate of an earlier load) and returns its filings' ids.
func uploadFile(ctx context.Context, svc *filings.Service, path string, sum *Summary) ([]int64, error) {
	res, err := svc.Upload(ctx, filings.File{Path: path, Name: filepath.Base(path)}, filings.Actor{Name: Actor}, nil)
	if err != nil {
		return nil, fmt.Errorf("demo: %s: %w", filepath.Base(path), err)
	}
	if res.Rejected {
		return nil, fmt.Errorf("demo: %s was refused: %s", filepath.Base(path), firstMessage(res.Report))
	}
	if res.Duplicate {
		sum.Duplicates++
	} else {
		sum.Uploaded++
	}
	ids := make([]int64, len(res.Filings))
	for i, f := range res.Filings {
		ids[i] = f.ID
	}
	return ids, nil
}

func firstMessage(r models.Report) string {
	if len(r.Findings) == 0 {
		return ""
	}
	return r.Findings[0].Message
}

func writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var threePublicHeader = func() []string {
	h := []string{"region_code", "region_name", "dept_code", "dept_name", "fiscal_year", "phase", "unit"}
	for _, a := range models.ThreePublicAmounts {
		h = append(h, a.Key)
	}
	for _, c := range models.ThreePublicCounts {
		h = append(h, c.Key)
	}
	return append(h, "change_reason")
}()

// WriteThreePublicCSV writes filings' 三公 records in the upload template (English headers, UTF-8).
func WriteThreePublicCSV(w io.Writer, fs []Filing) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(threePublicHeader); err != nil {
		return err
	}
	for _, f := range fs {
		tp := f.ThreePublic
		row := []string{f.Key.RegionCode, f.regionName(), f.Key.DeptCode, f.DeptName, strconv.Itoa(f.Key.FiscalYear),
			string(f.Key.Phase), string(tp.Unit)}
		for _, a := range models.ThreePublicAmounts {
			row = append(row, moneyCell(*a.Get(&tp), tp.Unit))
		}
		for _, c := range models.ThreePublicCounts {
			n := *c.Get(&tp)
			if n.Valid {
				row = append(row, strconv.FormatInt(n.Count, 10))
			} else {
				row = append(row, "")
			}
		}
		if err := cw.Write(append(row, tp.ChangeReason)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteLineItemsCSV writes filings' line items in the long-form upload template.
func WriteLineItemsCSV(w io.Writer, fs []Filing) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"region_code", "region_name", "dept_code", "dept_name", "fiscal_year", "phase", "unit",
		"table", "code", "name", "column", "amount"}); err != nil {
		return err
	}
	for _, f := range fs {
		for _, li := range f.Items {
			if err := cw.Write([]string{f.Key.RegionCode, f.regionName(), f.Key.DeptCode, f.DeptName,
				strconv.Itoa(f.Key.FiscalYear), string(f.Key.Phase), string(li.Unit), string(li.Table), li.Code, li.Name,
				li.Column, moneyCell(li.Amount, li.Unit)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func (f Filing) regionName() string {
	if f.RegionName == "" {
		return Region.Name
	}
	return f.RegionName
}

func moneyCell(m models.NullMoney, u models.Unit) string {
	if !m.Valid {
		return ""
	}
	return m.Money.Format(u)
}
