//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package auth

import (
	"io/fs"
	"syscall"
)

// tryLockFile takes an exclusive flock(2) on path, creating it, without
// waiting; closing the descriptor releases it. Plain system calls rather
// than an os.File: every refresh takes this lock, and an os.File adds a
// poller registration and blocking-mode switches (six system calls, more
// than the lock itself).
func tryLockFile(path string) (release func(), err error) {
	fd, err := syscall.Open(path, syscall.O_CREAT|syscall.O_RDWR|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	if err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = syscall.Close(fd)
		if err == syscall.EWOULDBLOCK {
			return nil, errLockBusy
		}
		return nil, &fs.PathError{Op: "lock", Path: path, Err: err}
	}
	return func() { _ = syscall.Close(fd) }, nil
}
