//go:build !unix

package app

// harden: Windows writes no core files by default, and its process ACL
// already limits who may read the tray's memory.
func harden() error { return nil }
