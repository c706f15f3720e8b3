//go:build unix

package app

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// harden keeps the resident's memory, which holds tokens all day, out of
// core dumps, and on Linux out of reach of ptrace by the user's other
// programs (a debugger needs root then).
func harden() error {
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}); err != nil {
		return err
	}
	if runtime.GOOS == "linux" {
		return unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	}
	return nil
}
