-- +goose Up
-- A desk upload waiting for its filing fields, kept for an hour: see the sqlite file.
CREATE TABLE desk_pending (
    id_hash     CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    session_tag CHAR(32) CHARACTER SET ascii NOT NULL,
    name        VARCHAR(255) NOT NULL,
    kind        VARCHAR(32) NOT NULL,
    size        BIGINT NOT NULL,
    created_at  DATETIME(6) NOT NULL,
    KEY desk_pending_session (session_tag, created_at),
    KEY desk_pending_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE desk_pending_chunks (
    id_hash CHAR(64) CHARACTER SET ascii NOT NULL,
    seq     INT NOT NULL,
    data    MEDIUMBLOB NOT NULL,
    PRIMARY KEY (id_hash, seq),
    CONSTRAINT desk_pending_chunks_upload FOREIGN KEY (id_hash) REFERENCES desk_pending(id_hash) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE desk_pending_chunks;
DROP TABLE desk_pending;
