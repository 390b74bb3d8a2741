-- +goose Up
-- Where a workbook printed each figure of a filing: see the sqlite file.
CREATE TABLE figure_cells (
    filing_id BIGINT NOT NULL,
    tbl       VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    code      VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    col       VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    sheet     VARCHAR(64) NOT NULL,
    cell      VARCHAR(16) CHARACTER SET ascii NOT NULL,
    PRIMARY KEY (filing_id, tbl, code, col),
    CONSTRAINT figure_cells_filing FOREIGN KEY (filing_id) REFERENCES filings(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE figure_cells;
