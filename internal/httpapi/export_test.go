package httpapi

// SetImportFault makes fault run at each progress report of the import
// session id (in the importer's goroutine, inside its write transaction),
// until the returned function removes it.
func SetImportFault(id string, fault func(phase string, n int)) (remove func()) {
	importFaults.Store(id, fault)
	return func() { importFaults.Delete(id) }
}
