package filings_test

import "sunshine/filings"

// benchChecker is the checker benchmarks run with: every rule, as in production.
var benchChecker filings.Checker = &filings.Rules{}
