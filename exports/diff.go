package exports

import (
	"context"
	"sort"
	"strconv"

	"sunshine/models"
	"sunshine/store"
)

// diffRow is one row of a release, keyed by what identifies it across
// versions, with its fields printed as the feeds print them.
type diffRow struct {
	Key    map[string]string `json:"key"`
	Fields map[string]string `json:"fields"`
}

// FieldChange is one field's old and new value ("" is not disclosed).
type FieldChange struct {
	Field string  `json:"field"`
	Old   *string `json:"old"`
	New   *string `json:"new"`
}

// RowChange is a row present in both releases with at least one field changed.
type RowChange struct {
	Key     map[string]string `json:"key"`
	Changes []FieldChange     `json:"changes"`
}

// DiffAnswer lists what changed between two releases of a dataset.
type DiffAnswer struct {
	DatasetID string              `json:"dataset_id"`
	From      int                 `json:"from"`
	To        int                 `json:"to"`
	Added     []map[string]string `json:"added"`
	Removed   []map[string]string `json:"removed"`
	Changed   []RowChange         `json:"changed"`
}

// releaseRows reads a release of a dataset as rows keyed by identity: a
// department for 三公, a department's table cell for line items.
func releaseRows(ctx context.Context, feeds FeedReader, kind models.Kind, members []int64) (map[string]diffRow, error) {
	out := map[string]diffRow{}
	ff := store.FeedFilter{Members: members}
	if kind == models.KindThreePublic {
		return out, feeds.EachThreePublic(ctx, ff, func(r store.ThreePublicRow) error {
			fields := map[string]string{"dept_name": r.DeptName, "change_reason": r.ChangeReason, SourceUnitKey: string(r.Unit)}
			for _, a := range models.ThreePublicAmounts {
				fields[a.Key+"_yuan"] = moneyText(*a.Get(&r.ThreePublic))
			}
			for _, c := range models.ThreePublicCounts {
				if n := *c.Get(&r.ThreePublic); n.Valid {
					fields[c.Key] = strconv.FormatInt(n.Count, 10)
				} else {
					fields[c.Key] = ""
				}
			}
			out[r.DeptCode] = diffRow{Key: map[string]string{"dept_code": r.DeptCode}, Fields: fields}
			return nil
		})
	}
	return out, feeds.EachLineItem(ctx, ff, func(r store.LineItemRow) error {
		k := r.DeptCode + "\x00" + string(r.Table) + "\x00" + r.Code + "\x00" + r.Column
		out[k] = diffRow{
			Key:    map[string]string{"dept_code": r.DeptCode, "table": string(r.Table), "code": r.Code, "column": r.Column},
			Fields: map[string]string{"name": r.Name, "amount_yuan": moneyText(r.Amount), SourceUnitKey: string(r.Unit), "dept_name": r.DeptName},
		}
		return nil
	})
}

func moneyText(m models.NullMoney) string {
	if !m.Valid {
		return ""
	}
	return m.Money.Format(models.Yuan)
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func merge(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range b {
		out[k] = v
	}
	for k, v := range a {
		out[k] = v
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// DiffSource is what a diff reads: the members of each release and their rows.
type DiffSource interface {
	FeedReader
	ReleaseMembers(ctx context.Context, datasetID string, number int) ([]int64, error)
}

// Diff lists the rows added, removed and changed (old and new value per
// field) between releases from and to of dataset d.
func Diff(ctx context.Context, src DiffSource, d models.Dataset, from, to int) (DiffAnswer, error) {
	sides := [2]map[string]diffRow{}
	for i, n := range []int{from, to} {
		members, err := src.ReleaseMembers(ctx, d.ID, n)
		if err != nil {
			return DiffAnswer{}, err
		}
		if sides[i], err = releaseRows(ctx, src, d.Kind, members); err != nil {
			return DiffAnswer{}, err
		}
	}
	old, cur := sides[0], sides[1]
	ans := DiffAnswer{DatasetID: d.ID, From: from, To: to, Added: []map[string]string{}, Removed: []map[string]string{}, Changed: []RowChange{}}
	for _, k := range sortedKeys(cur) {
		o, ok := old[k]
		if !ok {
			ans.Added = append(ans.Added, merge(cur[k].Key, cur[k].Fields))
			continue
		}
		var changes []FieldChange
		for _, f := range sortedKeys(cur[k].Fields) {
			if o.Fields[f] != cur[k].Fields[f] {
				changes = append(changes, FieldChange{Field: f, Old: nullable(o.Fields[f]), New: nullable(cur[k].Fields[f])})
			}
		}
		if len(changes) > 0 {
			ans.Changed = append(ans.Changed, RowChange{Key: cur[k].Key, Changes: changes})
		}
	}
	for _, k := range sortedKeys(old) {
		if _, ok := cur[k]; !ok {
			ans.Removed = append(ans.Removed, merge(old[k].Key, old[k].Fields))
		}
	}
	return ans, nil
}
