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

-- The uploads of a draft: the index of the foreign key upload_filings_filing
-- (filing_id, with the primary key's upload_id after it) serves the queue's
-- newest upload and the discard; SQLite's file adds one.

-- +goose Down
DROP TABLE review_requests;
DROP TABLE desk_sessions;
