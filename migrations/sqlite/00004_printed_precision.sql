-- +goose Up
-- The precision each figure was printed at, so the checks' rounding tolerance
-- follows the document (whole 元, 元 to the fen, whole 万元, 万元 to 0.01 …):
-- the number of decimals written in its unit. NULL for figures stored before
-- this column existed, which the checks take as two decimals (the old rule).
-- For a 三公 record it is the coarsest of its non-zero amounts.
ALTER TABLE line_items ADD COLUMN decimals INTEGER;
ALTER TABLE three_public ADD COLUMN decimals INTEGER;

-- The notes a published table carries: the empty-table note
-- (本部门无…，此表为空表) and a table's 说明 text. Versioned with the filing
-- like its line items; a table uploaded again replaces its notes.
CREATE TABLE table_notes (
    id         INTEGER PRIMARY KEY,
    filing_id  INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
    tbl        TEXT    NOT NULL,
    note       TEXT    NOT NULL,
    source_row INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX table_notes_filing ON table_notes (filing_id);

-- +goose Down
DROP TABLE table_notes;
ALTER TABLE three_public DROP COLUMN decimals;
ALTER TABLE line_items DROP COLUMN decimals;
