//go:build !race

package racetest

// Enabled reports a race-detector build.
const Enabled = false
