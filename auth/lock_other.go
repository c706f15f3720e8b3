//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package auth

import "github.com/gofrs/flock"

// tryLockFile takes an exclusive lock on path (LockFileEx on Windows),
// creating it, without waiting.
func tryLockFile(path string) (release func(), err error) {
	fl := flock.New(path, flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, errLockBusy
	}
	return func() { _ = fl.Unlock() }, nil
}
