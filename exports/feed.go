package exports

import (
	"context"
	"strconv"
	"strings"

	"sunshine/models"
	"sunshine/store"
)

// FeedReader is what the feeds and the release files read from the store.
type FeedReader interface {
	EachThreePublic(ctx context.Context, ff store.FeedFilter, fn func(store.ThreePublicRow) error) error
	EachLineItem(ctx context.Context, ff store.FeedFilter, fn func(store.LineItemRow) error) error
}

// FeedQuery is a feed request: the filters, the release to read as of, the page and the output options.
type FeedQuery struct {
	Filter  store.FeedFilter
	Release int // the release read as of; 0 = the live feed
	Unit    models.Unit
	CSV     CSVOptions
}

// Permalink is the address of a filing version, which every row names.
func Permalink(base string, filingID int64) string {
	return base + "/api/v1/filings/" + strconv.FormatInt(filingID, 10)
}

// feedOrigin is where a row comes from.
func feedOrigin(f store.FeedFiling, release int) Origin {
	return Origin{FilingID: f.FilingID, Version: f.Version, Release: release, RegionCode: f.RegionCode,
		RegionName: f.RegionName, DeptCode: f.DeptCode, DeptName: f.DeptName, FiscalYear: f.FiscalYear, Phase: f.Phase}
}

// EachThreePublic streams 三公 feed rows.
func EachThreePublic(ctx context.Context, feeds FeedReader, q FeedQuery, base string, fn func(ThreePublicRow, RowKey) error) error {
	return feeds.EachThreePublic(ctx, q.Filter, func(r store.ThreePublicRow) error {
		k := RowKey{ID: r.FeedFiling.FilingID}
		switch strings.TrimPrefix(q.Filter.Sort, "-") {
		case "dept_code":
			k.S = &r.DeptCode
		case "fiscal_year":
			n := int64(r.FiscalYear)
			k.N = &n
		case "total":
			n := store.SortableTotal(r.Total)
			k.N = &n
		}
		row := NewThreePublicRow(feedOrigin(r.FeedFiling, q.Release), &r.ThreePublic, Permalink(base, r.FeedFiling.FilingID))
		row.SourcePage = r.SourcePage
		return fn(row, k)
	})
}

// EachLineItem streams line-item feed rows.
func EachLineItem(ctx context.Context, feeds FeedReader, q FeedQuery, base string, fn func(LineItemRow, RowKey) error) error {
	return feeds.EachLineItem(ctx, q.Filter, func(r store.LineItemRow) error {
		row := NewLineItemRow(feedOrigin(r.FeedFiling, q.Release), &r.LineItem, Permalink(base, r.FeedFiling.FilingID))
		row.SourcePage = r.SourcePage
		return fn(row, RowKey{ID: r.ID})
	})
}

// RowKey is the keyset position of the feeds: the last row's id and, when the
// rows are sorted by a column, that column's value.
type RowKey struct {
	ID int64   `json:"id"`
	S  *string `json:"s,omitempty"`
	N  *int64  `json:"n,omitempty"`
}

// Value is the sort column's value, nil when the rows are in id order.
func (k RowKey) Value() any {
	switch {
	case k.S != nil:
		return *k.S
	case k.N != nil:
		return *k.N
	}
	return nil
}
