-- +goose Up
-- The original of an uploaded PDF in pieces of 1 MiB (seq from 0), so that it
-- is written while it is read and served piece by piece, ranges included,
-- never held whole in memory (a disclosure PDF may be tens of MB, and the
-- address is public). source_files keeps its name, type and size; its
-- content column is left empty (x'') from now on. The originals kept so far
-- are cut into pieces here: seq 0–127 covers 128 MiB, twice the upload limit.
CREATE TABLE source_file_chunks (
    sha256 TEXT    NOT NULL REFERENCES source_files(sha256) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    data   BLOB    NOT NULL,
    PRIMARY KEY (sha256, seq)
);
INSERT INTO source_file_chunks (sha256, seq, data)
SELECT f.sha256, n.seq, substr(f.content, n.seq * 1048576 + 1, 1048576)
FROM source_files f
JOIN (SELECT a.d + 8 * b.d AS seq
      FROM (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) a
      CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7
                  UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL SELECT 14 UNION ALL SELECT 15) b) n
  ON n.seq * 1048576 < length(f.content);
UPDATE source_files SET content = x'';

-- +goose Down
UPDATE source_files SET content = coalesce((SELECT CAST(group_concat(c.data, '' ORDER BY c.seq) AS BLOB)
    FROM source_file_chunks c WHERE c.sha256 = source_files.sha256), x'');
DROP TABLE source_file_chunks;
