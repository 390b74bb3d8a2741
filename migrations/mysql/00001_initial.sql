-- +goose Up
-- The domain model of models/: regions, departments, filings (each version a
-- row), the 三公 record and line items of each filing, findings, upload
-- records, API tokens and the audit log. Money is BIGINT fen; NULL is "not disclosed".
-- utf8mb4 everywhere: department names and messages are Chinese. Codes are
-- ascii_bin so that '001' and '1' stay different and indexes stay small.
-- Everything here is also valid on TiDB (no triggers, no partial indexes).

CREATE TABLE regions (
    code VARCHAR(6) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    name VARCHAR(100) NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE departments (
    region_code VARCHAR(6)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    code        VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name        VARCHAR(200) NOT NULL,
    parent_code VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    PRIMARY KEY (region_code, code),
    CONSTRAINT departments_region FOREIGN KEY (region_code) REFERENCES regions(code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE filings (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    region_code  VARCHAR(6)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    dept_code    VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    fiscal_year  INT         NOT NULL,
    phase        VARCHAR(10) CHARACTER SET ascii NOT NULL,
    version      INT         NOT NULL,
    status       VARCHAR(12) CHARACTER SET ascii NOT NULL,
    -- 1 while this row is the open draft of its key, else NULL: see the sqlite file.
    open_draft   TINYINT NULL,
    created_at   DATETIME(6) NOT NULL,
    created_by   VARCHAR(100) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    published_at DATETIME(6) NULL,
    published_by VARCHAR(100) NULL,
    note         TEXT NULL,
    CONSTRAINT filings_phase CHECK (phase IN ('budget', 'adjusted', 'final')),
    CONSTRAINT filings_status CHECK (status IN ('draft', 'published', 'superseded', 'withdrawn')),
    CONSTRAINT filings_department FOREIGN KEY (region_code, dept_code) REFERENCES departments(region_code, code),
    UNIQUE KEY filings_version (region_code, dept_code, fiscal_year, phase, version),
    UNIQUE KEY filings_open_draft (region_code, dept_code, fiscal_year, phase, open_draft),
    KEY filings_feed (region_code, fiscal_year, phase, status, dept_code),
    KEY filings_year_phase (fiscal_year, phase, status),
    KEY filings_status (status, updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE three_public (
    filing_id                BIGINT NOT NULL PRIMARY KEY,
    total                    BIGINT NULL,
    outbound_trips           BIGINT NULL,
    vehicles                 BIGINT NULL,
    vehicle_purchase         BIGINT NULL,
    vehicle_operation        BIGINT NULL,
    reception                BIGINT NULL,
    budget_total             BIGINT NULL,
    budget_outbound_trips    BIGINT NULL,
    budget_vehicles          BIGINT NULL,
    budget_vehicle_purchase  BIGINT NULL,
    budget_vehicle_operation BIGINT NULL,
    budget_reception         BIGINT NULL,
    trip_groups               BIGINT NULL,
    trip_persons              BIGINT NULL,
    vehicles_purchased        BIGINT NULL,
    vehicles_held             BIGINT NULL,
    reception_batches         BIGINT NULL,
    reception_persons         BIGINT NULL,
    foreign_reception_batches BIGINT NULL,
    foreign_reception_persons BIGINT NULL,
    change_reason TEXT NOT NULL,
    unit          VARCHAR(4) NOT NULL,
    source_row    INT NOT NULL DEFAULT 0,
    CONSTRAINT three_public_filing FOREIGN KEY (filing_id) REFERENCES filings(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE line_items (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    filing_id  BIGINT NOT NULL,
    tbl        VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    code       VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name       VARCHAR(200) NOT NULL DEFAULT '',
    col        VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    amount     BIGINT NULL,
    unit       VARCHAR(4) NOT NULL,
    source_row INT NOT NULL DEFAULT 0,
    -- Not unique: the same cell twice is a finding (row.duplicate), not a crash.
    -- Every query reaches line items through their filing: an integer key is enough.
    KEY line_items_filing (filing_id),
    CONSTRAINT line_items_filing FOREIGN KEY (filing_id) REFERENCES filings(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE findings (
    id              BIGINT AUTO_INCREMENT PRIMARY KEY,
    filing_id       BIGINT NOT NULL,
    rule            VARCHAR(64) CHARACTER SET ascii NOT NULL,
    severity        VARCHAR(8)  CHARACTER SET ascii NOT NULL,
    message         TEXT NOT NULL,
    tbl             VARCHAR(32) NOT NULL DEFAULT '',
    code            VARCHAR(40) NOT NULL DEFAULT '',
    col             VARCHAR(200) NOT NULL DEFAULT '',
    row_num         INT NOT NULL DEFAULT 0,
    value           TEXT NOT NULL,
    expected        VARCHAR(200) NOT NULL DEFAULT '',
    actual          VARCHAR(200) NOT NULL DEFAULT '',
    other_filing_id BIGINT NOT NULL DEFAULT 0,
    other_tbl       VARCHAR(32) NOT NULL DEFAULT '',
    other_code      VARCHAR(40) NOT NULL DEFAULT '',
    other_col       VARCHAR(200) NOT NULL DEFAULT '',
    CONSTRAINT findings_severity CHECK (severity IN ('error', 'warning', 'info')),
    KEY findings_filing (filing_id, severity),
    CONSTRAINT findings_filing FOREIGN KEY (filing_id) REFERENCES filings(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE uploads (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    sha256     CHAR(64) CHARACTER SET ascii NOT NULL,
    filename   VARCHAR(255) NOT NULL,
    kind       VARCHAR(16) CHARACTER SET ascii NOT NULL,
    size       BIGINT NOT NULL,
    row_count  INT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    created_by VARCHAR(100) NOT NULL,
    UNIQUE KEY uploads_sha256 (sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE upload_filings (
    upload_id BIGINT NOT NULL,
    filing_id BIGINT NOT NULL,
    PRIMARY KEY (upload_id, filing_id),
    CONSTRAINT upload_filings_upload FOREIGN KEY (upload_id) REFERENCES uploads(id),
    CONSTRAINT upload_filings_filing FOREIGN KEY (filing_id) REFERENCES filings(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE tokens (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(100) NOT NULL,
    role        VARCHAR(10) CHARACTER SET ascii NOT NULL,
    region_code VARCHAR(6) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    hash        CHAR(64) CHARACTER SET ascii NOT NULL,
    created_at  DATETIME(6) NOT NULL,
    revoked_at  DATETIME(6) NULL,
    CONSTRAINT tokens_role CHECK (role IN ('admin', 'uploader')),
    UNIQUE KEY tokens_name (name),
    UNIQUE KEY tokens_hash (hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE token_depts (
    token_id  BIGINT NOT NULL,
    dept_code VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (token_id, dept_code),
    CONSTRAINT token_depts_token FOREIGN KEY (token_id) REFERENCES tokens(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Append-only: the store has no method that changes or removes an entry.
-- (No triggers, unlike the sqlite file: TiDB does not support them; a
-- deployment can also grant the service only INSERT and SELECT on this table.)
CREATE TABLE audit_log (
    id      BIGINT AUTO_INCREMENT PRIMARY KEY,
    at      DATETIME(6) NOT NULL,
    actor   VARCHAR(100) NOT NULL,
    action  VARCHAR(64) NOT NULL,
    subject VARCHAR(100) NOT NULL,
    detail  TEXT NOT NULL,
    KEY audit_log_subject (subject, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE audit_log;
DROP TABLE token_depts;
DROP TABLE tokens;
DROP TABLE upload_filings;
DROP TABLE uploads;
DROP TABLE findings;
DROP TABLE line_items;
DROP TABLE three_public;
DROP TABLE filings;
DROP TABLE departments;
DROP TABLE regions;
