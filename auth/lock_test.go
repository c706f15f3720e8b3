package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/tokentray/tokentray/defaults"
)

// The refresh lock excludes other holders (flock: even other descriptors in
// this process), waits for them, gives up with the caller's context, and
// survives its directory being removed while the program runs.
func TestLockProfile(t *testing.T) {
	run := t.TempDir()
	userLockDir = func() (string, error) { return defaults.Private(filepath.Join(run, "tokentray", "locks")) }
	lockDirs.dir = ""
	t.Cleanup(func() { userLockDir, lockDirs.dir = defaults.LockDir, "" })
	unlock, err := lockProfile(context.Background(), "work")
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(run, "tokentray", "locks", "work.lock"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("lock file: %v %v", fi.Mode(), err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := lockProfile(ctx, "work"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second holder while held: %v, want the context's deadline", err)
	}
	other, err := lockProfile(context.Background(), "other")
	if err != nil {
		t.Fatalf("another profile's lock: %v", err)
	}
	other()

	got := make(chan error, 1)
	go func() {
		u, err := lockProfile(context.Background(), "work")
		if err == nil {
			u()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("second holder did not wait: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("second holder after release: %v", err)
	}

	if err := os.RemoveAll(filepath.Join(run, "tokentray")); err != nil {
		t.Fatal(err)
	}
	unlock, err = lockProfile(context.Background(), "work")
	if err != nil {
		t.Fatalf("after the directory was removed: %v", err)
	}
	unlock()
}
