package policy

import (
	"fmt"

	"howett.net/plist"
)

// readPlist adds the settings of managed preferences (binary or XML) to p;
// a later call overrides an earlier one key by key. Keys other than ours
// are ignored: MDM tools add their own.
func (p *Policy) readPlist(path string, data []byte) error {
	var m map[string]any
	if _, err := plist.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("%s is not a valid property list: %w", path, err)
	}
	if p.Where != "" {
		p.Where += " and "
	}
	p.Where += path
	for _, f := range fields {
		v, ok := m[f.name]
		if !ok {
			continue
		}
		// A profile editor may write RequireSigned as an integer.
		switch n := v.(type) {
		case uint64:
			if f.isBool {
				v = n != 0
			}
		case int64:
			if f.isBool {
				v = n != 0
			}
		}
		if err := p.set(f, v, path+": "+f.name, ""); err != nil {
			return fmt.Errorf("%s: %s %w", path, f.name, err)
		}
	}
	return nil
}
