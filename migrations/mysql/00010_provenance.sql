-- +goose Up
-- Where each figure read from a PDF was printed, and the PDFs themselves: see the sqlite file.
CREATE TABLE figure_sources (
    id        BIGINT AUTO_INCREMENT PRIMARY KEY,
    filing_id BIGINT NOT NULL,
    tbl       VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    code      VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    col       VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    sha256    CHAR(64) CHARACTER SET ascii NOT NULL,
    page      INT NOT NULL,
    x0        DOUBLE NOT NULL,
    y0        DOUBLE NOT NULL,
    x1        DOUBLE NOT NULL,
    y1        DOUBLE NOT NULL,
    KEY figure_sources_filing (filing_id, tbl),
    CONSTRAINT figure_sources_filing FOREIGN KEY (filing_id) REFERENCES filings(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE source_files (
    sha256     CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    media_type VARCHAR(64) CHARACTER SET ascii NOT NULL,
    size       BIGINT NOT NULL,
    content    LONGBLOB NOT NULL,
    created_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE source_files;
DROP TABLE figure_sources;
