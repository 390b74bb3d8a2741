package handlers_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/exports"
	"sunshine/exports/exportstest"
	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/ingest"
	"sunshine/store"
	"sunshine/store/storetest"
)

// A deployment that named its publisher, licence and contact.
var configured = handlers.Deps{
	PublisherName: "资兴市财政局",
	LicenseURL:    "https://creativecommons.org/licenses/by/4.0/",
	ContactEmail:  "open@zixing.example.gov.cn",
}

// handlerWith is the service over s with the open-data settings of d.
func handlerWith(s *store.Store, d handlers.Deps) http.Handler {
	d.Store, d.Log, d.Registry = s, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry()
	d.Filings = &filings.Service{Store: s, Options: ingest.DefaultOptions()}
	return handlers.New(d)
}

// serve answers a GET as the documented server (http://localhost:8080) would receive it.
func serve(h http.Handler, path string) (*http.Request, *httptest.ResponseRecorder) {
	req := httptest.NewRequest("GET", "http://localhost:8080"+path, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return req, w
}

// catalogFixture publishes three datasets of 2024 and one line-items dataset of 2025.
func catalogFixture(t *testing.T, a *api) {
	t.Helper()
	regionYearFixture(t, a)
	up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "line_items_utf8.csv", nil, ""))
	a.publish(t, up.Filings[0].ID, "")
}

type jsonObject = map[string]any

func parseJSON(t *testing.T, w *httptest.ResponseRecorder) jsonObject {
	t.Helper()
	var v jsonObject
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, w.Body)
	}
	return v
}

func objects(t *testing.T, v any, what string) []jsonObject {
	t.Helper()
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		t.Fatalf("%s: want a non-empty array, got %#v", what, v)
	}
	out := make([]jsonObject, len(list))
	for i, x := range list {
		if out[i], ok = x.(jsonObject); !ok {
			t.Fatalf("%s[%d]: want an object, got %#v", what, i, x)
		}
	}
	return out
}

// checkCompactIRIs walks a JSON-LD document and fails on any property or
// @type whose prefix the context does not define: such a term would be
// dropped (or become a relative IRI) when the document is expanded.
func checkCompactIRIs(t *testing.T, ctx jsonObject, v any, path string) {
	t.Helper()
	prefixOK := func(term string) bool {
		prefix, _, ok := strings.Cut(term, ":")
		_, defined := ctx[prefix]
		return ok && defined
	}
	switch x := v.(type) {
	case jsonObject:
		for k, val := range x {
			switch {
			case k == "@context":
			case k == "@type":
				if s, ok := val.(string); !ok || !prefixOK(s) {
					t.Errorf("%s.@type %v: not a compact IRI of the context", path, val)
				}
			case strings.HasPrefix(k, "@"):
			case !prefixOK(k):
				t.Errorf("%s.%s: the context does not define its prefix", path, k)
			default:
				checkCompactIRIs(t, ctx, val, path+"."+k)
			}
		}
	case []any:
		for _, e := range x {
			checkCompactIRIs(t, ctx, e, path)
		}
	}
}

// literal reads a JSON-LD value object and checks its language or datatype.
func literal(t *testing.T, v any, what, language, datatype string) string {
	t.Helper()
	o, ok := v.(jsonObject)
	s, _ := o["@value"].(string)
	if !ok || s == "" || (language != "" && o["@language"] != language) || (datatype != "" && o["@type"] != datatype) {
		t.Errorf("%s: want a value object (%s%s), got %#v", what, language, datatype, v)
	}
	return s
}

func ref(t *testing.T, v any, what string) string {
	t.Helper()
	o, _ := v.(jsonObject)
	id, _ := o["@id"].(string)
	if id == "" {
		t.Errorf("%s: want an IRI reference, got %#v", what, v)
	}
	return id
}

// fetchable checks that a link of the catalogue answers.
func fetchable(t *testing.T, h http.Handler, link string) {
	t.Helper()
	path := strings.TrimPrefix(link, "http://localhost:8080")
	if path == link {
		t.Errorf("%s is not on this server", link)
		return
	}
	if _, w := serve(h, path); w.Code != 200 && w.Code != 302 {
		t.Errorf("%s answers %d", link, w.Code)
	}
}

