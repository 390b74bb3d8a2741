-- +goose Up
-- The prose a disclosure PDF prints around its tables, section by section: see the sqlite file.
CREATE TABLE explanations (
    filing_id BIGINT NOT NULL,
    seq       INT NOT NULL,
    heading   VARCHAR(200) NOT NULL,
    `text`    MEDIUMTEXT NOT NULL,
    page      INT NOT NULL,
    sha256    VARCHAR(64) CHARACTER SET ascii NOT NULL,
    PRIMARY KEY (filing_id, seq),
    CONSTRAINT explanations_filing FOREIGN KEY (filing_id) REFERENCES filings(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE explanations;
