package policy

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"howett.net/plist"
)

func plistBytes(t *testing.T, format int, v map[string]any) []byte {
	t.Helper()
	data, err := plist.Marshal(v, format)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReadPlist(t *testing.T) {
	const device, user = "/Library/Managed Preferences/com.tokentray.plist", "/Library/Managed Preferences/alice/com.tokentray.plist"
	// Absolute on every OS ("/Library/…" is not on Windows).
	signers, profiles := filepath.Join(t.TempDir(), "allowed_signers"), filepath.Join(t.TempDir(), "profiles.toml")
	all := map[string]any{"Organization": "ACME Corp", "AllowedSigners": signers,
		"RequireSigned": true, "Profiles": profiles, "Language": "de", "PayloadUUID": "ignored"}
	allWant := Policy{Organization: "ACME Corp", AllowedSigners: signers, RequireSigned: true,
		Profiles: profiles, Language: "de", Where: device,
		Source: map[string]string{"organization": device + ": Organization", "allowed_signers": device + ": AllowedSigners",
			"require_signed": device + ": RequireSigned", "profiles": device + ": Profiles", "language": device + ": Language"}}
	tests := []struct {
		name         string
		device, user []byte // nil = absent
		want         Policy
	}{
		{name: "XML", device: plistBytes(t, plist.XMLFormat, all), want: allWant},
		{name: "binary", device: plistBytes(t, plist.BinaryFormat, all), want: allWant},
		{name: "RequireSigned as an integer", device: plistBytes(t, plist.XMLFormat, map[string]any{"RequireSigned": 1}),
			want: Policy{RequireSigned: true, Where: device, Source: map[string]string{"require_signed": device + ": RequireSigned"}}},
		{name: "RequireSigned 0 in binary", device: plistBytes(t, plist.BinaryFormat, map[string]any{"RequireSigned": 0}),
			want: Policy{Where: device, Source: map[string]string{"require_signed": device + ": RequireSigned"}}},
		{name: "the user's keys take precedence", device: plistBytes(t, plist.BinaryFormat, map[string]any{"Organization": "ACME", "Language": "de"}),
			user: plistBytes(t, plist.XMLFormat, map[string]any{"Language": "fr"}),
			want: Policy{Organization: "ACME", Language: "fr", Where: device + " and " + user,
				Source: map[string]string{"organization": device + ": Organization", "language": user + ": Language"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPolicy("")
			for _, f := range []struct {
				path string
				data []byte
			}{{device, tt.device}, {user, tt.user}} {
				if f.data != nil {
					if err := p.readPlist(f.path, f.data); err != nil {
						t.Fatal(err)
					}
				}
			}
			if !reflect.DeepEqual(*p, tt.want) {
				t.Errorf("got %+v\nwant %+v", *p, tt.want)
			}
		})
	}
}

func TestReadPlistErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{name: "RequireSigned as text", data: plistBytes(t, plist.XMLFormat, map[string]any{"RequireSigned": "yes"}), want: "p.plist: RequireSigned takes true or false, not text"},
		{name: "Organization as a number", data: plistBytes(t, plist.BinaryFormat, map[string]any{"Organization": 7}), want: "p.plist: Organization takes text, not a number"},
		{name: "a relative path", data: plistBytes(t, plist.XMLFormat, map[string]any{"Profiles": "profiles.toml"}), want: `p.plist: Profiles must be a full path, not "profiles.toml"`},
		{name: "not a property list", data: []byte("<plist><dict><key>x"), want: "p.plist is not a valid property list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newPolicy("").readPlist("p.plist", tt.data)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got %v, want an error starting %q", err, tt.want)
			}
		})
	}
}
