package coverspan

// SetBulkFlushAt lowers the count changes a Bulk holds before it writes
// them, so a test sees several flushes; it returns the old value.
func SetBulkFlushAt(n int) int {
	old := bulkFlushAt
	bulkFlushAt = n
	return old
}
