package defaults

import (
	"os"
	"path/filepath"
	"runtime"
)

// RunDir is tokentray's private directory, where the control socket lives: under the user's runtime dir where
// there is one (private, and cleared at logout), else under the cache dir.
// It is created 0700, and refused if another user owns it or others may
// enter it.
func RunDir() (string, error) {
	base, err := RunBase()
	if err != nil {
		return "", err
	}
	return Private(filepath.Join(base, "tokentray"))
}

// RunBase is the directory RunDir lives in.
func RunBase() (string, error) {
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
