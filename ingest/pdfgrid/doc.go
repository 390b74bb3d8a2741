// Package pdfgrid reads a department's disclosure PDF (部门预算 / 部门决算 公开) into table grids whose every cell
// keeps its page and position, plus the document's title lines and its prose (情况说明) as text blocks.
//
// # For the official-layout reader
//
// A Grid reads like a sheet: Rows[r][c] is the cell at row r, column c, every row as wide as the table. The first
// HeaderRows rows are the header block (one row per printed header line, top-down); a header cell centred over
// several columns has Span n > 1 and stands at the first of them, the n - 1 cells it covers have Span 0, as a
// merged range reads in a sheet. Grid.HeaderText(c) walks a column's header top-down through the spanning cells
// (财政拨款“三公”经费 / 公务用车购置及运行费 / 公务用车购置费 / 决算数); its last element is the column's own label.
// Body rows follow, one per printed row, joined across page breaks. Title is the table's title line, Above the
// lines between it and the header (编制部门：…, 单位：…), Unit the unit as printed, Notes the 注：… lines under the
// table. Amounts are the printed text (2,940.05): parse them with the precision they were printed with. Every
// non-blank cell carries its page and box (points from the page's top left), for a finding that links to
// …/source.pdf#page=N. Document.Title holds the cover's lines (上海市普陀区财政局 / 2024年度部门决算), Document.Prose
// the paragraphs outside the tables with their pages (the 三公 explanation's 增减变化原因 sentence among them).
//
// # How the grid is rebuilt
//
// The words and their boxes come from poppler's pdftotext -bbox-layout, run as a subprocess under a time limit
// (the context, 30 s by default) and an address-space limit (prlimit --as, 1 GiB by default);
// docs/architecture.md says why poppler and not a Go library. Then, from the boxes alone:
//
//   - lines: words that share a baseline. A box always contains its baseline, but a font whose ascent and descent
//     are written wrong (ONLYOFFICE: FangSong 0.25 em tall, Times New Roman 1.9 em) puts it off centre, so each box
//     height is first moved by the offset at which it meets the page's CJK text; then boxes that overlap by half
//     are one line, the narrowest first;
//   - cells: words of a line closer than a space are one cell (“因 公 出 国”);
//   - tables: a title line (…表) with a 单位： line at most three lines under it, or a short line right over the
//     单位： line that names money without its 表 (附表10：政府采购预算, a title the print area cut); header lines
//     (a 栏次 │ 1 │ 2 line that numbers the columns dropped) down to the first
//     line with an amount or a classification code; body lines up to the next title, the page's end or prose. The
//     next page goes on with the table when it opens with rows in the table's width, or with the table's header
//     printed again, which is dropped;
//   - columns: the x-ranges of the body's cells merged where they overlap (amounts are right-aligned, so a
//     column's amounts share their right edge; names and codes their left edge; whole numbers that count up
//     row by row or share their right edge are a final's 行次, right-aligned too, and so is a whole number alone in
//     its column right of amounts, a count: 公务用车保有量 5, and a column of 0s right of amounts), plus columns
//     only the header shows (blank in every row); a header label beside its column's amounts, or centred over a column whose
//     right-aligned amounts (left-aligned names) it does not reach, belongs to it, and a group label centred
//     over several columns with labels under it (收入, 支出) is no column;
//   - header spans: each header cell takes the narrowest run of columns that fits its text, is centred under it,
//     reaches under no other cell of its line and nests with the runs of the cells under it; a group label then takes in the columns beside its run whose
//     cells stand no higher than those under it, when that centres it better (决算数 over 合计 … 公务接待费; the
//     first column of amounts reaches as far left of its label as its amounts end right of it); a header text
//     wrapped in its cell (two lines close, centred on one point or starting or ending at one edge) is joined;
//   - rows: one per body line; text alone on a line just under (or over) a row with room in those columns is
//     that row's wrapped name; amounts alone on a line belong to the nearest row with room for them (cells
//     aligned differently within one row);
//   - page numbers (“- 3 -”, “第 3 页”) and lines repeated at the top or bottom of most pages are dropped.
//
// A PDF without a text layer (a scan), an encrypted or damaged one, or a file that is not a PDF is refused with
// one Chinese sentence (models.EINVALID). Nothing here knows the standard tables' keys: the official-layout reader
// maps a Grid as it maps a sheet.
package pdfgrid
