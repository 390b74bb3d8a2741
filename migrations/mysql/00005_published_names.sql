-- +goose Up
-- Public names come from what was published, never from a draft: see the sqlite file.
ALTER TABLE filings
    ADD COLUMN region_name VARCHAR(100) NOT NULL DEFAULT '',
    ADD COLUMN dept_name VARCHAR(200) NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN region_name VARCHAR(100) NOT NULL DEFAULT '';

UPDATE filings f
    LEFT JOIN regions rg ON rg.code = f.region_code
    LEFT JOIN departments dp ON dp.region_code = f.region_code AND dp.code = f.dept_code
    SET f.region_name = COALESCE(rg.name, ''), f.dept_name = COALESCE(dp.name, '');
UPDATE releases r
    JOIN datasets d ON d.id = r.dataset_id
    JOIN regions rg ON rg.code = d.region_code
    SET r.region_name = rg.name;

-- +goose Down
ALTER TABLE releases DROP COLUMN region_name;
ALTER TABLE filings DROP COLUMN dept_name, DROP COLUMN region_name;
