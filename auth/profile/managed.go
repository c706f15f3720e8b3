package profile

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/safefile"
)

// Profiles IT manages come from a file machine policy names (policy
// "profiles"): IT's, read-only for the person. They stand first in every
// list, marked managed; a profile of the same name in the person's own
// file is hidden by them, never the other way round; the person signs in
// and out as usual but cannot remove or change them.

// ManagedError says that the managed profile file cannot be used: the
// person cannot fix it, IT can.
func ManagedError(path string, err error) *ConfigError {
	ce := &ConfigError{File: path, Msg: err.Error(), Err: err}
	if errors.As(err, &ce) {
		c := *ce
		ce = &c
	}
	ce.Managed = true
	return ce
}

// LoadManaged reads the managed profile file pol names (nil, nil when it
// names none), as pol reads the files it names (policy.ReadNamed). An
// error is a ManagedError.
func LoadManaged(pol *policy.Policy) (*Config, error) {
	if pol == nil || pol.Profiles == "" {
		return nil, nil
	}
	data, err := pol.ReadNamed(pol.Profiles)
	var cfg *Config
	if err == nil {
		cfg, err = ParseManaged(pol.Profiles, data)
	}
	if err != nil {
		return nil, ManagedError(pol.Profiles, err)
	}
	return cfg, nil
}

// ParseManaged checks the managed profile file's contents and marks its
// profiles managed.
func ParseManaged(path string, data []byte) (*Config, error) {
	cfg, err := ParseConfig(path, data)
	if err != nil {
		return nil, err
	}
	for _, p := range cfg.Profiles {
		p.Managed = true
	}
	cfg.ManagedPath = path
	return cfg, nil
}

// LoadBeside reads the person's profile file at path beside the profiles
// IT manages (nil: none) and merges them: IT's first, then the person's
// (those of a managed name hidden and listed in Shadowed); the person's
// default, else IT's. A person's file that does not exist is an empty one
// (its error wraps fs.ErrNotExist all the same, with the merged config).
func LoadBeside(path string, managed *Config) (*Config, error) {
	data, err := safefile.ReadSmall(path)
	var missing error
	switch {
	case errors.Is(err, os.ErrNotExist):
		missing = &ConfigError{File: path, Msg: "no profile file here yet; import the one your IT team sent (tokentray profiles import FILE) or pass --config", Err: err}
		data = nil
	case err != nil:
		return nil, &ConfigError{File: path, Msg: fmt.Sprintf("cannot read the profile file: %v", err)}
	}
	mine, err := parse(path, data, managed)
	if err != nil {
		return nil, err
	}
	mine.NoFile = missing != nil
	merged, err := merge(managed, mine)
	if err != nil {
		return nil, err
	}
	return merged, missing
}

// merge puts the person's profiles after IT's.
func merge(managed, mine *Config) (*Config, error) {
	if managed == nil || len(managed.Names) == 0 {
		return mine, nil
	}
	out := *mine
	out.ManagedPath = managed.ManagedPath
	out.Profiles = map[string]*Profile{}
	out.Names = slices.Clone(managed.Names)
	for _, name := range managed.Names {
		out.Profiles[name] = managed.Profiles[name]
	}
	for _, name := range mine.Names {
		if managed.has(name) {
			out.Shadowed = append(out.Shadowed, name)
			continue
		}
		out.Names = append(out.Names, name)
		out.Profiles[name] = mine.Profiles[name]
	}
	if out.Default == "" {
		out.Default = managed.Default
	}
	// IT's git hosts are IT's: a profile of the person's claiming one of
	// them is refused as two of one file are.
	if err := out.checkGitClaims(); err != nil {
		return nil, err
	}
	return &out, nil
}

// any tells whether c holds a profile (c may be nil).
func (c *Config) any() bool { return c != nil && len(c.Names) > 0 }

// has tells whether c holds a profile of that name (c may be nil).
func (c *Config) has(name string) bool {
	if c == nil {
		return false
	}
	_, ok := c.Profiles[name]
	return ok
}
