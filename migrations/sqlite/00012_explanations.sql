-- +goose Up
-- The prose a disclosure PDF prints around its tables (部门概况, 情况说明,
-- 名词解释 …), section by section as printed: the heading ('' for text
-- before the first heading), the paragraphs joined by a newline, the 1-based
-- page the heading is printed on and the SHA-256 of the PDF (its bytes are in
-- source_files), for a link to that page. seq orders a filing's sections
-- from 1. An upload that carries explanations (a PDF) replaces the draft's;
-- one that carries none (a CSV, a workbook) keeps them; a draft copied from
-- a published version copies them. Filings from workbooks or CSV files alone
-- have no row here.
CREATE TABLE explanations (
    filing_id INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    heading   TEXT    NOT NULL,
    text      TEXT    NOT NULL,
    page      INTEGER NOT NULL,
    sha256    TEXT    NOT NULL,
    PRIMARY KEY (filing_id, seq)
);

-- +goose Down
DROP TABLE explanations;
