-- +goose Up
-- The domain model of models/: regions, departments, filings (each version a
-- row), the 三公 record and line items of each filing, findings, upload
-- records, API tokens and the audit log. Money is INTEGER fen; NULL is "not disclosed".

CREATE TABLE regions (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 6),
    name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE departments (
    region_code TEXT NOT NULL REFERENCES regions(code),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent_code TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (region_code, code)
);

CREATE TABLE filings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    region_code  TEXT    NOT NULL,
    dept_code    TEXT    NOT NULL,
    fiscal_year  INTEGER NOT NULL,
    phase        TEXT    NOT NULL CHECK (phase IN ('budget', 'adjusted', 'final')),
    version      INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'published', 'superseded', 'withdrawn')),
    -- 1 while this row is the open draft of its key, else NULL: the unique
    -- index below then allows one draft per key (NULLs never collide) in both
    -- databases, without partial indexes that MySQL lacks.
    open_draft   INTEGER CHECK (open_draft = 1),
    created_at   DATETIME NOT NULL,
    created_by   TEXT    NOT NULL,
    updated_at   DATETIME NOT NULL,
    published_at DATETIME,
    published_by TEXT,
    note         TEXT,
    FOREIGN KEY (region_code, dept_code) REFERENCES departments(region_code, code),
    UNIQUE (region_code, dept_code, fiscal_year, phase, version),
    UNIQUE (region_code, dept_code, fiscal_year, phase, open_draft)
);
-- The feeds ask by region × year × phase (and status), then by department.
CREATE INDEX filings_feed ON filings (region_code, fiscal_year, phase, status, dept_code);
CREATE INDEX filings_year_phase ON filings (fiscal_year, phase, status);
CREATE INDEX filings_status ON filings (status, updated_at);

CREATE TABLE three_public (
    filing_id                INTEGER PRIMARY KEY REFERENCES filings(id) ON DELETE CASCADE,
    total                    INTEGER,
    outbound_trips           INTEGER,
    vehicles                 INTEGER,
    vehicle_purchase         INTEGER,
    vehicle_operation        INTEGER,
    reception                INTEGER,
    budget_total             INTEGER,
    budget_outbound_trips    INTEGER,
    budget_vehicles          INTEGER,
    budget_vehicle_purchase  INTEGER,
    budget_vehicle_operation INTEGER,
    budget_reception         INTEGER,
    trip_groups               INTEGER,
    trip_persons              INTEGER,
    vehicles_purchased        INTEGER,
    vehicles_held             INTEGER,
    reception_batches         INTEGER,
    reception_persons         INTEGER,
    foreign_reception_batches INTEGER,
    foreign_reception_persons INTEGER,
    change_reason TEXT    NOT NULL DEFAULT '',
    unit          TEXT    NOT NULL,
    source_row    INTEGER NOT NULL DEFAULT 0
);

-- The rowid alias without AUTOINCREMENT: ids still only grow while the
-- newest rows stay (the feeds page by id), and SQLite skips the
-- sqlite_sequence update that AUTOINCREMENT costs on every one of an upload's rows.
CREATE TABLE line_items (
    id         INTEGER PRIMARY KEY,
    filing_id  INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
    tbl        TEXT    NOT NULL,
    code       TEXT    NOT NULL,
    name       TEXT    NOT NULL DEFAULT '',
    col        TEXT    NOT NULL,
    amount     INTEGER,
    unit       TEXT    NOT NULL,
    source_row INTEGER NOT NULL DEFAULT 0
);
-- Not unique: the same cell twice is a finding (row.duplicate) the bureau must see, not a crash.
-- Every query reaches line items through their filing (a few hundred rows each),
-- so an integer key is enough; text columns in the index would double the cost of each insert.
CREATE INDEX line_items_filing ON line_items (filing_id);

CREATE TABLE findings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    filing_id       INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
    rule            TEXT    NOT NULL,
    severity        TEXT    NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
    message         TEXT    NOT NULL,
    tbl             TEXT    NOT NULL DEFAULT '',
    code            TEXT    NOT NULL DEFAULT '',
    col             TEXT    NOT NULL DEFAULT '',
    row_num         INTEGER NOT NULL DEFAULT 0,
    value           TEXT    NOT NULL DEFAULT '',
    expected        TEXT    NOT NULL DEFAULT '',
    actual          TEXT    NOT NULL DEFAULT '',
    other_filing_id INTEGER NOT NULL DEFAULT 0,
    other_tbl       TEXT    NOT NULL DEFAULT '',
    other_code      TEXT    NOT NULL DEFAULT '',
    other_col       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX findings_filing ON findings (filing_id, severity);

CREATE TABLE uploads (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256     TEXT    NOT NULL UNIQUE,
    filename   TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    row_count  INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    created_by TEXT    NOT NULL
);

CREATE TABLE upload_filings (
    upload_id INTEGER NOT NULL REFERENCES uploads(id),
    filing_id INTEGER NOT NULL REFERENCES filings(id),
    PRIMARY KEY (upload_id, filing_id)
);

CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'uploader')),
    region_code TEXT    NOT NULL DEFAULT '',
    hash        TEXT    NOT NULL UNIQUE,
    created_at  DATETIME NOT NULL,
    revoked_at  DATETIME
);

CREATE TABLE token_depts (
    token_id  INTEGER NOT NULL REFERENCES tokens(id),
    dept_code TEXT    NOT NULL,
    PRIMARY KEY (token_id, dept_code)
);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      DATETIME NOT NULL,
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    detail  TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_subject ON audit_log (subject, id);

-- Append-only, enforced by the database too (the store has no method that
-- changes or removes an entry). MySQL's file has no triggers: TiDB, the
-- scale-out target, does not support them.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
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
