-- +goose Up
-- Publication acts and release membership by intervals: see the sqlite file.

CREATE TABLE publications (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    state      VARCHAR(10) CHARACTER SET ascii NOT NULL,
    note       TEXT NOT NULL,
    run_at     DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    created_by VARCHAR(100) NOT NULL,
    done_at    DATETIME(6) NULL,
    done_by    VARCHAR(100) NOT NULL DEFAULT '',
    reason     TEXT NOT NULL,
    CONSTRAINT publications_state CHECK (state IN ('scheduled', 'published', 'cancelled', 'failed')),
    KEY publications_due (state, run_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE publication_filings (
    publication_id BIGINT NOT NULL,
    filing_id      BIGINT NOT NULL,
    PRIMARY KEY (publication_id, filing_id),
    KEY publication_filings_filing (filing_id),
    CONSTRAINT publication_filings_publication FOREIGN KEY (publication_id) REFERENCES publications(id),
    CONSTRAINT publication_filings_filing FOREIGN KEY (filing_id) REFERENCES filings(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE releases
    ADD COLUMN publication_id BIGINT NULL,
    ADD COLUMN filing_count INT NOT NULL DEFAULT 1,
    ADD KEY releases_publication (publication_id),
    ADD CONSTRAINT releases_publication_fk FOREIGN KEY (publication_id) REFERENCES publications(id);

CREATE TABLE release_members (
    dataset_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    filing_id  BIGINT NOT NULL,
    added_in   INT NOT NULL,
    removed_in INT NULL,
    PRIMARY KEY (dataset_id, filing_id),
    KEY release_members_filing (filing_id),
    CONSTRAINT release_members_dataset FOREIGN KEY (dataset_id) REFERENCES datasets(id),
    CONSTRAINT release_members_filing_fk FOREIGN KEY (filing_id) REFERENCES filings(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO release_members (dataset_id, filing_id, added_in, removed_in)
SELECT r.dataset_id, rf.filing_id, MIN(r.number),
       CASE WHEN MAX(r.number) < d.latest_release THEN MAX(r.number) + 1 END
FROM release_filings rf
JOIN releases r ON r.id = rf.release_id
JOIN datasets d ON d.id = r.dataset_id
GROUP BY r.dataset_id, rf.filing_id, d.latest_release;

DROP TABLE release_filings;

-- +goose Down
CREATE TABLE release_filings (
    release_id BIGINT NOT NULL,
    filing_id  BIGINT NOT NULL,
    PRIMARY KEY (release_id, filing_id),
    KEY release_filings_filing (filing_id),
    CONSTRAINT release_filings_release FOREIGN KEY (release_id) REFERENCES releases(id),
    CONSTRAINT release_filings_filing FOREIGN KEY (filing_id) REFERENCES filings(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO release_filings (release_id, filing_id)
SELECT r.id, m.filing_id FROM release_members m
JOIN releases r ON r.dataset_id = m.dataset_id AND r.number >= m.added_in AND (m.removed_in IS NULL OR r.number < m.removed_in);
DROP TABLE release_members;
ALTER TABLE releases DROP FOREIGN KEY releases_publication_fk;
ALTER TABLE releases DROP KEY releases_publication, DROP COLUMN filing_count, DROP COLUMN publication_id;
DROP TABLE publication_filings;
DROP TABLE publications;
