package auth

import "sync/atomic"

// CountVerifications makes s add one to n for every argon2id verification
// on its login path.
func CountVerifications(s *Service, n *atomic.Int64) { s.onVerify = func() { n.Add(1) } }

// HashPasswordShipped hashes pw the way HashPassword does in every binary that
// is not a test binary (the shipped argon2id cost).
func HashPasswordShipped(pw string) (string, error) { return hashPassword(pw, shippedCost()) }

// ShippedDummyHash is the dummy hash the login path verifies outside tests.
func ShippedDummyHash() string { return shippedCost().dummyHash }

// CurrentDummyHash is the dummy hash the login path verifies in this binary.
func CurrentDummyHash() string { return currentCost().dummyHash }
