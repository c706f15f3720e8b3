package policy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	needKeygen(t)
	dir := t.TempDir()
	key, pub := newKey(t, dir, "ed25519")
	data := []byte("[profile.work]\n")
	sig := sign(t, key, Namespace, data)
	list := filepath.Join(dir, "allowed_signers")
	writeTestFile(t, list, []byte("it@acme.com "+pub+"\n"))
	broken := filepath.Join(dir, "broken_signers")
	writeTestFile(t, broken, []byte("# IT\nit@acme.com ssh-ed25519\n"))
	empty := filepath.Join(dir, "empty_signers")
	writeTestFile(t, empty, []byte("# nobody\n"))

	tests := []struct {
		name    string
		sig     []byte // nil = no .sig file
		signers string // the policy's allowed_signers
		want    Status
		why     string
	}{
		{name: "signed", sig: sig, signers: list, want: Signed},
		{name: "no .sig file", signers: list, want: Unsigned, why: "profiles.toml.sig"},
		{name: "empty .sig file", sig: []byte{}, signers: list, want: Mismatch, why: "not an SSH signature"},
		{name: ".sig larger than 64 KB", sig: bytes.Repeat([]byte("x"), maxSig+1), signers: list, want: Mismatch, why: "larger than 64 KB"},
		{name: "policy names no allowed signers", sig: sig, want: NotAllowed, why: "this computer has no list of allowed signers (policy allowed_signers)"},
		{name: "no signers and a garbage .sig", sig: []byte("x"), want: NotAllowed, why: "this computer has no list"},
		{name: "allowed signers file missing", sig: sig, signers: filepath.Join(dir, "nothing"), want: NotAllowed, why: "could not be read"},
		{name: "allowed signers file broken", sig: sig, signers: broken, want: NotAllowed, why: "broken_signers:2: "},
		{name: "allowed signers file empty", sig: sig, signers: empty, want: NotAllowed, why: "names no one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "profiles.toml")
			if tt.sig != nil {
				writeTestFile(t, file+".sig", tt.sig)
			}
			got := (&Policy{AllowedSigners: tt.signers}).Check(file, data, time.Now())
			if got.Status != tt.want || !strings.Contains(got.Why, tt.why) {
				t.Errorf("got %v %q, want %v and a Why with %q", got.Status, got.Why, tt.want, tt.why)
			}
		})
	}
}

func writeTestFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
