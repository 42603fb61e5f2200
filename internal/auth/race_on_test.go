//go:build race

package auth_test

// raceEnabled: built with -race (argon_cost_race.go lowers the hash cost).
const raceEnabled = true
