-- +goose Up
-- The precision each figure was printed at and the tables' notes: see the sqlite file.
ALTER TABLE line_items ADD COLUMN decimals SMALLINT NULL;
ALTER TABLE three_public ADD COLUMN decimals SMALLINT NULL;

CREATE TABLE table_notes (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    filing_id  BIGINT NOT NULL,
    tbl        VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    note       TEXT NOT NULL,
    source_row INT NOT NULL DEFAULT 0,
    KEY table_notes_filing (filing_id),
    CONSTRAINT table_notes_filing FOREIGN KEY (filing_id) REFERENCES filings(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE table_notes;
ALTER TABLE three_public DROP COLUMN decimals;
ALTER TABLE line_items DROP COLUMN decimals;
