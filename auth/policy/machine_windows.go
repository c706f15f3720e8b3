package policy

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// loadMachine reads HKLM\SOFTWARE\Policies\tokentray, where Group Policy
// (packaging/windows/policy/tokentray.admx) writes; nil, nil without it.
func loadMachine() (*Policy, error) {
	return loadRegistry(registry.LOCAL_MACHINE, `HKLM\`, registryKey)
}

// loadRegistry takes the root as a parameter so tests can use HKCU,
// which needs no administrator.
func loadRegistry(root registry.Key, rootName, path string) (*Policy, error) {
	where := rootName + path
	// The 64-bit view: Group Policy writes there, and a 32-bit build must
	// not read an empty redirected copy.
	k, err := registry.OpenKey(root, path, registry.QUERY_VALUE|registry.WOW64_64KEY)
	if errors.Is(err, registry.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("could not read the policy %s: %w", where, err)
	}
	defer k.Close()
	p := newPolicy(where)
	for _, f := range fields {
		source := where + `\` + f.name
		v, err := registryValue(k, f)
		if errors.Is(err, registry.ErrNotExist) {
			continue
		}
		if err == nil {
			err = p.set(f, v, source, "")
		}
		if err != nil {
			return nil, fmt.Errorf("policy %s %w", source, err)
		}
	}
	return p, nil
}

// registryValue reads f's value in the type the ADMX template writes.
func registryValue(k registry.Key, f field) (any, error) {
	if f.isBool {
		n, typ, err := k.GetIntegerValue(f.name)
		if errors.Is(err, registry.ErrUnexpectedType) || (err == nil && typ != registry.DWORD) {
			return nil, errors.New("must be a number (REG_DWORD): 1 or 0")
		}
		return n != 0, err
	}
	s, typ, err := k.GetStringValue(f.name)
	if errors.Is(err, registry.ErrUnexpectedType) || (err == nil && typ == registry.EXPAND_SZ && !f.isPath) {
		return nil, errors.New("must be text (REG_SZ)")
	}
	if err != nil || typ != registry.EXPAND_SZ {
		return s, err
	}
	return registry.ExpandString(s)
}
