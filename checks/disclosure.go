package checks

import (
	"slices"

	"sunshine/models"
)

// What the disclosure scoreboard (package scoreboard) reads from the rules, so
// that its "present / empty / missing" is rule 5a's, never a second opinion.

// StandardTables returns the nine tables a department budget or final account
// publishes (rule 5a, table.missing), in print order.
func StandardTables() []models.Table { return slices.Clone(standardTables) }

// DeclaresEmpty reports whether a table note declares its table empty
// (“本部门无…，此表为空表”), as rules 5a and 5b read it.
func DeclaresEmpty(note string) bool { return emptyTableNote(note) }
