//go:build !linux

package cli

// desktopFindings: macOS and Windows always have what the tray needs
// (a menu bar or notification area, a clipboard, a browser opener).
func desktopFindings() []finding { return nil }
