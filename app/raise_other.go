//go:build !unix

package app

import "os"

// raise: Windows has no signals to ask for it (see app/window).
func raise(*os.Process) {}
