package docs

import (
	"os"
	"strings"
	"testing"

	"sunshine/models"
)

// TestFormats_NamesEveryTable keeps docs/formats.md's table list true: every
// standard table with both titles, and every column and row key with its
// Chinese name, as models.Tables defines them.
func TestFormats_NamesEveryTable(t *testing.T) {
	doc, err := os.ReadFile("formats.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, spec := range models.Tables {
		for _, want := range []string{"`" + string(spec.Key) + "`", spec.BudgetName, spec.FinalName} {
			if !strings.Contains(text, want) {
				t.Errorf("formats.md lacks %s of table %s", want, spec.Key)
			}
		}
		for _, c := range append(append([]models.ColumnSpec(nil), spec.Columns...), spec.FinalColumns...) {
			if !strings.Contains(text, "`"+c.Key+"` "+c.Chinese) {
				t.Errorf("formats.md lacks column `%s` %s of table %s", c.Key, c.Chinese, spec.Key)
			}
		}
		for _, r := range spec.Rows {
			if !strings.Contains(text, "`"+r.Key+"` "+r.Chinese) {
				t.Errorf("formats.md lacks row `%s` %s of table %s", r.Key, r.Chinese, spec.Key)
			}
		}
	}
}
