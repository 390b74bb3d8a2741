-- +goose Up
-- The disclosure scoreboard's department lists and approval dates: see the sqlite file.

CREATE TABLE scoreboard_departments (
    region_code VARCHAR(6)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    fiscal_year INT NOT NULL,
    dept_code   VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    dept_name   VARCHAR(200) NOT NULL,
    position    INT NOT NULL,
    PRIMARY KEY (region_code, fiscal_year, dept_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE scoreboard_approvals (
    region_code VARCHAR(6)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    fiscal_year INT NOT NULL,
    phase       VARCHAR(10) CHARACTER SET ascii NOT NULL,
    dept_code   VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    approved_on CHAR(10) CHARACTER SET ascii NOT NULL,
    updated_at  DATETIME(6) NOT NULL,
    updated_by  VARCHAR(100) NOT NULL,
    PRIMARY KEY (region_code, fiscal_year, phase, dept_code),
    CONSTRAINT scoreboard_approvals_phase CHECK (phase IN ('budget', 'adjusted', 'final'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE scoreboard_revisions (
    region_code VARCHAR(6) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    revision    BIGINT NOT NULL,
    updated_at  DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE scoreboard_revisions;
DROP TABLE scoreboard_approvals;
DROP TABLE scoreboard_departments;
