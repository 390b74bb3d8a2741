-- +goose Up
-- The upload desk's sessions, kept in the database so that a restart keeps
-- clerks signed in and every replica knows every session. The cookie holds a
-- random 256-bit id; only its SHA-256 is stored (id_hash), so a copy of this
-- table signs no one in. token_hash is the SHA-256 of the token that signed
-- in (each request reads the token again: revoking it ends the session at
-- once); csrf is the session's form token. expires_at is the earlier of the
-- last use plus the idle limit and the sign-in plus the longest life; expired
-- rows are purged.
CREATE TABLE desk_sessions (
    id_hash    TEXT     PRIMARY KEY NOT NULL,
    token_hash TEXT     NOT NULL,
    csrf       TEXT     NOT NULL,
    created_at DATETIME NOT NULL,
    seen_at    DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX desk_sessions_expires ON desk_sessions (expires_at);
CREATE INDEX desk_sessions_seen ON desk_sessions (seen_at);

-- A draft submitted for review: who and when, and the draft as it stood at
-- that moment: its updated_at and the newest upload that wrote into it. An
-- upload into the draft changes both, and the request lapses (the draft
-- leaves the admins' queue) until it is submitted again. Publication ends it
-- (only drafts are queued); discarding the draft deletes it.
CREATE TABLE review_requests (
    filing_id        INTEGER  PRIMARY KEY NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
    submitted_at     DATETIME NOT NULL,
    submitted_by     TEXT     NOT NULL,
    draft_updated_at DATETIME NOT NULL,
    last_upload_id   INTEGER  NOT NULL DEFAULT 0
);
CREATE INDEX review_requests_submitted ON review_requests (submitted_at);
-- The uploads of a draft, newest last (the queue asks for the newest; discarding, for all).
CREATE INDEX upload_filings_filing ON upload_filings (filing_id, upload_id);

-- +goose Down
DROP INDEX upload_filings_filing;
DROP TABLE review_requests;
DROP TABLE desk_sessions;
