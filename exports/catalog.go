package exports

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"sunshine/models"
	"sunshine/store"
)

// DefaultPublisher names the publisher in the catalogues when the deployment names none.
const DefaultPublisher = "阳光财政"

// Publisher is the deployment's description of itself as a publisher, in
// the catalogues and the bulk downloads.
type Publisher struct {
	Name    string // "" is DefaultPublisher
	License string // the licence's URL; "" when the deployment declared none: then no licence is stated anywhere
	Email   string // where questions about the data go; "" gives none
}

// CatalogPageSize is how many datasets the catalogues read per query (the store's maximum).
const CatalogPageSize = 1000

// EachDataset calls fn for every published dataset matching f, newest first,
// reading the catalogue page by page (keyset, so the last page costs what the
// first does). first, when not nil, is the first page, already read.
func EachDataset(ctx context.Context, cat DatasetLister, f store.DatasetFilter, first []store.Dataset, fn func(store.Dataset) error) error {
	f.Limit = CatalogPageSize
	page := first
	for {
		if page == nil {
			var err error
			if page, err = cat.Datasets(ctx, f); err != nil {
				return err
			}
		}
		for _, d := range page {
			if err := fn(d); err != nil {
				return err
			}
		}
		if len(page) < f.Limit {
			return nil
		}
		last := page[len(page)-1]
		f.AfterTime, f.AfterID, page = last.UpdatedAt, last.ID, nil
	}
}

// datasetDescription is the Chinese description of a dataset in the catalogues.
func datasetDescription(d store.Dataset) string {
	what := "各部门“三公”经费（因公出国（境）费、公务用车购置及运行费、公务接待费），每个部门一行"
	if d.Phase == models.PhaseFinal {
		what += "，含预算数与决算数对照"
	}
	if d.Kind == models.KindLineItems {
		what = "各部门预决算公开表（收支总表、一般公共预算支出表等标准表）的长表形式，每个金额一行，含功能分类和经济分类科目"
	}
	return d.RegionName + "（行政区划代码 " + d.RegionCode + "）" + strconv.Itoa(d.FiscalYear) + " 年" + d.Phase.Chinese() + what +
		"。金额单位为元；空值表示未公开，不是 0。当前为第 " + strconv.Itoa(d.LatestRelease) +
		" 版；每一版都有不变的永久网址，更正会产生新版本并保留旧版本。"
}

func datasetKeywords(d store.Dataset) []string {
	kw := []string{"财政公开", "政府信息公开"}
	if d.Kind == models.KindThreePublic {
		kw = append(kw, "三公经费")
	} else {
		kw = append(kw, "部门预决算")
	}
	switch d.Phase {
	case models.PhaseBudget:
		kw = append(kw, "部门预算")
	case models.PhaseAdjusted:
		kw = append(kw, "调整预算")
	case models.PhaseFinal:
		kw = append(kw, "部门决算")
	}
	if d.RegionName != "" {
		kw = append(kw, d.RegionName)
	}
	return append(kw, strconv.Itoa(d.FiscalYear)+" 年")
}

// fiscalPeriod is the fiscal year as dates: the Chinese fiscal year is the calendar year.
func fiscalPeriod(year int) (start, end string) {
	y := strconv.Itoa(year)
	return y + "-01-01", y + "-12-31"
}

// --- DCAT-AP 3 as JSON-LD -------------------------------------------------

// dcatContext maps the prefixes the catalogue uses to their vocabularies.
var dcatContext = map[string]string{
	"dcat":   "http://www.w3.org/ns/dcat#",
	"dct":    "http://purl.org/dc/terms/",
	"dcatap": "http://data.europa.eu/r5r/",
	"foaf":   "http://xmlns.com/foaf/0.1/",
	"vcard":  "http://www.w3.org/2006/vcard/ns#",
	"skos":   "http://www.w3.org/2004/02/skos/core#",
	"rdfs":   "http://www.w3.org/2000/01/rdf-schema#",
	"xsd":    "http://www.w3.org/2001/XMLSchema#",
}

