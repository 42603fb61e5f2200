package auth

import "sync/atomic"

// CountVerifications makes s add one to n for every argon2id verification
// on its login path.
func CountVerifications(s *Service, n *atomic.Int64) { s.onVerify = func() { n.Add(1) } }
