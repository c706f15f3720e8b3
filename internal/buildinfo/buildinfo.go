// Package buildinfo says which version a program of tokentray's is: the
// one stamped at build time, or else the module's, as the go command
// records it; and where the window program is installed beside the full
// program. The full program and the window program use it alike.
package buildinfo

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
)

// Version is stamped unless it is "dev" (nothing was stamped, -ldflags
// "-X main.version=…"): then the version of the module the program was
// built from, as `go install github.com/tokentray/tokentray@v1.2.3`
// records it (built in a checkout with version control stamping, its tag
// or a pseudo-version of its commit); else dev.
func Version(stamped string) string {
	if stamped != "dev" {
		return stamped
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return stamped
}

// WindowProgram is tokentray-window next to exe, as the packages install
// it (and `go install` beside a go-installed tokentray) — only there: a
// program of that name elsewhere on PATH is not ours to start.
func WindowProgram(exe string) (string, error) {
	name := "tokentray-window"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	next := filepath.Join(filepath.Dir(exe), name)
	if _, err := os.Stat(next); err != nil {
		return "", fmt.Errorf("%s is not installed next to %s; the windows need it", name, exe)
	}
	return next, nil
}
