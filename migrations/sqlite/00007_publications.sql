-- +goose Up
-- Publication acts and release membership by intervals.
--
-- A publication is one act of an admin: a set of clean drafts published
-- together with one note, at once or at a scheduled time. It makes one
-- release per dataset it touches (releases.publication_id; filing_count is
-- how many filing versions that release added, replaced or took out).
--
-- release_members replaces release_filings, which listed every member of
-- every release (release k of a dataset held k rows: the square of the
-- departments). A filing version enters a dataset once and leaves it at most
-- once (a version is never published again after it was superseded or
-- withdrawn), so one row per filing version per dataset says everything:
-- it is a member of releases added_in ≤ n < removed_in (removed_in NULL: still).

CREATE TABLE publications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    state      TEXT     NOT NULL CHECK (state IN ('scheduled', 'published', 'cancelled', 'failed')),
    note       TEXT     NOT NULL DEFAULT '',
    run_at     DATETIME,                 -- when a scheduled act runs; NULL for an act run at once
    created_at DATETIME NOT NULL,
    created_by TEXT     NOT NULL,
    done_at    DATETIME,                 -- when it was published, cancelled or failed
    done_by    TEXT     NOT NULL DEFAULT '',
    reason     TEXT     NOT NULL DEFAULT '' -- why it failed, in Chinese, as the user reads it
);
CREATE INDEX publications_due ON publications (state, run_at);

CREATE TABLE publication_filings (
    publication_id INTEGER NOT NULL REFERENCES publications(id),
    filing_id      INTEGER NOT NULL REFERENCES filings(id),
    PRIMARY KEY (publication_id, filing_id)
);
CREATE INDEX publication_filings_filing ON publication_filings (filing_id);

-- No REFERENCES on publication_id: SQLite cannot drop a column a foreign key uses (the Down below).
ALTER TABLE releases ADD COLUMN publication_id INTEGER;
ALTER TABLE releases ADD COLUMN filing_count INTEGER NOT NULL DEFAULT 1;
CREATE INDEX releases_publication ON releases (publication_id);

CREATE TABLE release_members (
    dataset_id TEXT    NOT NULL REFERENCES datasets(id),
    filing_id  INTEGER NOT NULL REFERENCES filings(id),
    added_in   INTEGER NOT NULL,
    removed_in INTEGER,
    PRIMARY KEY (dataset_id, filing_id)
);
CREATE INDEX release_members_filing ON release_members (filing_id);

-- Every release so far listed its members whole; each member ran from the
-- first release that listed it to the one after the last (none while it is
-- in the latest release).
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
    release_id INTEGER NOT NULL REFERENCES releases(id),
    filing_id  INTEGER NOT NULL REFERENCES filings(id),
    PRIMARY KEY (release_id, filing_id)
);
CREATE INDEX release_filings_filing ON release_filings (filing_id);
INSERT INTO release_filings (release_id, filing_id)
SELECT r.id, m.filing_id FROM release_members m
JOIN releases r ON r.dataset_id = m.dataset_id AND r.number >= m.added_in AND (m.removed_in IS NULL OR r.number < m.removed_in);
DROP TABLE release_members;
DROP INDEX releases_publication;
ALTER TABLE releases DROP COLUMN filing_count;
ALTER TABLE releases DROP COLUMN publication_id;
DROP TABLE publication_filings;
DROP TABLE publications;
