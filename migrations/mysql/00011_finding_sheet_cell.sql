-- +goose Up
-- Where a finding's figure was printed in the uploaded workbook: see the sqlite
-- file. Excel's sheet names have at most 31 characters, its cells at most 10 (XFD1048576).
ALTER TABLE findings ADD COLUMN sheet VARCHAR(64) NULL, ADD COLUMN cell VARCHAR(16) CHARACTER SET ascii NULL;

-- +goose Down
ALTER TABLE findings DROP COLUMN cell, DROP COLUMN sheet;
