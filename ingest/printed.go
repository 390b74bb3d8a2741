package ingest

import "sunshine/models"

// Printed is what a document in the official layout (a workbook or a
// disclosure PDF) printed of its filing: the department, year and phase
// its table titles agree on, a PDF's cover filling what they leave out.
// A field is empty where the document says nothing, or where its tables
// disagree. The desk offers these for the clerk to confirm when an upload
// lacks the codes no such document prints (region_code, dept_code).
type Printed struct {
	DeptName   string
	FiscalYear int
	Phase      models.Phase
}

// PrintedOf returns what r read from the titles of an official-layout
// workbook or a PDF; ok is false for the readers of the other formats
// (CSV, the flat and template workbooks), whose cells name the filing row
// by row.
func PrintedOf(r Reader) (p Printed, ok bool) {
	for {
		c, wrapped := r.(*closerReader)
		if !wrapped {
			break
		}
		r = c.Reader
	}
	l, isLayout := r.(*layoutReader)
	if !isLayout {
		return Printed{}, false
	}
	w := l.printed
	p.DeptName = w.dept
	if !w.yearMixed {
		p.FiscalYear = w.year
	}
	if !w.phaseMixed {
		p.Phase = w.phase
	}
	return p, true
}
