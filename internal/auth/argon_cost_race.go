//go:build race

package auth

// Race-detector builds only (go test -race; never shipped): the detector
// instruments argon2's inner loops and one 19 MiB hash takes seconds, which
// made the race run of the HTTP suite the longest step of CI. The race run
// looks for data races, not for the cost of a hash; the normal and PostgreSQL
// runs check the real parameters (TestHashPasswordEncoding).
const (
	argonMemory = 64
	argonTime   = 1
)

// dummyHash has the same (race-build) parameters as a real hash.
const dummyHash = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
