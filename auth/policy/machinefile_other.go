//go:build !unix || darwin

package policy

// CheckMachineFile does nothing on Windows and macOS: their ownership
// rules (ACLs, the admin group) are not Unix's, and their policy comes
// from stores that only administrators write (registry, managed
// preferences), not from a file a user might own.
func CheckMachineFile(path string) error { return nil }
