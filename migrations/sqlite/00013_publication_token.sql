-- +goose Up
-- The token that scheduled a publication act, so that the act is judged by
-- that token's rights when it runs, not only when it was scheduled: an act of
-- a token revoked (or no longer an admin) since then fails, publishing
-- nothing. NULL: scheduled from the command line, which acts as the operator.
-- No REFERENCES: SQLite cannot drop a column a foreign key uses (the Down below).
ALTER TABLE publications ADD COLUMN token_id INTEGER;

-- +goose Down
ALTER TABLE publications DROP COLUMN token_id;
