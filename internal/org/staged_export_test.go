package org

// SetStageHook sets the import's test hook (stageHook) until the returned
// function restores it.
func SetStageHook(h func(point string)) func() {
	prev := stageHook
	stageHook = h
	return func() { stageHook = prev }
}
