//go:build linux

package testkit

import (
	"os"
	"path/filepath"
	"syscall"
)

// reserve takes the resource called name (a display, a port) for this
// process, if no other test process has it: an exclusive lock on a file in
// the shared temporary directory, held while the returned file stays open.
// The kernel drops the lock when the process ends, however it ends, so a
// killed test leaves nothing taken. A second reserve of the same name in
// the same process fails too: each open file has its own lock.
func reserve(name string) (*os.File, bool) {
	f, err := os.OpenFile(filepath.Join(os.TempDir(), ".tokentray-testkit-"+name+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false
	}
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		f.Close()
		return nil, false
	}
	return f, true
}
