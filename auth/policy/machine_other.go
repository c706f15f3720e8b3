//go:build !unix && !windows

package policy

// loadMachine: no machine policy where tokentray has no place for one.
func loadMachine() (*Policy, error) { return nil, nil }
