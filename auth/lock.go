package auth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// RuntimeDir is tokentray's private directory for locks and the control
// socket: under the user's runtime dir where there is one (private, and
// cleared at logout), else under the cache dir. It is created 0700, and
// refused if another user owns it or others may enter it.
func RuntimeDir() (string, error) {
	base, err := runtimeBase()
	if err != nil {
		return "", err
	}
	return privateDir(filepath.Join(base, "tokentray"))
}

func runtimeBase() (string, error) {
	if runtime.GOOS == "linux" {
		if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
			return dir, nil
		}
	}
	return os.UserCacheDir()
}

func privateDir(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := checkPrivateDir(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// lockDirs remembers the lock directory made and checked for a runtime
// base: a refresh then costs open, flock and close, not four more system
// calls to look at directories again. One removed meanwhile is made again.
var lockDirs struct {
	sync.Mutex
	base, dir string
}

func lockDir(again bool) (string, error) {
	base, err := runtimeBase()
	if err != nil {
		return "", err
	}
	lockDirs.Lock()
	defer lockDirs.Unlock()
	if lockDirs.base == base && !again {
		return lockDirs.dir, nil
	}
	top, err := RuntimeDir()
	if err != nil {
		return "", err
	}
	dir, err := privateDir(filepath.Join(top, "locks"))
	if err != nil {
		return "", err
	}
	lockDirs.base, lockDirs.dir = base, dir
	return dir, nil
}

// lockProfile takes the profile's refresh lock, shared by every tokentray
// process of this user, so that two processes never present the same
// refresh token: with rotation and reuse detection the second presentation
// would revoke the whole sign-in. The kernel releases it if the process dies.
func lockProfile(ctx context.Context, profile string) (unlock func(), err error) {
	var path string
	for again := range 2 {
		dir, derr := lockDir(again == 1)
		if derr != nil {
			return nil, fmt.Errorf("refresh lock for %s: %w", profile, derr)
		}
		path = filepath.Join(dir, profile+".lock")
		if unlock, err = tryLockFile(path); !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if errors.Is(err, errLockBusy) {
		// Another process is refreshing: wait for it, within reason.
		ctx, cancel := context.WithTimeoutCause(ctx, time.Minute, errors.New("another tokentray process has held it for a minute"))
		defer cancel()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for errors.Is(err, errLockBusy) {
			select {
			case <-ctx.Done():
				err = context.Cause(ctx)
			case <-tick.C:
				unlock, err = tryLockFile(path)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("refresh lock for %s: %w", profile, err)
	}
	return unlock, nil
}

// errLockBusy is a lock file another process holds.
var errLockBusy = errors.New("held by another process")
