-- +goose Up
-- Where a workbook printed each figure of a filing (sheet and cell, as Excel
-- names it: 表3!D12), keyed like the line items (table, code, column; the
-- 三公 record is table three_public, code and column ''). An upload's
-- findings were placed from the workbook in memory; these rows let a finding
-- that first appears when the draft is checked again later (a code list
-- loaded, a peer published, a scheduled act) name its cell too. A table
-- uploaded again replaces its rows; a draft copied from a published version
-- copies them. Figures from a CSV or a PDF have none (a PDF's are in
-- figure_sources).
CREATE TABLE figure_cells (
    filing_id INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
    tbl       TEXT    NOT NULL,
    code      TEXT    NOT NULL,
    col       TEXT    NOT NULL,
    sheet     TEXT    NOT NULL,
    cell      TEXT    NOT NULL,
    PRIMARY KEY (filing_id, tbl, code, col)
);

-- +goose Down
DROP TABLE figure_cells;
