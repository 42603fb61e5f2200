//go:build !unix

package app

import (
	"os"
	"path/filepath"
)

// LockDataDir opens the lock file; on systems without flock it does not
// exclude a second process, so stop the server before restoring.
func LockDataDir(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(dir, "liangxin.lock"), os.O_CREATE|os.O_RDWR, 0o600)
}
