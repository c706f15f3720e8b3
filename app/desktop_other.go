//go:build !linux

package app

import "context"

// checkDesktop: macOS and Windows sessions always have a menu bar or a
// notification area.
func checkDesktop() error { return nil }

// trayHostPresent: there always is one outside Linux.
func trayHostPresent() bool { return true }

// canShowWindows: there always is a display outside Linux.
func canShowWindows() bool { return true }

// canOpenWindows: and windows open on it.
func canOpenWindows() bool { return true }

// watchTrayHost: nothing to watch outside Linux.
func watchTrayHost(context.Context, func(bool)) error { return nil }

// beforeRun and afterReady work around a D-Bus export race (see
// desktop_linux.go): nothing to do outside Linux.
func (t *tray) beforeRun(menuModel) {}
func (t *tray) afterReady()         {}
