//go:build !unix

package cli

import (
	"os"
	"os/exec"
)

// replace: Windows has no exec in place; tokentray runs the command as a
// child and waits for it.
func replace(path string, argv, env []string) error { return errNoReplace }

// forwarded: Ctrl-C reaches every process of the console on Windows.
var forwarded = []os.Signal{os.Interrupt}

func exitCodeOf(ee *exec.ExitError) int { return ee.ExitCode() }
