package store

// DeclaresKeepsPrevious exposes the migration declaration parser to tests.
var DeclaresKeepsPrevious = declaresKeepsPrevious
