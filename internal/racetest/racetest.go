// Package racetest tells a test whether it was built with the race detector
// (go test -race), so that single-goroutine work that the detector slows
// thirty- to fifty-fold (generators, parsers fed megabytes, many-row
// accumulations) runs in the normal and PostgreSQL runs of CI only. The race
// run looks for data races; a test with no goroutines of its own finds none.
package racetest

import "testing"

// Skip skips t in a race-detector build, saying why the test needs no race
// run (what it checks, and that the full runs cover it).
func Skip(t testing.TB, why string) {
	t.Helper()
	if Enabled {
		t.Skip("race build: " + why)
	}
}
