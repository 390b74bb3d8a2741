-- +goose Up
-- Datasets and their numbered releases. A dataset is region × fiscal year ×
-- phase × kind (three_public, line_items); every publication, correction or
-- withdrawal of one of its filings makes a new release, whose member filing
-- versions are listed in release_filings. Published filing versions never
-- change, so release N can be rebuilt exactly, forever.

CREATE TABLE datasets (
    id             TEXT    PRIMARY KEY NOT NULL, -- "990101-2024-final-three_public": readable and citable
    region_code    TEXT    NOT NULL REFERENCES regions(code),
    fiscal_year    INTEGER NOT NULL,
    phase          TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('three_public', 'line_items')),
    latest_release INTEGER NOT NULL DEFAULT 0,
    updated_at     DATETIME NOT NULL,
    UNIQUE (region_code, fiscal_year, phase, kind)
);
CREATE INDEX datasets_updated ON datasets (updated_at, id);
CREATE INDEX datasets_year ON datasets (fiscal_year, phase, kind);

CREATE TABLE releases (
    id         INTEGER PRIMARY KEY AUTOINCREMENT, -- ascending in time: the change log reads it backwards
    dataset_id TEXT    NOT NULL REFERENCES datasets(id),
    number     INTEGER NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('publish', 'correction', 'withdrawal')),
    filing_id  INTEGER NOT NULL REFERENCES filings(id), -- the filing version the release added or withdrew
    note       TEXT    NOT NULL DEFAULT '',
    row_count  INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    created_by TEXT    NOT NULL,
    UNIQUE (dataset_id, number)
);

CREATE TABLE release_filings (
    release_id INTEGER NOT NULL REFERENCES releases(id),
    filing_id  INTEGER NOT NULL REFERENCES filings(id),
    PRIMARY KEY (release_id, filing_id)
);
CREATE INDEX release_filings_filing ON release_filings (filing_id);

-- +goose Down
DROP TABLE release_filings;
DROP TABLE releases;
DROP TABLE datasets;
