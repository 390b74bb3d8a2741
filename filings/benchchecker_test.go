package filings_test

import "sunshine/filings"

// benchChecker is the checker benchmarks run with; nil until the rules are wired in.
var benchChecker filings.Checker
