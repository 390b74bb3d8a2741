package checks_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"sunshine/checks"
)

var update = flag.Bool("update", false, "rewrite docs/rules.md from the catalogue")

const rulesDoc = "../docs/rules.md"

// examples returns, for each rule, the message of the first finding at the
// rule's own severity that its table test produces.
func examples() map[string]string {
	out := map[string]string{}
	for _, r := range checks.Catalogue {
	cases:
		for _, c := range allCases[r.Key] {
			for _, f := range ofRule(run(c), r.Key) {
				if f.Severity == r.Severity {
					out[r.Key] = f.Message
					break cases
				}
			}
		}
	}
	return out
}

func TestRulesDoc_IsUpToDate(t *testing.T) {
	want := checks.CatalogueMarkdown(examples())
	if *update {
		if err := os.WriteFile(rulesDoc, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(rulesDoc)
	if err != nil {
		t.Fatalf("%v; run `go generate ./checks/`", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/rules.md is stale; run `go generate ./checks/`")
	}
	for _, r := range checks.Catalogue {
		if !bytes.Contains(got, []byte("### `"+r.Key+"`")) {
			t.Errorf("docs/rules.md lacks %s", r.Key)
		}
	}
}
