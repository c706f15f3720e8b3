// Package policy reads the machine policy that IT sets for tokentray, and
// checks the signatures with which IT vouches for profile files.
//
// The policy comes from /etc/tokentray/policy.toml on Linux and other Unix
// systems, from HKLM\SOFTWARE\Policies\tokentray on Windows, and from the
// managed preferences of com.tokentray on macOS. The package is a leaf: it
// imports nothing else from tokentray.
package policy

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/tokentray/tokentray/auth/safefile"
)

// Policy is what IT set for this machine. The zero value is "no policy".
type Policy struct {
	Organization   string // shown as "Managed by ACME Corp"
	AllowedSigners string // path of an OpenSSH allowed-signers file
	RequireSigned  bool   // refuse unsigned or wrongly signed profile files on import
	Profiles       string // path of a managed profile file
	Language       string // UI language override such as "de" (optional; empty = the OS's)
	// Source names where each set value came from, by key ("organization",
	// "allowed_signers", "require_signed", "profiles", "language"): e.g.
	// "/etc/tokentray/policy.toml:3" or
	// `HKLM\SOFTWARE\Policies\tokentray\Organization`.
	Source map[string]string
	// Where is where the policy was read ("" when the machine has none).
	Where string
	// Trial is set for a policy from TOKENTRAY_POLICY: the person's own.
	Trial bool
	// Err is why the machine's policy could not be read (Current): such a
	// machine is not run as if it had none — no file can be imported until
	// IT fixes it.
	Err error

	// vet checks the files the policy names as it checks itself (see
	// ReadNamed); nil checks nothing.
	vet func(path string, fi fs.FileInfo) error
}

// ReadNamed reads a file the policy names — its allowed signers, its
// managed profiles — within the bounds of safefile, and, for the machine's
// own policy on Linux, only if root owns it and no one else may write it:
// otherwise a user could add a signer of their own or rewrite IT's
// profiles, whatever the policy file itself allows.
func (p *Policy) ReadNamed(path string) ([]byte, error) {
	return safefile.Read(path, safefile.MaxSize, p.vet)
}

// EnvOverride names a policy file to try out where the machine has none.
const EnvOverride = "TOKENTRAY_POLICY"

// Load returns the machine's policy, and an empty Policy when it has none.
// On error it returns nil: a machine whose policy cannot be read must not
// run as if it had none.
func Load() (*Policy, error) {
	p, err := loadMachine()
	if err != nil {
		return nil, err
	}
	if p != nil {
		return p, nil
	}
	// TOKENTRAY_POLICY lets a person try a policy before IT deploys it. It
	// is read only when the machine has no policy of its own, so it can
	// never loosen what IT set; for the same reason it needs no root-owned
	// file: it only restricts the person who set it.
	if path := os.Getenv(EnvOverride); path != "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("policy file named by %s: %w", EnvOverride, err)
		}
		p, err := loadTOMLFile(abs, nil)
		if p != nil {
			p.Trial = true
		}
		return p, err
	}
	return newPolicy(""), nil
}

// Current is the machine's policy as Load reads it, read once per process;
// one that cannot be read is a Policy with Err set.
var Current = sync.OnceValue(func() *Policy {
	p, err := Load()
	if err != nil {
		return &Policy{Source: map[string]string{}, Err: &UnreadableError{Err: err}}
	}
	return p
})

// UnreadableError is a machine policy that cannot be read: IT's to fix,
// and said as the policy, not as a profile file.
type UnreadableError struct{ Err error }

func (e *UnreadableError) Error() string { return e.Err.Error() }
func (e *UnreadableError) Unwrap() error { return e.Err }

func newPolicy(where string) *Policy {
	return &Policy{Source: map[string]string{}, Where: where}
}

// registryKey is where Group Policy writes on Windows, under HKLM.
const registryKey = `SOFTWARE\Policies\tokentray`

// field is one policy setting: its key in TOML and its value name in the
// registry and in macOS preferences (and in the ADMX template).
type field struct {
	key, name string
	isBool    bool
	isPath    bool
}

var fields = []field{
	{key: "organization", name: "Organization"},
	{key: "allowed_signers", name: "AllowedSigners", isPath: true},
	{key: "require_signed", name: "RequireSigned", isBool: true},
	{key: "profiles", name: "Profiles", isPath: true},
	{key: "language", name: "Language"},
}

// languageTag is loose on purpose (BCP 47 shapes such as "de", "pt-BR",
// "zh_Hant"): enough to keep a path or a sentence out of the setting.
var languageTag = regexp.MustCompile(`^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$`)

// set stores one value read from source; its error completes a sentence
// that starts with the key. Relative paths resolve against base; with no
// base (registry, preferences) a path must be absolute, as the program's
// working directory is nothing IT chose. An empty text counts as not set.
func (p *Policy) set(f field, value any, source, base string) error {
	if f.isBool {
		b, ok := value.(bool)
		if !ok {
			return fmt.Errorf("takes true or false, not %s", kindWords(value))
		}
		p.RequireSigned = b
		p.Source[f.key] = source
		return nil
	}
	s, ok := value.(string)
	if !ok {
		return fmt.Errorf("takes text, not %s", kindWords(value))
	}
	if s == "" {
		return nil
	}
	if f.isPath && !filepath.IsAbs(s) {
		if base == "" {
			return fmt.Errorf("must be a full path, not %q", s)
		}
		s = filepath.Join(base, s)
	}
	switch f.key {
	case "organization":
		p.Organization = s
	case "allowed_signers":
		p.AllowedSigners = s
	case "profiles":
		p.Profiles = s
	case "language":
		if !languageTag.MatchString(s) {
			return fmt.Errorf("takes a language such as \"de\" or \"pt-BR\", not %q", s)
		}
		p.Language = s
	}
	p.Source[f.key] = source
	return nil
}

// kindWords names the kind of a decoded value in plain words.
func kindWords(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case bool:
		return "true or false"
	case int64, uint64, int:
		return "a number"
	case float64:
		return "a decimal number"
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return "a date or other value"
}