// Controlled vocabularies DCAT-AP recommends.
const (
	ianaMediaTypes = "http://www.iana.org/assignments/media-types/"
	euFileType     = "http://publications.europa.eu/resource/authority/file-type/"
	euPublicAccess = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
	euChinese      = "http://publications.europa.eu/resource/authority/language/ZHO"
	euGovernment   = "http://publications.europa.eu/resource/authority/data-theme/GOVE" // Government and public sector
	euStable       = "http://publications.europa.eu/resource/authority/planned-availability/STABLE"
)

type ldRef struct {
	ID string `json:"@id"`
}

// ldLiteral is a language-tagged string or a typed literal.
type ldLiteral struct {
	Value    string `json:"@value"`
	Language string `json:"@language,omitempty"`
	Type     string `json:"@type,omitempty"`
}

func zh(s string) ldLiteral      { return ldLiteral{Value: s, Language: "zh"} }
func xsdDate(s string) ldLiteral { return ldLiteral{Value: s, Type: "xsd:date"} }
func xsdDateTime(t time.Time) ldLiteral {
	return ldLiteral{Value: t.UTC().Format(time.RFC3339), Type: "xsd:dateTime"}
}

type ldAgent struct {
	ID       string    `json:"@id"`
	Type     string    `json:"@type"`
	Name     ldLiteral `json:"foaf:name"`
	Homepage ldRef     `json:"foaf:homepage"`
	Mbox     *ldRef    `json:"foaf:mbox,omitempty"`
}

type ldContact struct {
	Type  string `json:"@type"`
	Name  string `json:"vcard:fn"`
	Email ldRef  `json:"vcard:hasEmail"`
}

type ldPeriod struct {
	Type  string    `json:"@type"`
	Start ldLiteral `json:"dcat:startDate"`
	End   ldLiteral `json:"dcat:endDate"`
}

type ldLocation struct {
	Type       string    `json:"@type"`
	Identifier string    `json:"dct:identifier"`
	Label      ldLiteral `json:"skos:prefLabel"`
}

// ldMediaType names a media type the IANA register lacks (NDJSON) by its label.
type ldMediaType struct {
	Type  string `json:"@type"`
	Label string `json:"rdfs:label"`
}

type ldDistribution struct {
	Type         string    `json:"@type"`
	Title        ldLiteral `json:"dct:title"`
	AccessURL    ldRef     `json:"dcat:accessURL"`
	DownloadURL  ldRef     `json:"dcat:downloadURL"`
	MediaType    any       `json:"dcat:mediaType"`
	Format       *ldRef    `json:"dct:format,omitempty"`
	ConformsTo   *ldRef    `json:"dct:conformsTo,omitempty"`
	License      *ldRef    `json:"dct:license,omitempty"`
	Availability ldRef     `json:"dcatap:availability"`
	Modified     ldLiteral `json:"dct:modified"`
}

type ldDataset struct {
	ID            string           `json:"@id"`
	Type          string           `json:"@type"`
	Identifier    string           `json:"dct:identifier"`
	Title         ldLiteral        `json:"dct:title"`
	Description   ldLiteral        `json:"dct:description"`
	Publisher     ldAgent          `json:"dct:publisher"`
	ContactPoint  *ldContact       `json:"dcat:contactPoint,omitempty"`
	Temporal      ldPeriod         `json:"dct:temporal"`
	Spatial       ldLocation       `json:"dct:spatial"`
	Keywords      []ldLiteral      `json:"dcat:keyword"`
	Theme         ldRef            `json:"dcat:theme"`
	Language      ldRef            `json:"dct:language"`
	AccessRights  ldRef            `json:"dct:accessRights"`
	License       *ldRef           `json:"dct:license,omitempty"`
	Modified      ldLiteral        `json:"dct:modified"`
	Version       string           `json:"dcat:version"`
	Distributions []ldDistribution `json:"dcat:distribution"`
}

