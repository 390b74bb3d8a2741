package exports

import (
	"context"
	"io"
	"net/url"
	"strconv"
	"strings"

	"sunshine/models"
)

// ReleaseReader is what a release's files are written from.
type ReleaseReader interface {
	FeedReader
	DatasetLister
	Dataset(ctx context.Context, id string) (models.Dataset, error)
	Releases(ctx context.Context, datasetID string) ([]models.Release, error)
	ReleaseMembers(ctx context.Context, datasetID string, number int) ([]int64, error)
	Filing(ctx context.Context, id int64) (models.Filing, error)
}

// Release is one resolved Release of a dataset.
type Release struct {
	Dataset models.Dataset // named as when the release was made
	Entry   models.Release
	Members []int64 // the filing versions it holds
}

// ResolveRelease reads release n of dataset id.
func ResolveRelease(ctx context.Context, src ReleaseReader, id string, n int) (Release, error) {
	d, err := src.Dataset(ctx, id)
	if err != nil {
		return Release{}, err
	}
	members, err := src.ReleaseMembers(ctx, id, n)
	if err != nil {
		return Release{}, err
	}
	rs, err := src.Releases(ctx, id)
	if err != nil {
		return Release{}, err
	}
	r := Release{Dataset: d, Members: members}
	for _, x := range rs {
		if x.Number == n {
			r.Entry = x
		}
	}
	// The release's files are titled with the region name this Release was
	// published under, not the dataset's newest one: their bytes never change.
	r.Dataset.RegionName = r.Entry.RegionName
	return r, nil
}

// writeRelease streams a release's rows in the format of the file name.
func writeRelease[T any](ctx context.Context, w io.Writer, table *Table[T],
	each func(context.Context, FeedReader, FeedQuery, string, func(T, RowKey) error) error,
	feeds FeedReader, q FeedQuery, base, file string, rows int) error {
	var enc Encoder[T]
	switch file {
	case "data.csv":
		enc = NewCSVEncoder(w, table, q.CSV)
	case "data.json":
		enc = NewJSONEncoder(w, table, JSONOptions{Unit: q.Unit,
			Head: []Member{{Key: "release", Value: q.Release}, {Key: "amount_unit", Value: string(q.Unit)}}})
	case "data.ndjson":
		enc = NewNDJSONEncoder(w, table, JSONOptions{Unit: q.Unit})
	case "data.xlsx":
		xe, err := NewXLSXEncoder(w, table, XLSXOptions{Unit: q.Unit, Rows: int64(rows)})
		if err != nil {
			return err
		}
		enc = xe
	}
	if err := each(ctx, feeds, q, base, func(row T, _ RowKey) error { return enc.Encode(row) }); err != nil {
		return err
	}
	return enc.Close()
}

// writeFilingRows writes the filing versions of a release as filings.csv, as
// a release's own filings.csv does: every member as it stood in the release,
// that is published.
//
// Each row is named as its filing version was published (never from a draft,
// and never differently later), so the file's bytes never change.
func writeFilingRows(ctx context.Context, src ReleaseReader, w io.Writer, rel Release, base string, o CSVOptions) error {
	enc := NewCSVEncoder(w, FilingsTable, o)
	for _, id := range rel.Members {
		f, err := src.Filing(ctx, id)
		if err != nil {
			return err
		}
		f.Status = models.StatusPublished
		row := NewFilingRow(&f, f.RegionName, f.DeptName, rel.Entry.Number, Permalink(base, id))
		if err := enc.Encode(row); err != nil {
			return err
		}
	}
	return enc.Close()
}

// writeDataPackage describes a Release as a Frictionless Data Package with the Fiscal Data Package model.
func writeDataPackage(w io.Writer, rel Release, base, license string) error {
	d := rel.Dataset
	var table Describer = LineItemsTable
	if d.Kind == models.KindThreePublic {
		table = ThreePublicTable
	}
	self := base + "/api/v1/datasets/" + url.PathEscape(d.ID) + "/releases/" + strconv.Itoa(rel.Entry.Number) + "/"
	p, err := DataPackage(PackageInfo{
		Name:        "sunshine-" + d.ID,
		ID:          self + "datapackage.json",
		Title:       DatasetTitle(d),
		Description: "阳光财政发布的" + DatasetTitle(d) + "，第 " + strconv.Itoa(rel.Entry.Number) + " 版。金额单位为元，空值表示未公开（不是 0）。",
		Homepage:    base + "/api/v1/datasets/" + url.PathEscape(d.ID),
		Release:     rel.Entry.Number,
		Created:     rel.Entry.CreatedAt,
		Keywords:    []string{"三公经费", "部门预算", "部门决算", "财政公开"},
		FiscalYear:  d.FiscalYear,
		Licenses:    licenses(license),
		Resources: []Resource{
			{Name: strings.ReplaceAll(string(d.Kind), "_", "-"), Path: "data.csv", Title: DatasetTitle(d), Table: table, Phase: d.Phase},
			{Name: "filings", Path: "filings.csv", Title: "申报版本", Table: FilingsTable},
		},
	})
	if err != nil {
		return err
	}
	return p.Write(w)
}

// licenses states the deployment's licence, or none: choosing one is the publisher's decision.
func licenses(url string) []License {
	if url == "" {
		return nil
	}
	return []License{{Path: url, Title: "发布方声明的许可"}}
}

// WriteReleaseFile writes one file of a release (a name of ReleaseFiles) with
// the options of q; base is the service's address for the links inside, license
// the deployment's licence ("" states none).
func WriteReleaseFile(ctx context.Context, w io.Writer, src ReleaseReader, rel Release, file, base, license string, q FeedQuery) error {
	switch {
	case file == "datapackage.json":
		return writeDataPackage(w, rel, base, license)
	case file == "filings.csv":
		return writeFilingRows(ctx, src, w, rel, base, q.CSV)
	case rel.Dataset.Kind == models.KindThreePublic:
		return writeRelease(ctx, w, ThreePublicTable, EachThreePublic, src, q, base, file, rel.Entry.Rows)
	default:
		return writeRelease(ctx, w, LineItemsTable, EachLineItem, src, q, base, file, rel.Entry.Rows)
	}
}
