//go:build !windows

package app

// detachConsole matters on Windows only.
func detachConsole() {}
