package auth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/tokentray/tokentray/defaults"
)

// lockDirs remembers the lock directory once made and checked: a refresh
// then costs open, flock and close, not four more system calls to look at
// directories again. One removed meanwhile is made again.
var lockDirs struct {
	sync.Mutex
	dir string
}

// userLockDir is defaults.LockDir; a test points it at a directory of its
// own, so that removing it disturbs no other test's locks.
var userLockDir = defaults.LockDir

func lockDir(again bool) (string, error) {
	lockDirs.Lock()
	defer lockDirs.Unlock()
	if lockDirs.dir != "" && !again {
		return lockDirs.dir, nil
	}
	dir, err := userLockDir()
	if err != nil {
		return "", err
	}
	lockDirs.dir = dir
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
