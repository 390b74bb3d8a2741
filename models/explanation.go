package models

import (
	"strconv"
	"strings"
)

// ExplanationSection is one section of the prose a disclosure PDF prints
// around its tables (部门概况, 情况说明, 名词解释 …), as printed: its heading
// (第三部分…情况说明, 一、收入支出决算总体情况说明; "" for text before the
// first heading), its paragraphs joined by "\n" ("" for a heading with
// nothing under it but further headings), the 1-based page its heading is
// printed on, and the SHA-256 of the PDF it was read from. Seq orders a
// filing's sections from 1. A filing from a workbook or CSV has none.
type ExplanationSection struct {
	FilingID int64  `db:"filing_id" json:"-"`
	Seq      int    `db:"seq" json:"seq"`
	Heading  string `db:"heading" json:"heading"`
	Text     string `db:"text" json:"text"`
	Page     int    `db:"page" json:"page"`
	SHA256   string `db:"sha256" json:"sha256"`
}

// Paragraphs are the section's paragraphs.
func (e ExplanationSection) Paragraphs() []string {
	if e.Text == "" {
		return nil
	}
	return strings.Split(e.Text, "\n")
}

// Part reports a heading of a whole part of the document (第三部分…), above
// the numbered chapters.
func (e ExplanationSection) Part() bool {
	rest, ok := strings.CutPrefix(e.Heading, "第")
	if !ok {
		return false
	}
	i := strings.Index(rest, "部分")
	return i > 0 && strings.Trim(rest[:i], "一二三四五六七八九十") == ""
}

// Link is the section's page of its PDF (/api/v1/sources/{sha256}/source.pdf#page=N),
// "" when the page or the PDF is not known.
func (e ExplanationSection) Link() string {
	if e.SHA256 == "" || e.Page < 1 {
		return ""
	}
	return SourcePath(e.SHA256) + "#page=" + strconv.Itoa(e.Page)
}
