-- +goose Up
-- The upload desk's sessions and the drafts submitted for review: see the sqlite file.

CREATE TABLE desk_sessions (
    id_hash    CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    token_hash CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    csrf       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at DATETIME(6) NOT NULL,
    seen_at    DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    KEY desk_sessions_expires (expires_at),
    KEY desk_sessions_seen (seen_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE review_requests (
    filing_id        BIGINT       NOT NULL PRIMARY KEY,
    submitted_at     DATETIME(6)  NOT NULL,
    submitted_by     VARCHAR(100) NOT NULL,
    draft_updated_at DATETIME(6)  NOT NULL,
    last_upload_id   BIGINT       NOT NULL DEFAULT 0,
    KEY review_requests_submitted (submitted_at),
    CONSTRAINT review_requests_filing FOREIGN KEY (filing_id) REFERENCES filings(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE INDEX upload_filings_filing ON upload_filings (filing_id, upload_id);

-- +goose Down
DROP INDEX upload_filings_filing ON upload_filings;
DROP TABLE review_requests;
DROP TABLE desk_sessions;
