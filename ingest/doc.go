// Package ingest reads uploaded files into models, row by row, and reports
// every problem it finds as a parse finding (CONTRACT.md §2, §3).
//
// Two upload kinds (models.KindThreePublic, models.KindLineItems) come in two
// formats:
//
//   - CSV: UTF-8 with or without BOM, or GB18030/GBK (what Chinese Excel and WPS
//     save), detected by the reader itself; comma or tab separated (sniffed from
//     the header line); CRLF and quoted fields with line breaks are fine.
//   - XLSX, sniffed by the zip signature, and XLS (BIFF8, the compound-file
//     signature), whatever the file is called, dispatched by content: sheets
//     named after the standard tables with the label block (区划代码, 部门编码)
//     are the service's own line-item template (WriteTemplateXLSX); a first
//     sheet starting with the CSV headers is one flat table; a workbook whose
//     sheets carry the official tables' titles is read in the official layout
//     by ingest/layout (workbook.go), whatever its sheets are called and however
//     many tables a sheet holds. The codes such a workbook cannot print come from
//     Options (RegionCode, DeptCode; FiscalYear, Phase, DeptName when the titles
//     say nothing), and every finding on it names the sheet and the cell (表3!E3)
//     in its message and in Finding.Sheet / Finding.Cell. A Locator places the
//     checks' findings on such a workbook the same way.
//
// Use:
//
//	rd, err := ingest.Open(file, filename, ingest.Options{Kind: kind})
//	if err != nil { … } // *models.Error: EINVALID (unreadable) or ETOOLARGE
//	defer rd.Close()
//	for {
//		rec, err := rd.Next()
//		if err == io.EOF { break }
//		if err != nil { … } // I/O failure
//		… rec.ThreePublic or rec.LineItem …
//	}
//	findings, partial := rd.Findings(), rd.Partial() // any finding: store nothing, answer 422
//
// Open, OpenFile and OpenXLSX (for an io.ReaderAt such as a multipart file)
// return a Reader; WriteTemplateCSV and WriteTemplateXLSX write the templates,
// ready to fill in Excel (numbers formatted #,##0.00, drop-downs for 阶段 and
// 单位, frozen headers, printed like the published tables).
//
// # Streaming
//
// Memory stays flat as a file grows: CSV is decoded and split record by record
// (encoding/csv with a reused record); XLSX is read with excelize's row
// iterator, with worksheets over 4 MiB unpacked to a temporary file rather than
// into memory. Since zip needs random access, an XLSX that is not already a
// file on disk is first copied to one (Options.TempDir). A workbook in the
// official layout is the exception: a few hundred printed lines on merged
// headers, several tables to a sheet, so its visible sheets are read whole
// (rows capped by Options.MaxRows), as is an .xls file (up to
// Options.MaxUnzippedBytes). What does grow with a
// workbook is excelize's index of its shared strings (a few words per distinct
// string); data rows do not.
//
// # Headers
//
// Headers are Chinese or English, in any order, and matched exactly after
// trimming spaces, with full-width brackets （） taken as (). Every variant of
// CONTRACT.md §2.1 is accepted (公务用车运行费 / 公务用车运行维护费 / 公务用车运行(维护)费,
// 公务用车购置及运行费 / 公务用车购置及运行维护费 / 公务用车购置及运行(维护)费, and the
// 预算数 forms). With no kind given, the kind is the one whose own columns the
// header row has (表, 栏目, 金额 … or 合计, 因公出国(境)费 …); headers of neither kind
// are a hard EINVALID error, since nothing can be read. The header row is the
// first non-blank row (row 1 in a well-formed file). Blank header cells are not
// columns.
//
// The columns are mapped by a small hand-written header map rather than by
// gocsv's struct tags: the aliases, the kind detection from the headers and a
// finding per cell (with its row and the header as written) are the bulk of the
// work, and gocsv would only hide the one step left, splitting the record.
//
// # Findings
//
// Every problem with a row or a cell is a models.Finding of severity error,
// with Row (as a spreadsheet shows it, header = 1), Column (the header text as
// written; for the template's label block, the label), Value (the cell) and a
// Chinese message naming both ("第 5 行“合计”列：“12,34”不是有效的金额"); Table
// and Code are set on line-item findings once known. A row with a finding
// yields no record; the others are still yielded (unless a required column is
// missing), so a check command can run rules over them, but a file with any
// finding must not be stored. The rules:
//
//	header.unknown     a column the kind does not have (names the column)
//	header.missing     a required column is absent; in the template, a label of the block or the 科目编码 row
//	header.duplicate   two columns for the same field (合计 and total, say)
//	cell.type          not a number; not a whole fen once the row's unit is applied; a count that is not
//	                   a whole number ≥ 0; a year that is not a whole number in 2000–2100; a region code
//	                   that is not 6 digits or a department code of the wrong shape (a shape, like a
//	                   number, so type rather than enum); control characters in text
//	cell.required      an empty 区划代码, 部门编码, 部门名称, 年度, 阶段 or 单位, and for line items 表, 科目编码, 栏目
//	cell.enum          a phase, unit, table, column (for that table and phase) or row code that is not
//	                   one of the allowed values; a non-empty 预算数 column on a budget or adjusted row
//	cell.length        a cell over Options.MaxCellChars, or text over its field's limit (names 200, …)
//	row.extra_cells    non-empty cells right of the last header or under a blank header
//	row.missing_cells  a CSV record with fewer cells than the header (XLSX omits trailing empty cells, so not there)
//	row.blank          an empty row with data rows after it; empty rows at the end are ignored, as Excel
//	                   and WPS often save some; in the template, empty rows mean nothing
//	encoding.invalid   bytes that are valid in neither UTF-8 nor GB18030, anywhere in the file, reported
//	                   per damaged cell with the bytes in hex (never silently replaced)
//	file.empty         no data rows
//	file.row_limit     more data rows than Options.MaxRows (20,000 for 三公); reading stops there
//
// One more finding is a note of severity info, returned by Notes, not
// Findings, and never a reason to refuse a file:
//
//	header.release_only  a column the exports add that an upload has no use for (filing_id 公开编号, version
//	                     版本, release 发布号, permalink 永久链接, source_page 原件页码): ignored, so an export
//	                     uploads back unchanged
//
// Findings are capped at models.MaxReportFindings; at the cap reading stops and
// Partial reports true, which the caller carries into the report.
//
// # Values
//
// Amount cells: blank is "not disclosed" (an invalid NullMoney), "0" is zero,
// thousands separators and full-width digits are fine; the row's 单位 (元, 万元,
// 亿元) applies to every amount in it. In the line-item template an empty amount
// cell is an absent line (sums count it as 0), as on the printed table. Numbers
// from XLSX are taken as stored, then written as Excel displays them (15
// significant digits, no exponent), so a formula's 1234.5600000000002 reads
// as 1234.56; that rewriting is done on decimal digits, never through float64.
// Table and column cells take the key (expenditure, basic) or the printed
// Chinese name (部门支出总表, 基本支出); 合计 is accepted for the row code total.
package ingest