// ldCatalogHead is the catalogue without its datasets, which are streamed after it.
type ldCatalogHead struct {
	Context     map[string]string `json:"@context"`
	ID          string            `json:"@id"`
	Type        string            `json:"@type"`
	Title       ldLiteral         `json:"dct:title"`
	Description ldLiteral         `json:"dct:description"`
	Publisher   ldAgent           `json:"dct:publisher"`
	Homepage    ldRef             `json:"foaf:homepage"`
	Language    ldRef             `json:"dct:language"`
	License     *ldRef            `json:"dct:license,omitempty"`
	Modified    *ldLiteral        `json:"dct:modified,omitempty"`
}

func (o Publisher) agent(base string) ldAgent {
	a := ldAgent{ID: base + "/#publisher", Type: "foaf:Agent", Name: zh(o.Name), Homepage: ldRef{base + "/"}}
	if o.Email != "" {
		a.Mbox = &ldRef{"mailto:" + o.Email}
	}
	return a
}

func (o Publisher) licenseRef() *ldRef {
	if o.License == "" {
		return nil
	}
	return &ldRef{o.License}
}

func (o Publisher) ldDataset(base string, d store.Dataset) ldDataset {
	start, end := fiscalPeriod(d.FiscalYear)
	self := DatasetURL(base, d.ID)
	out := ldDataset{
		ID: self, Type: "dcat:Dataset", Identifier: d.ID,
		Title:       zh(DatasetTitle(d)),
		Description: zh(datasetDescription(d)),
		Publisher:   o.agent(base),
		Temporal:    ldPeriod{Type: "dct:PeriodOfTime", Start: xsdDate(start), End: xsdDate(end)},
		Spatial:     ldLocation{Type: "dct:Location", Identifier: d.RegionCode, Label: zh(d.RegionName)},
		Theme:       ldRef{euGovernment}, Language: ldRef{euChinese}, AccessRights: ldRef{euPublicAccess},
		License:  o.licenseRef(),
		Modified: xsdDateTime(d.UpdatedAt),
		Version:  strconv.Itoa(d.LatestRelease),
	}
	if o.Email != "" {
		out.ContactPoint = &ldContact{Type: "vcard:Organization", Name: o.Name, Email: ldRef{"mailto:" + o.Email}}
	}
	for _, k := range datasetKeywords(d) {
		out.Keywords = append(out.Keywords, zh(k))
	}
	links := ReleaseLinks(base, d.ID, d.LatestRelease)
	for _, f := range Distributions() {
		dist := ldDistribution{
			Type: "dcat:Distribution", Title: zh(f.Title),
			// The latest alias gives access to whatever is newest; the download URL is this release's immutable file.
			AccessURL:   ldRef{self + "/latest/" + f.Name},
			DownloadURL: ldRef{links[f.Key]},
			MediaType:   ldMediaType{Type: "dct:MediaType", Label: f.MediaType},
			License:     o.licenseRef(), Availability: ldRef{euStable}, Modified: xsdDateTime(d.UpdatedAt),
		}
		if f.IANARegistered {
			dist.MediaType = ldRef{ianaMediaTypes + f.MediaType}
		}
		if f.EUFileType != "" {
			dist.Format = &ldRef{euFileType + f.EUFileType}
		}
		if f.ConformsTo != "" {
			dist.ConformsTo = &ldRef{f.ConformsTo}
		}
		out.Distributions = append(out.Distributions, dist)
	}
	return out
}

// --- DCAT-US 1.1 (data.json) ------------------------------------------------

// The Project Open Data v1.1 schema the data.json conforms to.
const (
	podContext     = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
	podConformsTo  = "https://project-open-data.cio.gov/v1.1/schema"
	podDescribedBy = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"
)

type podPublisher struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type podContact struct {
	Type  string `json:"@type"`
	Name  string `json:"fn"`
	Email string `json:"hasEmail,omitempty"`
	URL   string `json:"hasURL,omitempty"`
}

