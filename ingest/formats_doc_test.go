package ingest

import (
	"os"
	"strings"
	"testing"
)

// TestFormatsDoc_NamesEveryHeader keeps docs/formats.md true: every column of
// both upload kinds appears there by its English key, its Chinese header and
// each alias accepted for it.
func TestFormatsDoc_NamesEveryHeader(t *testing.T) {
	doc, err := os.ReadFile("../docs/formats.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for kind, fs := range kindFields {
		for _, f := range fs {
			if !strings.Contains(text, "`"+f.key+"`") {
				t.Errorf("docs/formats.md does not name the %s column `%s`", kind, f.key)
			}
			for _, name := range append([]string{f.chinese}, f.aliases...) {
				if !strings.Contains(text, name) {
					t.Errorf("docs/formats.md does not name the %s header %q (%s)", kind, name, f.key)
				}
			}
		}
	}
}
