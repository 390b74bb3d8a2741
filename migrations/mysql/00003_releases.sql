-- +goose Up
-- Datasets and their numbered releases: see the sqlite file.

CREATE TABLE datasets (
    id             VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    region_code    VARCHAR(6)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    fiscal_year    INT NOT NULL,
    phase          VARCHAR(10) CHARACTER SET ascii NOT NULL,
    kind           VARCHAR(16) CHARACTER SET ascii NOT NULL,
    latest_release INT NOT NULL DEFAULT 0,
    updated_at     DATETIME(6) NOT NULL,
    CONSTRAINT datasets_kind CHECK (kind IN ('three_public', 'line_items')),
    CONSTRAINT datasets_region FOREIGN KEY (region_code) REFERENCES regions(code),
    UNIQUE KEY datasets_key (region_code, fiscal_year, phase, kind),
    KEY datasets_updated (updated_at, id),
    KEY datasets_year (fiscal_year, phase, kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE releases (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    dataset_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    number     INT NOT NULL,
    action     VARCHAR(12) CHARACTER SET ascii NOT NULL,
    filing_id  BIGINT NOT NULL,
    note       TEXT NOT NULL,
    row_count  INT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    created_by VARCHAR(100) NOT NULL,
    CONSTRAINT releases_action CHECK (action IN ('publish', 'correction', 'withdrawal')),
    CONSTRAINT releases_dataset FOREIGN KEY (dataset_id) REFERENCES datasets(id),
    CONSTRAINT releases_filing FOREIGN KEY (filing_id) REFERENCES filings(id),
    UNIQUE KEY releases_number (dataset_id, number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE release_filings (
    release_id BIGINT NOT NULL,
    filing_id  BIGINT NOT NULL,
    PRIMARY KEY (release_id, filing_id),
    KEY release_filings_filing (filing_id),
    CONSTRAINT release_filings_release FOREIGN KEY (release_id) REFERENCES releases(id),
    CONSTRAINT release_filings_filing FOREIGN KEY (filing_id) REFERENCES filings(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE release_filings;
DROP TABLE releases;
DROP TABLE datasets;
