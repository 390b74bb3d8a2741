package checks

import (
	"slices"
	"testing"
)

func TestPublishedRowCodes_CoverEveryHeadline(t *testing.T) {
	codes := PublishedRowCodes()
	for _, h := range headlines {
		if h.code != "" && !slices.Contains(codes, h.code) {
			t.Errorf("headline %s/%s is read from published filings but not in PublishedRowCodes", h.table, h.code)
		}
	}
}
