//go:build unix

package cli

import (
	"os"
	"os/exec"
	"syscall"
)

// forwarded are the signals exec passes to its command.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// exitCodeOf is the command's exit code, 128+N when a signal ended it, as
// shells report it.
func exitCodeOf(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
