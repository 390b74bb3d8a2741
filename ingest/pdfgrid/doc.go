// Package pdfgrid reads a department's disclosure PDF (部门预算 / 部门决算 公开) into table grids whose every cell
// keeps its page and position, plus the document's title lines and its prose (情况说明) as text blocks.
//
// The words and their boxes come from poppler's pdftotext -bbox-layout, run as a subprocess under a time limit
// (the context) and an address-space limit (prlimit --as); docs/architecture.md says why poppler and not a Go
// library. The grid is rebuilt from the word boxes alone:
//
//   - lines: words whose boxes share a baseline. A box always contains its baseline, even when a font's ascent and
//     descent are wrong (ONLYOFFICE writes FangSong 0.25 em tall and Times New Roman 1.9 em), so words whose boxes
//     intersect vertically are one line, the narrowest boxes first;
//   - cells: words of a line closer than half a character are one cell (poppler splits "因 公 出 国" at spaces);
//   - tables: a title line (…表, with a 单位： line right under it), its header lines down to the first line that
//     holds an amount or a classification code, then body lines up to the next title or the end of the page; the
//     next page continues the table when it does not start with a title and its lines fall into the table's
//     columns, and a header repeated there is dropped;
//   - columns: the x-ranges of the body's cells, merged where they overlap across rows (amounts are right-aligned,
//     so a column's amounts share their right edge); a header cell spans the columns whose centres it covers;
//   - rows: one per body line; a line holding only text in one column that sits closer than a line's height under
//     the one above is that cell's wrapped continuation (名称 printed on two lines);
//   - page numbers (“- 3 -”, “第 3 页”) and lines repeated at the top or bottom of most pages are dropped.
//
// Nothing here knows the standard tables' keys: the official-layout reader maps a Grid as it maps a sheet.
package pdfgrid
