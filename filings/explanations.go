package filings

import (
	"context"

	"sunshine/models"
)

// addExplanations keeps a PDF's prose sections (情况说明, 名词解释 …) with the
// draft, replacing the ones it had: an upload that carries none (a CSV, a
// workbook) never comes here and leaves them as they are. Each section
// links to its page of the upload's PDF, kept as its original.
func (w *writer) addExplanations(ctx context.Context, f models.Filing, sections []models.ExplanationSection) error {
	sum, _, err := w.hash()
	if err != nil {
		return err
	}
	for i := range sections {
		sections[i].SHA256 = sum
	}
	w.explained = true
	return w.tx.ReplaceExplanations(ctx, f.ID, sections)
}
