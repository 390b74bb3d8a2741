-- +goose Up
-- The disclosure scoreboard's own facts, entered by an admin: the department
-- list of a region-year (every department that must disclose, whether it has
-- uploaded anything or not) and the approval dates (批复日期) from which the
-- 20-day rule counts, per region-year-phase (dept_code '') or per department.
-- A year without its own list takes the nearest earlier year's (store/scoreboard.go).

CREATE TABLE scoreboard_departments (
    region_code TEXT    NOT NULL CHECK (length(region_code) = 6),
    fiscal_year INTEGER NOT NULL,
    dept_code   TEXT    NOT NULL,
    dept_name   TEXT    NOT NULL,
    position    INTEGER NOT NULL, -- the order the list was given in
    PRIMARY KEY (region_code, fiscal_year, dept_code)
);

CREATE TABLE scoreboard_approvals (
    region_code TEXT    NOT NULL CHECK (length(region_code) = 6),
    fiscal_year INTEGER NOT NULL,
    phase       TEXT    NOT NULL CHECK (phase IN ('budget', 'adjusted', 'final')),
    dept_code   TEXT    NOT NULL DEFAULT '', -- '' is the whole region-year-phase
    approved_on TEXT    NOT NULL CHECK (length(approved_on) = 10), -- YYYY-MM-DD, China's calendar
    updated_at  DATETIME NOT NULL,
    updated_by  TEXT    NOT NULL,
    PRIMARY KEY (region_code, fiscal_year, phase, dept_code)
);

-- One row per region, bumped by every change to its list or dates: the
-- scoreboard's ETag reads it (with the newest release), since these facts
-- change the answer without making a release.
CREATE TABLE scoreboard_revisions (
    region_code TEXT     PRIMARY KEY NOT NULL,
    revision    INTEGER  NOT NULL,
    updated_at  DATETIME NOT NULL
);

-- +goose Down
DROP TABLE scoreboard_revisions;
DROP TABLE scoreboard_approvals;
DROP TABLE scoreboard_departments;
