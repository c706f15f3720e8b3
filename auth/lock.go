package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/gofrs/flock"
)

// RuntimeDir is tokentray's private directory for locks and the control
// socket: under the user's runtime dir where there is one (private, and
// cleared at logout), else under the cache dir. It is created 0700, and
// refused if another user owns it or others may enter it.
func RuntimeDir() (string, error) {
	base := ""
	if runtime.GOOS == "linux" {
		base = os.Getenv("XDG_RUNTIME_DIR")
	}
	if base == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		base = dir
	}
	dir := filepath.Join(base, "tokentray")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := checkPrivateDir(dir); err != nil {
		return "", err
	}
	return dir, nil
}

func lockDir() (string, error) {
	dir, err := RuntimeDir()
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, "locks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, nil
}

// lockProfile takes the profile's refresh lock, shared by every tokentray
// process of this user, so that two processes never present the same
// refresh token: with rotation and reuse detection the second presentation
// would revoke the whole sign-in. The kernel releases it if the process dies.
func lockProfile(ctx context.Context, profile string) (unlock func(), err error) {
	dir, err := lockDir()
	if err != nil {
		return nil, fmt.Errorf("refresh lock for %s: %w", profile, err)
	}
	fl := flock.New(filepath.Join(dir, profile+".lock"), flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	ok, err := fl.TryLockContext(ctx, 10*time.Millisecond)
	if !ok || err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = errors.New("another tokentray process has held it for a minute")
		}
		return nil, fmt.Errorf("refresh lock for %s: %w", profile, err)
	}
	return func() { _ = fl.Unlock() }, nil
}
