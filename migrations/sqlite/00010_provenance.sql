-- +goose Up
-- Where each figure read from a PDF was printed: the PDF's SHA-256 (its
-- bytes are in source_files), the 1-based page and the cell's box in PDF
-- points from the page's top left (as poppler measures it). Keyed by the
-- figure's place in its filing (table, code, column; a 三公 field is table
-- three_public, code '', column the field key), like the line items it
-- stands beside: a table uploaded again replaces its sources, a draft copied
-- from a published version copies them. Figures from a workbook or CSV have
-- no row here.
CREATE TABLE figure_sources (
    id        INTEGER PRIMARY KEY,
    filing_id INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
    tbl       TEXT    NOT NULL,
    code      TEXT    NOT NULL,
    col       TEXT    NOT NULL,
    sha256    TEXT    NOT NULL,
    page      INTEGER NOT NULL,
    x0        REAL    NOT NULL,
    y0        REAL    NOT NULL,
    x1        REAL    NOT NULL,
    y1        REAL    NOT NULL
);
CREATE INDEX figure_sources_filing ON figure_sources (filing_id, tbl);

-- The original of every uploaded PDF that figures were read from, by its
-- SHA-256 (uploads.sha256), so each figure links to the page it was printed
-- on (…/sources/{sha256}/source.pdf#page=N) and the desk renders that page.
CREATE TABLE source_files (
    sha256     TEXT     PRIMARY KEY NOT NULL,
    media_type TEXT     NOT NULL,
    size       INTEGER  NOT NULL,
    content    BLOB     NOT NULL,
    created_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE source_files;
DROP TABLE figure_sources;
