package org

// The SQL of the import's hot lookups, for the plan test.
var (
	LookupByCodeSQL      = lookupByCodeSQL
	LookupWithoutCodeSQL = lookupWithoutCodeSQL
)

// SetCopyOff keeps an import's new organizations on the multi-row INSERT
// (PostgreSQL) until the test ends.
func SetCopyOff(t interface{ Cleanup(func()) }) {
	copyOff = true
	t.Cleanup(func() { copyOff = false })
}
