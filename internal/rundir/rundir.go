// Package rundir is tokentray's private per-user directory: the control
// socket and the refresh locks live there. It is shared by the tray, the
// command line and the window program, so it depends on nothing else.
package rundir

import (
	"os"
	"path/filepath"
	"runtime"
)

// Dir is tokentray's private directory: under the user's runtime dir where
// there is one (private, and cleared at logout), else under the cache dir.
// It is created 0700, and refused if another user owns it or others may
// enter it.
func Dir() (string, error) {
	base, err := Base()
	if err != nil {
		return "", err
	}
	return Private(filepath.Join(base, "tokentray"))
}

// Base is the directory Dir lives in.
func Base() (string, error) {
	if runtime.GOOS == "linux" {
		if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
			return dir, nil
		}
	}
	return os.UserCacheDir()
}

// Private makes dir (0700) and checks that it is this user's alone: a
// socket or lock in a directory others control could be swapped.
func Private(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := checkPrivateDir(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// LockDir is where the refresh locks live: one place per user, whatever
// the environment says. Every tokentray process of the user — the tray in
// a desktop session, a cron job without XDG_RUNTIME_DIR, a service with
// another HOME — must take the same lock, or two of them present one
// refresh token at once and a rotating provider revokes the sign-in. So it
// comes from the user database, not from environment variables.
func LockDir() (string, error) {
	base, err := userCacheDir()
	if err != nil {
		return "", err
	}
	return Private(filepath.Join(base, "tokentray", "locks"))
}
