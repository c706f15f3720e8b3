package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/tokentray/tokentray/auth/safefile"
)

// tomlPolicy takes any value so that set, shared with the registry and
// preferences, judges the types (go-toml's own errors name Go types).
type tomlPolicy struct {
	Organization   any `toml:"organization"`
	AllowedSigners any `toml:"allowed_signers"`
	RequireSigned  any `toml:"require_signed"`
	Profiles       any `toml:"profiles"`
	Language       any `toml:"language"`
}

// loadTOMLFile reads a policy file; check, when not nil, vets the open
// file before it is read (the machine's file must belong to root).
func loadTOMLFile(path string, check func(string, fs.FileInfo) error) (*Policy, error) {
	data, err := safefile.Read(path, safefile.MaxSize, check)
	if err != nil {
		return nil, fmt.Errorf("could not read the policy: %w", err)
	}
	return parseTOML(path, data)
}

// parseTOML reads policy TOML; relative paths resolve against the
// directory of path.
func parseTOML(path string, data []byte) (*Policy, error) {
	var t tomlPolicy
	if err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(&t); err != nil {
		return nil, tomlError(path, err)
	}
	lines := keyLines(data)
	p := newPolicy(path)
	values := map[string]any{"organization": t.Organization, "allowed_signers": t.AllowedSigners,
		"require_signed": t.RequireSigned, "profiles": t.Profiles, "language": t.Language}
	for _, f := range fields {
		v := values[f.key]
		if v == nil {
			continue
		}
		where := fmt.Sprintf("%s:%d", path, lines[f.key])
		if err := p.set(f, v, where, filepath.Dir(path)); err != nil {
			return nil, fmt.Errorf("%s: %s %w", where, f.key, err)
		}
	}
	return p, nil
}

// keyLines finds the line of each top-level key, for Source. The decoder
// has already accepted the file, so parse errors cannot happen here.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	for p.NextExpression() {
		n := p.Expression()
		if n.Kind != unstable.KeyValue {
			continue
		}
		it := n.Key()
		if it.Next() {
			lines[string(it.Node().Data)] = p.Shape(it.Node().Raw).Start.Line
		}
	}
	return lines
}

// tomlError says go-toml's errors as file:line: and plain words.
func tomlError(path string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		e := &strict.Errors[0]
		line, _ := e.Position()
		known := make([]string, len(fields))
		for i, f := range fields {
			known[i] = f.key
		}
		return fmt.Errorf("%s:%d: unknown key %q (known keys: %s)", path, line, strings.Join(e.Key(), "."), strings.Join(known, ", "))
	}
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return fmt.Errorf("%s: %w", path, err)
	}
	line, _ := de.Position()
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	key := strings.Join(de.Key(), ".")
	if strings.HasSuffix(msg, " is already defined") {
		return fmt.Errorf("%s:%d: %s is set twice; keep one", path, line, key)
	}
	return fmt.Errorf("%s:%d: not valid TOML: %s", path, line, msg)
}
