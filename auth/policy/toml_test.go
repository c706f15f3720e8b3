package policy

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseTOML(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "policy.toml")
	// Absolute on every OS ("/etc/…" is not on Windows).
	signers, profiles := filepath.Join(t.TempDir(), "allowed_signers"), filepath.Join(t.TempDir(), "profiles.toml")
	tests := []struct {
		name string
		toml string
		want Policy // Where is always file
	}{
		{name: "empty", toml: "# nothing yet\n", want: Policy{Source: map[string]string{}}},
		{name: "every key", toml: "organization = \"ACME Corp\"\nallowed_signers = '" + signers + "'\n\nrequire_signed = true\nprofiles = '" + profiles + "'\nlanguage = \"pt-BR\"\n",
			want: Policy{Organization: "ACME Corp", AllowedSigners: signers, RequireSigned: true, Profiles: profiles, Language: "pt-BR",
				Source: map[string]string{"organization": file + ":1", "allowed_signers": file + ":2", "require_signed": file + ":4", "profiles": file + ":5", "language": file + ":6"}}},
		{name: "relative paths resolve against the policy's directory", toml: "allowed_signers = \"allowed_signers\"\nprofiles = \"sub/profiles.toml\"\n",
			want: Policy{AllowedSigners: filepath.Join(dir, "allowed_signers"), Profiles: filepath.Join(dir, "sub", "profiles.toml"),
				Source: map[string]string{"allowed_signers": file + ":1", "profiles": file + ":2"}}},
		{name: "require_signed false is still set", toml: "require_signed = false\n", want: Policy{Source: map[string]string{"require_signed": file + ":1"}}},
		{name: "empty text counts as not set", toml: "organization = \"\"\n", want: Policy{Source: map[string]string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTOML(file, []byte(tt.toml))
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Where = file
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestParseTOMLErrors(t *testing.T) {
	tests := []struct {
		name, toml, want string
	}{
		{name: "unknown key", toml: "organization = \"ACME\"\n\ncolour = \"red\"\n", want: `p.toml:3: unknown key "colour" (known keys: organization, allowed_signers, require_signed, profiles, language)`},
		{name: "a table", toml: "[profile.work]\nissuer = \"x\"\n", want: `p.toml:1: unknown key "profile.work"`},
		{name: "require_signed as text", toml: "\nrequire_signed = \"yes\"\n", want: "p.toml:2: require_signed takes true or false, not text"},
		{name: "organization as a number", toml: "organization = 42\n", want: "p.toml:1: organization takes text, not a number"},
		{name: "allowed_signers as a list", toml: "allowed_signers = [\"a\"]\n", want: "p.toml:1: allowed_signers takes text, not a list"},
		{name: "profiles as a table", toml: "profiles.path = \"a\"\n", want: "p.toml:1: profiles takes text, not a table"},
		{name: "language not a language", toml: "language = \"../../etc\"\n", want: `p.toml:1: language takes a language such as "de" or "pt-BR", not "../../etc"`},
		{name: "a key twice", toml: "organization = \"a\"\norganization = \"b\"\n", want: "p.toml:2: organization is set twice; keep one"},
		{name: "not TOML", toml: "organization = \n", want: "p.toml:1: not valid TOML: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTOML("p.toml", []byte(tt.toml))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got %v, want an error starting %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "policy.") {
				t.Errorf("error %q names a Go type", err)
			}
		})
	}
}
