package ingest

// NeedPdftotext is needPdftotext for the tests of package ingest_test.
var NeedPdftotext = needPdftotext