func TestCatalogJSONLD_DCATAP3WithEveryDatasetAndDistribution(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	catalogFixture(t, a)
	_, router := loadSpec(t)
	for name, deps := range map[string]handlers.Deps{"defaults": {}, "configured": configured} {
		t.Run(name, func(t *testing.T) {
			h := handlerWith(s, deps)
			req, w := serve(h, "/catalog.jsonld")
			if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/ld+json") ||
				w.Header().Get("Access-Control-Allow-Origin") != "*" || w.Header().Get("Cache-Control") != "no-cache" {
				t.Fatalf("%d %v", w.Code, w.Header())
			}
			validateAnswer(t, router, req, w)
			doc := parseJSON(t, w)
			ctx, _ := doc["@context"].(jsonObject)
			for prefix, iri := range map[string]string{"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
				"foaf": "http://xmlns.com/foaf/0.1/", "xsd": "http://www.w3.org/2001/XMLSchema#"} {
				if ctx[prefix] != iri {
					t.Errorf("@context %s = %v, want %s", prefix, ctx[prefix], iri)
				}
			}
			checkCompactIRIs(t, ctx, doc, "catalog")
			wantPublisher := handlers.DefaultPublisher
			if deps.PublisherName != "" {
				wantPublisher = deps.PublisherName
			}
			// Catalogue (DCAT-AP 3 mandatory: title, description, publisher).
			if doc["@type"] != "dcat:Catalog" || ref(t, doc, "catalog") != "http://localhost:8080/catalog.jsonld" {
				t.Errorf("catalog: %v %v", doc["@type"], doc["@id"])
			}
			literal(t, doc["dct:title"], "catalog title", "zh", "")
			literal(t, doc["dct:description"], "catalog description", "zh", "")
			checkAgent := func(v any, what string) {
				a, _ := v.(jsonObject)
				if a["@type"] != "foaf:Agent" || literal(t, a["foaf:name"], what+" name", "zh", "") != wantPublisher {
					t.Errorf("%s: %#v", what, v)
				}
			}
			checkAgent(doc["dct:publisher"], "catalog publisher")
			checkLicense := func(v jsonObject, what string) {
				if deps.LicenseURL == "" {
					if _, ok := v["dct:license"]; ok {
						t.Errorf("%s states a licence nobody configured", what)
					}
				} else if ref(t, v["dct:license"], what+" licence") != deps.LicenseURL {
					t.Errorf("%s licence: %v", what, v["dct:license"])
				}
			}
			checkLicense(doc, "catalog")

			datasets := objects(t, doc["dcat:dataset"], "dcat:dataset")
			if len(datasets) != 4 {
				t.Fatalf("datasets: %d, want 4", len(datasets))
			}
			seen := map[string]bool{}
			for _, d := range datasets {
				id, _ := d["dct:identifier"].(string)
				what := "dataset " + id
				if d["@type"] != "dcat:Dataset" || id == "" || seen[id] || ref(t, d, what) != "http://localhost:8080/api/v1/datasets/"+id {
					t.Errorf("%s: @type %v, @id %v (seen before: %v)", what, d["@type"], d["@id"], seen[id])
				}
				seen[id] = true
				title := literal(t, d["dct:title"], what+" title", "zh", "")
				literal(t, d["dct:description"], what+" description", "zh", "")
				checkAgent(d["dct:publisher"], what+" publisher")
				checkLicense(d, what)
				modified := literal(t, d["dct:modified"], what+" modified", "", "xsd:dateTime")
				if _, err := time.Parse(time.RFC3339, modified); err != nil {
					t.Errorf("%s modified: %v", what, err)
				}
				year := id[7:11]
				period, _ := d["dct:temporal"].(jsonObject)
				if period["@type"] != "dct:PeriodOfTime" || literal(t, period["dcat:startDate"], what+" start", "", "xsd:date") != year+"-01-01" ||
					literal(t, period["dcat:endDate"], what+" end", "", "xsd:date") != year+"-12-31" {
					t.Errorf("%s temporal: %#v", what, period)
				}
				place, _ := d["dct:spatial"].(jsonObject)
				if place["@type"] != "dct:Location" || place["dct:identifier"] != "431081" ||
					literal(t, place["skos:prefLabel"], what+" place", "zh", "") != "资兴市（演示）" {
					t.Errorf("%s spatial: %#v", what, place)
				}
				if !strings.Contains(title, year) {
					t.Errorf("%s title %q lacks the year", what, title)
				}
				for i, k := range objects(t, d["dcat:keyword"], what+" keywords") {
					literal(t, k, what+" keyword", "zh", "")
					_ = i
				}
				contact, hasContact := d["dcat:contactPoint"].(jsonObject)
				if deps.ContactEmail != "" && (!hasContact || ref(t, contact["vcard:hasEmail"], what+" contact") != "mailto:"+deps.ContactEmail) {
					t.Errorf("%s contact: %#v", what, d["dcat:contactPoint"])
				}
				if deps.ContactEmail == "" && hasContact {
					t.Errorf("%s has a contact point nobody configured", what)
				}
				dists := objects(t, d["dcat:distribution"], what+" distributions")
				if len(dists) != len(exports.Distributions()) {
					t.Errorf("%s: %d distributions, want one per format", what, len(dists))
				}
				for _, dist := range dists {
					download := ref(t, dist["dcat:downloadURL"], what+" downloadURL")
					if dist["@type"] != "dcat:Distribution" || !strings.Contains(download, "/releases/") {
						t.Errorf("%s distribution: %#v", what, dist)
					}
					ref(t, dist["dcat:accessURL"], what+" accessURL") // mandatory in DCAT-AP
					literal(t, dist["dct:title"], what+" distribution title", "zh", "")
					literal(t, dist["dct:modified"], what+" distribution modified", "", "xsd:dateTime")
					mt, _ := dist["dcat:mediaType"].(jsonObject)
					if id, _ := mt["@id"].(string); !strings.HasPrefix(id, "http://www.iana.org/assignments/media-types/") && mt["rdfs:label"] == nil {
						t.Errorf("%s mediaType: %#v", what, mt)
					}
					checkLicense(dist, what+" distribution")
					fetchable(t, h, download)
					fetchable(t, h, ref(t, dist["dcat:accessURL"], ""))
				}
			}
			if w.Body.Len() == 0 || bytes.Contains(w.Body.Bytes(), []byte(`\u0026`)) {
				t.Errorf("links are HTML-escaped")
			}
		})
	}
}

