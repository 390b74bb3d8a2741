-- +goose Up
-- The classification code lists a deployment loads with `sunshine codes load`;
-- see the sqlite file. Valid on TiDB too (no triggers).

CREATE TABLE code_lists (
    kind        VARCHAR(10) CHARACTER SET ascii NOT NULL,
    fiscal_year INT NOT NULL,
    revision    BIGINT NOT NULL,
    source      VARCHAR(255) NOT NULL DEFAULT '',
    loaded_at   DATETIME(6) NOT NULL,
    loaded_by   VARCHAR(100) NOT NULL,
    PRIMARY KEY (kind, fiscal_year),
    UNIQUE KEY code_lists_revision (revision),
    CONSTRAINT code_lists_kind CHECK (kind IN ('functional', 'economic'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE classification_codes (
    kind         VARCHAR(10) CHARACTER SET ascii NOT NULL,
    fiscal_year  INT NOT NULL,
    seq          INT NOT NULL,
    code         VARCHAR(7) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name         VARCHAR(200) NOT NULL,
    -- 1 类, 2 款, 3 项.
    level        TINYINT NOT NULL,
    three_public VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT '',
    PRIMARY KEY (kind, fiscal_year, code),
    CONSTRAINT classification_codes_level CHECK (level IN (1, 2, 3)),
    CONSTRAINT classification_codes_list FOREIGN KEY (kind, fiscal_year)
        REFERENCES code_lists(kind, fiscal_year) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE classification_codes;
DROP TABLE code_lists;
