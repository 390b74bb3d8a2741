-- +goose Up
-- The original of an uploaded PDF in pieces of 1 MiB: see the sqlite file.
CREATE TABLE source_file_chunks (
    sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
    seq    INT NOT NULL,
    data   MEDIUMBLOB NOT NULL,
    PRIMARY KEY (sha256, seq),
    CONSTRAINT source_file_chunks_file FOREIGN KEY (sha256) REFERENCES source_files(sha256) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO source_file_chunks (sha256, seq, data)
SELECT f.sha256, n.seq, SUBSTRING(f.content, n.seq * 1048576 + 1, 1048576)
FROM source_files f
JOIN (SELECT a.d + 8 * b.d AS seq
      FROM (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) a
      CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7
                  UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL SELECT 14 UNION ALL SELECT 15) b) n
  ON n.seq * 1048576 < LENGTH(f.content);
UPDATE source_files SET content = '';

-- +goose Down
SET SESSION group_concat_max_len = 1073741824;
UPDATE source_files f SET content = COALESCE((SELECT GROUP_CONCAT(c.data ORDER BY c.seq SEPARATOR '')
    FROM source_file_chunks c WHERE c.sha256 = f.sha256), '');
DROP TABLE source_file_chunks;
