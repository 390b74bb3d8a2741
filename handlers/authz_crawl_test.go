package handlers_test

import (
	"archive/zip"
	"bytes"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// needle is one form a draft's figure or name may take in an answer.
type needle struct {
	what string
	re   *regexp.Regexp // or
	lit  []byte         // bytes that are no UTF-8 (a GB18030 name)
}

// find returns where n is in b, or nil.
func (n needle) find(b []byte) []int {
	if n.re != nil {
		return n.re.FindIndex(b)
	}
	if i := bytes.Index(b, n.lit); i >= 0 {
		return []int{i, i + len(n.lit)}
	}
	return nil
}

// amountForms are the ways an amount of yuan (given as "987654.32") is
// printed: 元 with and without thousands separators, 万元 rounded to two
// places, cut to four and exact (six), and fen; a form is found only where it is not
// part of a longer number.
func amountForms(yuan string) []needle {
	whole, cents, _ := strings.Cut(yuan, ".")
	fen := strings.TrimLeft(whole+cents, "0")
	// 万元: the digits moved four places; two places rounded as the pages print them.
	wan := whole[:len(whole)-4] + "." + whole[len(whole)-4:] + cents // exact, as the feeds print 万元
	wan4 := wan[:len(wan)-2]
	wan2 := roundWan(whole)
	sep := ""
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			sep += ","
		}
		sep += string(d)
	}
	var out []needle
	for _, f := range []string{yuan, sep + "." + cents, wan2, wan4, wan, fen} {
		out = append(out, needle{what: f, re: regexp.MustCompile(`(^|[^0-9.,])` + regexp.QuoteMeta(f) + `($|[^0-9])`)})
	}
	return out
}

// roundWan is the 万元 figure of a whole number of yuan to two places, half up.
func roundWan(whole string) string {
	n := 0
	for _, d := range whole {
		n = n*10 + int(d-'0')
	}
	hundredths := (n + 50) / 100 // yuan → 万元 × 100
	s := itoa(int64(hundredths))
	for len(s) < 3 {
		s = "0" + s
	}
	return s[:len(s)-2] + "." + s[len(s)-2:]
}

// nameForms are a name in UTF-8 and in GB18030 (the CSV downloads' other encoding).
func nameForms(name string) []needle {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(name)
	if err != nil {
		panic(err)
	}
	return []needle{{what: name, re: regexp.MustCompile(regexp.QuoteMeta(name))},
		{what: name + " (GB18030)", lit: []byte(gb)}}
}

// answer is what the crawler fetched: the route and its bytes, a ZIP's
// (or XLSX's) members unpacked.
type answer struct {
	url    string
	status int
	ctype  string
	parts  map[string][]byte // "" is the body itself
}

// linkRe finds the service's own links in HTML, JSON, XML and CSV: href and
// src attributes, and quoted absolute or root-relative URLs.
var linkRe = regexp.MustCompile(`(?:href|src)="([^"]+)"|"(https?://example\.com/[^"\s]*)"|"(/[a-z][^"\s]*)"|<(?:id|link)>(https?://example\.com/[^<\s]*)<`)

// jsonEscapes are the characters Go's JSON encoder escapes in URLs.
var jsonEscapes = strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">")

func links(body []byte) []string {
	var out []string
	for _, m := range linkRe.FindAllSubmatch(body, -1) {
		for _, g := range m[1:] {
			if len(g) == 0 {
				continue
			}
			u := html.UnescapeString(jsonEscapes.Replace(string(g)))
			u = strings.TrimPrefix(strings.TrimPrefix(u, "http://example.com"), "https://example.com")
			// Not the OpenAPI document's path templates, nor the parts an XLSX names inside itself.
			if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && !strings.Contains(u, "{") &&
				!strings.HasPrefix(u, "/xl/") && !strings.HasPrefix(u, "/docProps/") {
				if i := strings.IndexByte(u, '#'); i >= 0 {
					u = u[:i]
				}
				out = append(out, u)
			}
		}
	}
	return out
}

// crawl fetches every seed and every link of the service's it finds that
// keep accepts (nil: all), with the caller's headers, up to limit URLs,
// skipping the desk.
func crawl(t *testing.T, h http.Handler, seeds []string, limit int, header map[string]string, keep func(string) bool) []answer {
	t.Helper()
	seen := map[string]bool{}
	queue := append([]string(nil), seeds...)
	var out []answer
	for len(queue) > 0 && len(out) < limit {
		u := queue[0]
		queue = queue[1:]
		if seen[u] || strings.HasPrefix(u, "/desk") || u == "/metrics" || (keep != nil && !keep(u)) {
			continue
		}
		seen[u] = true
		req := httptest.NewRequest("GET", u, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		w := serveReq(h, req)
		a := answer{url: u, status: w.Code, ctype: w.Header().Get("Content-Type"), parts: map[string][]byte{"": w.Body.Bytes()}}
		if loc := w.Header().Get("Location"); loc != "" {
			queue = append(queue, strings.TrimPrefix(loc, "http://example.com"))
		}
		body := w.Body.Bytes()
		if bytes.HasPrefix(body, []byte("PK\x03\x04")) {
			unzip(t, u, body, "", a.parts)
		}
		for _, p := range a.parts {
			queue = append(queue, links(p)...)
		}
		out = append(out, a)
	}
	if len(queue) > 0 {
		var left []string
		for _, u := range queue {
			if !seen[u] && !strings.HasPrefix(u, "/desk") && (keep == nil || keep(u)) {
				left = append(left, u)
			}
		}
		if len(left) > 0 {
			sort.Strings(left)
			t.Logf("crawl stopped at %d URLs; %d not fetched, e.g. %s", limit, len(left), left[0])
		}
	}
	return out
}

// unzip adds every member of a ZIP (a bulk download, an XLSX) to parts, recursively.
func unzip(t *testing.T, u string, body []byte, prefix string, parts map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Errorf("%s: %s is no readable ZIP: %v", u, prefix, err)
		return
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Errorf("%s: %s%s: %v", u, prefix, f.Name, err)
			continue
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Errorf("%s: %s%s: %v", u, prefix, f.Name, err)
			continue
		}
		parts[prefix+f.Name] = b
		if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
			unzip(t, u, b, prefix+f.Name+"/", parts)
		}
	}
}
