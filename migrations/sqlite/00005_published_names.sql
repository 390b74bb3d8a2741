-- +goose Up
-- Public names come from what was published, never from a draft. Each filing
-- version keeps the region and department names its uploads gave; they are
-- frozen when it is published, as its figures are. The regions and
-- departments rows carry the names of the latest publication: an upload only
-- creates a missing row (without a name), publication sets the name. Each
-- release keeps the region name it was published under, so its files (titles,
-- datapackage.json, the bulk README) read the same forever.
ALTER TABLE filings ADD COLUMN region_name TEXT NOT NULL DEFAULT '';
ALTER TABLE filings ADD COLUMN dept_name TEXT NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN region_name TEXT NOT NULL DEFAULT '';

-- Filings and releases made before this migration take the names as they stand.
UPDATE filings SET
    region_name = COALESCE((SELECT rg.name FROM regions rg WHERE rg.code = filings.region_code), ''),
    dept_name = COALESCE((SELECT dp.name FROM departments dp
        WHERE dp.region_code = filings.region_code AND dp.code = filings.dept_code), '');
UPDATE releases SET region_name = COALESCE((SELECT rg.name FROM datasets d JOIN regions rg ON rg.code = d.region_code
    WHERE d.id = releases.dataset_id), '');

-- +goose Down
ALTER TABLE releases DROP COLUMN region_name;
ALTER TABLE filings DROP COLUMN dept_name;
ALTER TABLE filings DROP COLUMN region_name;
