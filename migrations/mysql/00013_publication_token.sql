-- +goose Up
-- The token that scheduled a publication act: see the sqlite file.
ALTER TABLE publications ADD COLUMN token_id BIGINT NULL;

-- +goose Down
ALTER TABLE publications DROP COLUMN token_id;
