package buildinfo

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// A stamped version is kept as it is; an unstamped one is dev or the
// module's (a test binary has none: dev).
func TestVersion(t *testing.T) {
	for _, c := range []struct{ stamped, want string }{
		{"v1.2.3", "v1.2.3"},
		{"v1.2.3-4-gabc1234-dirty", "v1.2.3-4-gabc1234-dirty"},
		{"dev", "dev"},
	} {
		if got := Version(c.stamped); got != c.want {
			t.Errorf("Version(%q) = %q, want %q", c.stamped, got, c.want)
		}
	}
}

// The window program is taken from next to tokentray only: one of the same
// name elsewhere on PATH is not started.
func TestWindowProgramOnlyNextToTokentray(t *testing.T) {
	name := "tokentray-window"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	elsewhere := t.TempDir()
	if err := os.WriteFile(filepath.Join(elsewhere, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", elsewhere)
	here := t.TempDir()
	exe := filepath.Join(here, "tokentray")
	if got, err := WindowProgram(exe); err == nil {
		t.Errorf("found %s, want none next to %s", got, exe)
	}
	if err := os.WriteFile(filepath.Join(here, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := WindowProgram(exe); err != nil || got != filepath.Join(here, name) {
		t.Errorf("got %s, %v; want the one next to tokentray", got, err)
	}
}
