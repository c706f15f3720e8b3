//go:build !unix

package cli

import (
	"os"
	"os/exec"
)

// forwarded: Ctrl-C reaches every process of the console on Windows.
var forwarded = []os.Signal{os.Interrupt}

func exitCodeOf(ee *exec.ExitError) int { return ee.ExitCode() }
