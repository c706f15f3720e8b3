package policy

import (
	"strings"
	"testing"
	"time"
)

const testKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBuUe3r2XTyLs8VCJ6ZGoXk9KtyvNo6P0kVqD0EZCmHo"

func TestParseAllowedSigners(t *testing.T) {
	// A zone that is not UTC, so that "Z" and local times differ on any
	// machine (CI runs in UTC).
	oldLocal := time.Local
	time.Local = time.FixedZone("UTC+3", 3*3600)
	t.Cleanup(func() { time.Local = oldLocal })
	tests := []struct {
		name string
		file string
		want Signer // Key is checked for presence only
	}{
		{name: "plain", file: "it@acme.com " + testKey, want: Signer{Principals: []string{"it@acme.com"}, Line: 1}},
		{name: "several principals and a comment", file: "a@x,b@x " + testKey + " laptop key", want: Signer{Principals: []string{"a@x", "b@x"}, Line: 1}},
		{name: "quoted principals", file: `"Jane Doe,*@acme.com"  ` + testKey, want: Signer{Principals: []string{"Jane Doe", "*@acme.com"}, Line: 1}},
		{name: "comments and blank lines count as lines", file: "# list\n\n  \nit@x\t" + testKey + "\r\n", want: Signer{Principals: []string{"it@x"}, Line: 4}},
		{name: "options", file: `it@x namespaces="a,tokentray-*",Valid-After="20250101",valid-before="20260102030405Z" ` + testKey,
			want: Signer{Principals: []string{"it@x"}, Namespaces: []string{"a", "tokentray-*"},
				ValidAfter: time.Date(2025, 1, 1, 0, 0, 0, 0, time.Local), ValidBefore: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Line: 1}},
		{name: "cert-authority", file: "*@x cert-authority " + testKey, want: Signer{Principals: []string{"*@x"}, CertAuthority: true, Line: 1}},
		{name: "escaped quote in a value", file: `it@x namespaces="a\"b" ` + testKey, want: Signer{Principals: []string{"it@x"}, Namespaces: []string{`a"b`}, Line: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAllowedSigners("signers", []byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Key == nil {
				t.Fatalf("got %+v, want one signer with a key", got)
			}
			g := got[0]
			if strings.Join(g.Principals, "|") != strings.Join(tt.want.Principals, "|") || strings.Join(g.Namespaces, "|") != strings.Join(tt.want.Namespaces, "|") ||
				!g.ValidAfter.Equal(tt.want.ValidAfter) || !g.ValidBefore.Equal(tt.want.ValidBefore) || g.CertAuthority != tt.want.CertAuthority || g.Line != tt.want.Line {
				t.Errorf("got %+v, want %+v", g, tt.want)
			}
		})
	}
}

func TestParseAllowedSignersErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{name: "no key", file: "# ok\nit@acme.com\n", want: "signers:2: a key must follow the principals"},
		{name: "broken key", file: "it@x ssh-ed25519 AAAA!!\n", want: "signers:1: the ssh-ed25519 key is not valid base64"},
		{name: "key of another type", file: "it@x ssh-rsa" + strings.TrimPrefix(testKey, "ssh-ed25519"), want: "signers:1: the ssh-rsa key is not a valid OpenSSH public key"},
		{name: "unknown option", file: `it@x colour="red" ` + testKey, want: `signers:1: unknown option "colour=\"red\""`},
		{name: "a flag with a value", file: `it@x cert-authority="yes" ` + testKey, want: `signers:1: unknown option "cert-authority=\"yes\""`},
		{name: "unquoted value", file: `it@x namespaces=a ` + testKey, want: "signers:1: the value of option namespaces must be in quotes"},
		{name: "unclosed quote in principals", file: `"it@x ` + testKey, want: "signers:1: the quoted principals have no closing quote"},
		{name: "bad time", file: `it@x valid-after="2025" ` + testKey, want: `signers:1: valid-after="2025" is not a time`},
		{name: "before not after after", file: `it@x valid-after="20260101",valid-before="20250101" ` + testKey, want: "signers:1: valid-before must be later than valid-after"},
		{name: "option twice", file: `it@x namespaces="a",namespaces="b" ` + testKey, want: "signers:1: option namespaces is given twice"},
		{name: "trailing comma", file: `it@x namespaces="a", ` + testKey, want: "signers:1: an option is empty (a comma too many?)"},
		{name: "no principals", file: `"" ` + testKey, want: "signers:1: the line names no principals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAllowedSigners("signers", []byte(tt.file))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got %v, want an error starting %q", err, tt.want)
			}
		})
	}
}

func TestMatchList(t *testing.T) {
	tests := []struct {
		s        string
		patterns string
		want     bool
	}{
		{"tokentray-profile", "tokentray-profile", true},
		{"tokentray-profile", "tokentray-*", true},
		{"tokentray-profile", "tokentray-profil?", true},
		{"tokentray-profile", "tokentray-?", false},
		{"tokentray-profile", "git,file", false},
		{"tokentray-profile", "*,!tokentray-*", false},
		{"tokentray-profile", "!git", false}, // a negation alone allows nothing, as in OpenSSH
		{"tokentray-profile", "*profile*", true},
	}
	for _, tt := range tests {
		t.Run(tt.patterns, func(t *testing.T) {
			if got := matchList(tt.s, strings.Split(tt.patterns, ",")); got != tt.want {
				t.Errorf("matchList(%q, %q) = %v, want %v", tt.s, tt.patterns, got, tt.want)
			}
		})
	}
}