var (
	isoDateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$`)
	isoInterval = regexp.MustCompile(`^\d{4}-01-01/\d{4}-12-31$`)
	mediaType   = regexp.MustCompile(`^[-\w]+/[-\w]+(\.[-\w]+)*([+][-\w]+)?$`) // the POD v1.1 schema's pattern
)

func TestDataJSON_DCATUS11WithEveryRequiredField(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	catalogFixture(t, a)
	_, router := loadSpec(t)
	for name, deps := range map[string]handlers.Deps{"defaults": {}, "configured": configured} {
		t.Run(name, func(t *testing.T) {
			h := handlerWith(s, deps)
			req, w := serve(h, "/data.json")
			if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") ||
				w.Header().Get("Access-Control-Allow-Origin") != "*" {
				t.Fatalf("%d %v", w.Code, w.Header())
			}
			validateAnswer(t, router, req, w)
			doc := parseJSON(t, w)
			if doc["@context"] != "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld" || doc["@type"] != "dcat:Catalog" ||
				doc["conformsTo"] != "https://project-open-data.cio.gov/v1.1/schema" ||
				doc["describedBy"] != "https://project-open-data.cio.gov/v1.1/schema/catalog.json" {
				t.Errorf("catalog: %v", doc)
			}
			datasets := objects(t, doc["dataset"], "dataset")
			if len(datasets) != 4 {
				t.Fatalf("datasets: %d", len(datasets))
			}
			ids := map[string]bool{}
			for _, d := range datasets {
				id, _ := d["identifier"].(string)
				what := "dataset " + id
				for _, key := range []string{"title", "description", "modified", "identifier", "accessLevel", "temporal", "spatial"} {
					if s, _ := d[key].(string); s == "" {
						t.Errorf("%s: %s missing", what, key)
					}
				}
				if d["@type"] != "dcat:Dataset" || ids[id] || !strings.HasPrefix(id, "http://localhost:8080/api/v1/datasets/") {
					t.Errorf("%s: @type %v, repeated %v", what, d["@type"], ids[id])
				}
				ids[id] = true
				if d["accessLevel"] != "public" || !isoDateTime.MatchString(d["modified"].(string)) || !isoInterval.MatchString(d["temporal"].(string)) {
					t.Errorf("%s: accessLevel %v modified %v temporal %v", what, d["accessLevel"], d["modified"], d["temporal"])
				}
				if kw, _ := d["keyword"].([]any); len(kw) == 0 {
					t.Errorf("%s: no keyword", what)
				}
				pub, _ := d["publisher"].(jsonObject)
				wantPublisher := handlers.DefaultPublisher
				if deps.PublisherName != "" {
					wantPublisher = deps.PublisherName
				}
				if pub["@type"] != "org:Organization" || pub["name"] != wantPublisher {
					t.Errorf("%s publisher: %v", what, pub)
				}
				cp, _ := d["contactPoint"].(jsonObject)
				email, _ := cp["hasEmail"].(string)
				if cp["@type"] != "vcard:Contact" || cp["fn"] == "" ||
					(deps.ContactEmail != "" && email != "mailto:"+deps.ContactEmail) || (deps.ContactEmail == "" && (email != "" || cp["hasURL"] == nil)) {
					t.Errorf("%s contactPoint: %v", what, cp)
				}
				if license, ok := d["license"]; (deps.LicenseURL == "" && ok) || (deps.LicenseURL != "" && license != deps.LicenseURL) {
					t.Errorf("%s license: %v", what, license)
				}
				for _, dist := range objects(t, d["distribution"], what+" distribution") {
					download, _ := dist["downloadURL"].(string)
					mt, _ := dist["mediaType"].(string)
					if dist["@type"] != "dcat:Distribution" || !mediaType.MatchString(mt) || dist["title"] == "" || dist["format"] == "" {
						t.Errorf("%s distribution: %v", what, dist)
					}
					fetchable(t, h, download)
				}
				fetchable(t, h, d["describedBy"].(string))
			}
		})
	}
}

// The bulk ZIP of a deployment that declared a licence carries it in its data package and README.
func TestBulk_StatesTheConfiguredLicence(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	publishedFixture(t, a)
	_, w := serve(handlerWith(s, configured), "/api/v1/bulk/431081-2024.zip")
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatalf("%d: %v", w.Code, err)
	}
	descriptor, _ := fs.ReadFile(zr, "datapackage.json")
	if err := exportstest.ValidatePackage(descriptor, zr); err != nil {
		t.Fatal(err)
	}
	var p exports.Package
	json.Unmarshal(descriptor, &p)
	readme, _ := fs.ReadFile(zr, "README.txt")
	if len(p.Licenses) != 1 || p.Licenses[0].Path != configured.LicenseURL || !strings.Contains(string(readme), "许可："+configured.LicenseURL) ||
		!strings.Contains(string(readme), configured.ContactEmail) || !strings.HasPrefix(string(readme), configured.PublisherName) {
		t.Fatalf("licences %+v\n%s", p.Licenses, readme)
	}
}

func TestOpenData_AnswersMatchTheDocument(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	publishedFixture(t, a)
	_, router := loadSpec(t)
	for _, path := range []string{"/api/v1/bulk/431081-2024.zip", "/api/v1/bulk/431081-2023.zip", "/api/v1/bulk/431081.zip",
		"/openapi.json"} {
		req, w := serve(a.h, path)
		validateAnswer(t, router, req, w)
	}
}
