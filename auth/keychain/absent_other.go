//go:build darwin || windows

package keychain

// keychainAbsent: the macOS Keychain and the Windows Credential Manager are
// part of the system; a failure of theirs is never their absence.
func keychainAbsent(error) (string, bool) { return "", false }
