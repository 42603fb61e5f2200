//go:build !race

package auth

// Argon2id cost of every build that can ship: OWASP's minimum, m=19 MiB, t=2.
const (
	argonMemory = 19 * 1024
	argonTime   = 2
)

// dummyHash is verified against when the username does not exist, so that
// the response time does not reveal which usernames exist. Same parameters
// as a real hash.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2H7VZ0h3ufmcPx4x0uGQGz6yXyUvU3o1mqzA5PVyT0Q"
