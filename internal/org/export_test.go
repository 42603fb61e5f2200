package org

// The SQL of the import's hot lookups, for the plan test.
var (
	LookupByCodeSQL      = lookupByCodeSQL
	LookupWithoutCodeSQL = lookupWithoutCodeSQL
)
