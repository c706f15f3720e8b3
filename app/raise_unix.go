//go:build unix

package app

import (
	"os"
	"syscall"
)

// raise asks a window's program to bring its window to the front
// (app/window: raiseOnSignal).
func raise(p *os.Process) { _ = p.Signal(syscall.SIGUSR1) }
