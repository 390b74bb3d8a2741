-- +goose Up
-- The classification code lists a deployment loads with `sunshine codes load`
-- (DOMAIN.md §4: a code list is data, versioned by fiscal year). code_lists has
-- one row per kind × year; classification_codes holds its codes in file order.
-- revision grows with every load, so a running server notices with one small
-- query that a list was replaced, by itself or by another process.

CREATE TABLE code_lists (
    kind        TEXT    NOT NULL CHECK (kind IN ('functional', 'economic')),
    fiscal_year INTEGER NOT NULL,
    revision    INTEGER NOT NULL UNIQUE,
    source      TEXT    NOT NULL DEFAULT '',
    loaded_at   DATETIME NOT NULL,
    loaded_by   TEXT    NOT NULL,
    PRIMARY KEY (kind, fiscal_year)
);

CREATE TABLE classification_codes (
    kind         TEXT    NOT NULL,
    fiscal_year  INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    code         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    -- 1 类, 2 款, 3 项: follows from the code's length, kept for people reading the table.
    level        INTEGER NOT NULL CHECK (level IN (1, 2, 3)),
    -- The 三公 item an economic code belongs to (vehicle_operation, …), '' for none.
    three_public TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (kind, fiscal_year, code),
    FOREIGN KEY (kind, fiscal_year) REFERENCES code_lists(kind, fiscal_year) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE classification_codes;
DROP TABLE code_lists;
