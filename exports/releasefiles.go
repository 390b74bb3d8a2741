package exports

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"sunshine/models"
)

// ReleaseFile is one file of every release, described once: the downloads
// serve it under this name with this type, the dataset JSON links it under
// Key, the catalogues (DCAT-AP, DCAT-US) describe it as a distribution and the
// pages offer it. A new format is its encoder plus one entry in ReleaseFiles.
type ReleaseFile struct {
	Name string // the file name in the release's URL: "data.csv"
	// Key names the file in a dataset's links ("csv"); "" for a file that is
	// served but not a distribution of its own (filings.csv).
	Key       string
	MediaType string // without parameters
	// Text files are served with a charset: UTF-8, or GB18030 for a CSV asked for it.
	Text bool
	// Attachment, when set, serves the file as a download (Content-Disposition:
	// attachment) and is the end of its name; "" serves it inline. Either way
	// the file is named by DownloadName.
	Attachment string
	// How the catalogues describe it.
	Title string
	Label string // the short format name data.json gives ("CSV")
	// IANARegistered: the media type is in the IANA register, so DCAT-AP may name it by its IRI.
	IANARegistered bool
	EUFileType     string // the EU file-type authority code DCAT-AP recommends for dct:format; "" when there is none
	ConformsTo     string
}

// ReleaseFiles are the files of every release, in the order the answers list them.
var ReleaseFiles = []ReleaseFile{
	{Name: "data.csv", Key: "csv", MediaType: "text/csv", Text: true, Attachment: ".csv",
		Title: "CSV（UTF-8，逗号分隔；加 ?bom=1 为 Excel 版，?encoding=gb18030 为旧版 Excel/WPS 版）",
		Label: "CSV", IANARegistered: true, EUFileType: "CSV"},
	{Name: "data.json", Key: "json", MediaType: "application/json", Text: true,
		Title: "JSON", Label: "JSON", IANARegistered: true, EUFileType: "JSON"},
	{Name: "data.ndjson", Key: "ndjson", MediaType: "application/x-ndjson", Text: true,
		Title: "NDJSON（每行一个 JSON 对象）", Label: "NDJSON"},
	{Name: "data.xlsx", Key: "xlsx", MediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Attachment: ".xlsx",
		Title: "Excel（XLSX）", Label: "XLSX", IANARegistered: true, EUFileType: "XLSX"},
	{Name: "filings.csv", MediaType: "text/csv", Text: true, Attachment: "-filings.csv"},
	{Name: "datapackage.json", Key: "datapackage", MediaType: "application/json", Text: true,
		Title: "Frictionless 数据包描述（datapackage.json：表结构与财政数据包模型）", Label: "Data Package",
		IANARegistered: true, EUFileType: "JSON", ConformsTo: "https://datapackage.org/standard/data-package/"},
}

// Distributions are the release files the catalogues and the dataset links list.
func Distributions() []ReleaseFile {
	var out []ReleaseFile
	for _, f := range ReleaseFiles {
		if f.Key != "" {
			out = append(out, f)
		}
	}
	return out
}

// LookupReleaseFile finds a release file by name.
func LookupReleaseFile(name string) (ReleaseFile, bool) {
	for _, f := range ReleaseFiles {
		if f.Name == name {
			return f, true
		}
	}
	return ReleaseFile{}, false
}

// ReleaseFileNames lists the names for a message: "data.csv、data.json、…".
func ReleaseFileNames() string {
	names := make([]string, len(ReleaseFiles))
	for i, f := range ReleaseFiles {
		names[i] = f.Name
	}
	return strings.Join(names, "、")
}

// ContentType is the file's Content-Type for the CSV options asked.
func (f ReleaseFile) ContentType(o CSVOptions) string {
	if !f.Text {
		return f.MediaType
	}
	charset := "utf-8"
	if f.MediaType == "text/csv" && o.Encoding == EncodingGB18030 {
		charset = "gb18030"
	}
	return f.MediaType + "; charset=" + charset
}

// DatasetURL is a dataset's address in the API.
func DatasetURL(base, id string) string { return base + "/api/v1/datasets/" + url.PathEscape(id) }

// ReleaseURL is the immutable address of one release's folder, ending in "/".
func ReleaseURL(base, id string, n int) string {
	return DatasetURL(base, id) + "/releases/" + strconv.Itoa(n) + "/"
}

// ReleaseLinks are the immutable URLs of one release's files, by key.
func ReleaseLinks(base, id string, n int) map[string]string {
	links := map[string]string{}
	prefix := ReleaseURL(base, id, n)
	for _, f := range Distributions() {
		links[f.Key] = prefix + f.Name
	}
	return links
}

// DatasetTitle is the Chinese title a journalist sees: "阳光市 2024 年决算 三公经费".
func DatasetTitle(d models.Dataset) string {
	what := "部门预决算公开表"
	if d.Kind == models.KindThreePublic {
		what = "三公经费"
	}
	return d.RegionName + " " + strconv.Itoa(d.FiscalYear) + " 年" + d.Phase.Chinese() + " " + what
}

// DatasetEntry is a dataset in the catalogue (CONTRACT.md §3).
type DatasetEntry struct {
	ID         string            `json:"id"`
	RegionCode string            `json:"region_code"`
	RegionName string            `json:"region_name"`
	FiscalYear int               `json:"fiscal_year"`
	Phase      models.Phase      `json:"phase"`
	Kind       models.Kind       `json:"kind"`
	Release    int               `json:"release"`
	UpdatedAt  time.Time         `json:"updated_at"`
	Title      string            `json:"title"`
	Links      map[string]string `json:"links"`
}

// NewDatasetEntry is d as the catalogue lists it, with its latest release's links.
func NewDatasetEntry(base string, d models.Dataset) DatasetEntry {
	links := ReleaseLinks(base, d.ID, d.LatestRelease)
	links["self"] = DatasetURL(base, d.ID)
	links["latest_csv"] = DatasetURL(base, d.ID) + "/latest/data.csv"
	return DatasetEntry{ID: d.ID, RegionCode: d.RegionCode, RegionName: d.RegionName, FiscalYear: d.FiscalYear, Phase: d.Phase,
		Kind: d.Kind, Release: d.LatestRelease, UpdatedAt: d.UpdatedAt, Title: DatasetTitle(d), Links: links}
}

// ReleaseEntry is one release as the dataset page and the change log show it.
type ReleaseEntry struct {
	models.Release
	DatasetTitle string            `json:"dataset_title"`
	Links        map[string]string `json:"links"`
}

// NewReleaseEntry is r with its title and links (its files, its dataset, its filing, the diff from the one before).
func NewReleaseEntry(base string, r models.Release) ReleaseEntry {
	d := models.Dataset{ID: r.DatasetID, RegionName: r.RegionName, FiscalYear: r.FiscalYear, Phase: models.Phase(r.Phase), Kind: r.Kind}
	links := ReleaseLinks(base, r.DatasetID, r.Number)
	links["dataset"] = DatasetURL(base, r.DatasetID)
	links["filing"] = base + "/api/v1/filings/" + strconv.FormatInt(r.FilingID, 10)
	if r.Number > 1 {
		links["diff"] = DatasetURL(base, r.DatasetID) + "/diff?from=" + strconv.Itoa(r.Number-1) + "&to=" + strconv.Itoa(r.Number)
	}
	return ReleaseEntry{Release: r, DatasetTitle: DatasetTitle(d), Links: links}
}
