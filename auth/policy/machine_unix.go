//go:build unix && !darwin

package policy

import (
	"errors"
	"io/fs"
)

// machinePath is a variable so tests can point it at a temporary file.
var machinePath = "/etc/tokentray/policy.toml"

// loadMachine returns nil, nil when the machine has no policy file.
func loadMachine() (*Policy, error) {
	p, err := loadTOMLFile(machinePath, checkMachineInfo)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if p != nil {
		p.vet = checkMachineInfo
	}
	return p, err
}