type podDistribution struct {
	Type            string `json:"@type"`
	Title           string `json:"title"`
	DownloadURL     string `json:"downloadURL"`
	MediaType       string `json:"mediaType"`
	Format          string `json:"format"`
	ConformsTo      string `json:"conformsTo,omitempty"`
	DescribedBy     string `json:"describedBy,omitempty"`
	DescribedByType string `json:"describedByType,omitempty"`
}

type podDataset struct {
	Type               string            `json:"@type"`
	Title              string            `json:"title"`
	Description        string            `json:"description"`
	Keyword            []string          `json:"keyword"`
	Modified           string            `json:"modified"`
	Publisher          podPublisher      `json:"publisher"`
	ContactPoint       podContact        `json:"contactPoint"`
	Identifier         string            `json:"identifier"`
	AccessLevel        string            `json:"accessLevel"`
	License            string            `json:"license,omitempty"`
	Spatial            string            `json:"spatial"`
	Temporal           string            `json:"temporal"`
	Language           []string          `json:"language"`
	AccrualPeriodicity string            `json:"accrualPeriodicity"`
	DescribedBy        string            `json:"describedBy"`
	DescribedByType    string            `json:"describedByType"`
	Distribution       []podDistribution `json:"distribution"`
}

type podCatalogHead struct {
	Context     string `json:"@context"`
	ID          string `json:"@id"`
	Type        string `json:"@type"`
	ConformsTo  string `json:"conformsTo"`
	DescribedBy string `json:"describedBy"`
}

func (o Publisher) podDataset(base string, d store.Dataset) podDataset {
	start, end := fiscalPeriod(d.FiscalYear)
	links := ReleaseLinks(base, d.ID, d.LatestRelease)
	out := podDataset{
		Type: "dcat:Dataset", Title: DatasetTitle(d), Description: datasetDescription(d), Keyword: datasetKeywords(d),
		Modified:  d.UpdatedAt.UTC().Format(time.RFC3339),
		Publisher: podPublisher{Type: "org:Organization", Name: o.Name},
		// The schema wants a way to reach someone: the configured address, else the portal itself.
		ContactPoint: podContact{Type: "vcard:Contact", Name: o.Name, URL: base + "/"},
		// A URL, so the identifier stays unique when the catalogue is merged into another.
		Identifier:  DatasetURL(base, d.ID),
		AccessLevel: "public", License: o.License,
		Spatial:  d.RegionName + "（行政区划代码 " + d.RegionCode + "）",
		Temporal: start + "/" + end, Language: []string{"zh"}, AccrualPeriodicity: "irregular",
		DescribedBy: links["datapackage"], DescribedByType: "application/json",
	}
	if o.Email != "" {
		out.ContactPoint.Email, out.ContactPoint.URL = "mailto:"+o.Email, ""
	}
	for _, f := range Distributions() {
		dist := podDistribution{Type: "dcat:Distribution", Title: f.Title, DownloadURL: links[f.Key], MediaType: f.MediaType,
			Format: f.Label, ConformsTo: f.ConformsTo}
		if f.Key != "datapackage" {
			dist.DescribedBy, dist.DescribedByType = links["datapackage"], "application/json"
		}
		out.Distribution = append(out.Distribution, dist)
	}
	return out
}

