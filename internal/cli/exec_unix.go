//go:build unix

package cli

import (
	"os"
	"os/exec"
	"syscall"
)

// replace runs argv, its program found at path, in this process's place
// (execve); it returns only when the command could not be started.
func replace(path string, argv, env []string) error {
	return syscall.Exec(path, argv, env)
}

// forwarded are the signals exec passes to its command when it runs it
// as a child: a test's, with streams of its own.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// exitCodeOf is the command's exit code, 128+N when a signal ended it, as
// shells report it.
func exitCodeOf(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
