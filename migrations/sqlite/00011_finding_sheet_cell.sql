-- +goose Up
-- Where a finding's figure was printed in the uploaded workbook, as Excel
-- shows it: the sheet's name (表3) and the cell (D12). NULL for CSV uploads,
-- for figures a workbook did not give (copied from the published version)
-- and for findings that name no figure.
ALTER TABLE findings ADD COLUMN sheet TEXT;
ALTER TABLE findings ADD COLUMN cell TEXT;

-- +goose Down
ALTER TABLE findings DROP COLUMN cell;
ALTER TABLE findings DROP COLUMN sheet;
