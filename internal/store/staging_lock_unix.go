//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockFile takes f's exclusive flock without waiting (an error when
// another open file holds it). SQLite's own locks are POSIX record locks,
// which flock does not touch.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
