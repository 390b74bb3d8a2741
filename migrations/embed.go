// Package migrations holds the schema of both databases as numbered SQL files
// (goose format), embedded in the binary. migrations/sqlite and
// migrations/mysql hold the same file names; each pair says the same thing in
// its own dialect. The store applies them with goose.
package migrations

import "embed"

// FS holds sqlite/*.sql and mysql/*.sql.
//
//go:embed sqlite/*.sql mysql/*.sql
var FS embed.FS