// MarshalUnescaped is json.Marshal without HTML escaping, so URLs keep their & and Chinese stays readable.
func MarshalUnescaped(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// DatasetLister reads a page of the catalogue, as the store does.
type DatasetLister interface {
	Datasets(ctx context.Context, f store.DatasetFilter) ([]models.Dataset, error)
}

// withDefault names DefaultPublisher when the deployment names none.
func (o Publisher) withDefault() Publisher {
	if o.Name == "" {
		o.Name = DefaultPublisher
	}
	return o
}

// DCATHead is the DCAT-AP catalogue object (JSON-LD) without its datasets;
// newest is the dataset listed first (the catalogue changed last when it did), nil when there is none.
func (o Publisher) DCATHead(base string, newest *models.Dataset) any {
	o = o.withDefault()
	head := ldCatalogHead{
		Context: dcatContext, ID: base + "/catalog.jsonld", Type: "dcat:Catalog",
		Title:       zh(o.Name + " 财政公开数据目录"),
		Description: zh("部门预算、部门决算和“三公”经费公开数据，发布前经一致性检查，按地区、年度、阶段和类别分为数据集，每次公开或更正产生带永久网址的新版本。"),
		Publisher:   o.agent(base), Homepage: ldRef{base + "/"}, Language: ldRef{euChinese}, License: o.licenseRef(),
	}
	if newest != nil {
		m := xsdDateTime(newest.UpdatedAt)
		head.Modified = &m
	}
	return head
}

// DCATDataset is a dataset as the DCAT-AP catalogue lists it, with its latest release's files.
func (o Publisher) DCATDataset(base string, d models.Dataset) any {
	return o.withDefault().ldDataset(base, d)
}

// DataJSONHead is the DCAT-US 1.1 data.json catalogue object without its datasets.
func (o Publisher) DataJSONHead(base string) any {
	return podCatalogHead{Context: podContext, ID: base + "/data.json", Type: "dcat:Catalog", ConformsTo: podConformsTo, DescribedBy: podDescribedBy}
}

// DataJSONDataset is a dataset as data.json lists it.
func (o Publisher) DataJSONDataset(base string, d models.Dataset) any {
	return o.withDefault().podDataset(base, d)
}

// WriteCatalog writes head as a JSON object whose last member, key, is an
// array of whatever items emits, one at a time, so a catalogue of any size
// never sits whole in memory. An error after the first byte leaves the
// document unterminated, which every JSON reader notices; nothing is written
// when head cannot be encoded.
func WriteCatalog(out io.Writer, head any, key string, items func(emit func(any) error) error) error {
	obj, err := MarshalUnescaped(head)
	if err != nil {
		return err
	}
	keyJSON, _ := MarshalUnescaped(key)
	w := bufio.NewWriterSize(out, 64<<10)
	w.Write(bytes.TrimSuffix(obj, []byte("}")))
	if len(obj) > 2 {
		w.WriteByte(',')
	}
	w.Write(keyJSON)
	w.WriteString(":[\n")
	n := 0
	err = items(func(v any) error {
		b, err := MarshalUnescaped(v)
		if err != nil {
			return err
		}
		if n > 0 {
			w.WriteString(",\n")
		}
		n++
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	w.WriteString("\n]}\n")
	return w.Flush()
}

// WriteDCAT writes the DCAT-AP catalogue (JSON-LD) of every dataset cat
// lists, newest first, reading it page by page; first, when not nil, is the
// first page, already read.
func (o Publisher) WriteDCAT(ctx context.Context, w io.Writer, cat DatasetLister, base string, first []models.Dataset) error {
	var newest *models.Dataset
	if len(first) > 0 {
		newest = &first[0]
	}
	return WriteCatalog(w, o.DCATHead(base, newest), "dcat:dataset", func(emit func(any) error) error {
		return EachDataset(ctx, cat, store.DatasetFilter{}, first, func(d models.Dataset) error {
			return emit(o.DCATDataset(base, d))
		})
	})
}

// WriteDataJSON writes the DCAT-US 1.1 data.json catalogue of every dataset cat lists, as WriteDCAT does.
func (o Publisher) WriteDataJSON(ctx context.Context, w io.Writer, cat DatasetLister, base string, first []models.Dataset) error {
	return WriteCatalog(w, o.DataJSONHead(base), "dataset", func(emit func(any) error) error {
		return EachDataset(ctx, cat, store.DatasetFilter{}, first, func(d models.Dataset) error {
			return emit(o.DataJSONDataset(base, d))
		})
	})
}
