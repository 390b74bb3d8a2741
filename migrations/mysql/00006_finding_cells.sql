-- +goose Up
-- Every cell a finding involves (the parent and its children, both tables of a
-- cross-table rule), as JSON: [{"table", "code", "column", "row"}]. NULL when none.
ALTER TABLE findings ADD COLUMN cells MEDIUMTEXT NULL;

-- +goose Down
ALTER TABLE findings DROP COLUMN cells;
