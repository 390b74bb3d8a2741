-- +goose Up
-- A desk upload refused only because its filing fields are missing (a PDF
-- that prints no region or department code), kept for an hour so that the
-- clerk confirms the fields without choosing the file again — in the
-- database, so that the confirmation may reach any replica. id_hash is the
-- SHA-256 of the desk session's key and the form's random id (the id is
-- worthless in another session); session_tag names the session's uploads
-- without naming the session. The bytes are in 1 MiB pieces, as a kept PDF's.
CREATE TABLE desk_pending (
    id_hash     TEXT     PRIMARY KEY NOT NULL,
    session_tag TEXT     NOT NULL,
    name        TEXT     NOT NULL,
    kind        TEXT     NOT NULL,
    size        INTEGER  NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX desk_pending_session ON desk_pending (session_tag, created_at);
CREATE INDEX desk_pending_created ON desk_pending (created_at);
CREATE TABLE desk_pending_chunks (
    id_hash TEXT    NOT NULL REFERENCES desk_pending(id_hash) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    data    BLOB    NOT NULL,
    PRIMARY KEY (id_hash, seq)
);

-- +goose Down
DROP TABLE desk_pending_chunks;
DROP TABLE desk_pending;
