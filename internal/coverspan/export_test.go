package coverspan

// SetBulkWrong makes every Bulk started afterwards drop every other count
// change it adds up (a deliberately wrong accumulation, to show the tests
// catch one); it returns the old setting.
func SetBulkWrong(on bool) bool {
	old := bulkWrong
	bulkWrong = on
	return old
}

// SetBulkFlushAt lowers the series-days a Bulk holds before it writes them,
// so a test sees several writes; it returns the old value.
func SetBulkFlushAt(n int) int {
	old := bulkFlushAt
	bulkFlushAt = n
	return old
}

// SetAccTail lowers how many count changes a Bulk keeps unsorted before it
// merges them, so a test sees many merges; it returns the old value.
func SetAccTail(n int) int {
	old := accTail
	accTail = n
	return old
}
