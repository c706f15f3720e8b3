package policy

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/testkit"
)

// needKeygen skips a test where ssh-keygen, the tool IT signs with, is
// not installed.
func needKeygen(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen is not installed")
	}
}

// keygen runs the real ssh-keygen.
func keygen(t *testing.T, stdin []byte, args ...string) error {
	t.Helper()
	cmd := exec.Command("ssh-keygen", args...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := testkit.Bounded(cmd, 30*time.Second)
	if err != nil {
		return fmt.Errorf("ssh-keygen %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// newKey makes a key pair and returns its private key's path and its
// public key as "keytype base64".
func newKey(t *testing.T, dir, typ string, extra ...string) (string, string) {
	t.Helper()
	path := filepath.Join(dir, typ)
	if err := keygen(t, nil, append([]string{"-q", "-t", typ, "-N", "", "-C", "", "-f", path}, extra...)...); err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return path, strings.TrimSpace(string(pub))
}

// sign signs data with ssh-keygen -Y sign and returns the .sig bytes.
func sign(t *testing.T, key, namespace string, data []byte) []byte {
	t.Helper()
	file := filepath.Join(t.TempDir(), "profiles.toml")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := keygen(t, nil, "-Y", "sign", "-q", "-n", namespace, "-f", key, file); err != nil {
		t.Fatal(err)
	}
	sig, err := os.ReadFile(file + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestVerify(t *testing.T) {
	needKeygen(t)
	dir := t.TempDir()
	edKey, ed := newKey(t, dir, "ed25519")
	ecKey, ec := newKey(t, dir, "ecdsa", "-b", "256")
	rsaKey, rsa := newKey(t, dir, "rsa", "-b", "2048")
	strangerKey, _ := newKey(t, t.TempDir(), "ed25519")
	caKey, ca := newKey(t, t.TempDir(), "ed25519")
	if err := keygen(t, nil, "-q", "-s", caKey, "-I", "it", "-n", "it@acme.com", edKey+".pub"); err != nil {
		t.Fatal(err)
	}

	data := []byte("[profile.work]\nissuer = \"https://login.acme.com\"\n")
	changed := bytes.Clone(data)
	changed[len(changed)-2] = 'x'
	edSig := sign(t, edKey, Namespace, data)
	bigSig := append(bytes.Clone(edSig), bytes.Repeat([]byte("\n"), maxSig)...)
	allowed := "it@acme.com " + ed + "\n"

	tests := []struct {
		name     string
		data     []byte
		sig      []byte
		signers  string
		want     Status
		who      string // Principal when Signed
		why      string // part of Why otherwise
		identity string // for ssh-keygen -Y verify -I; "" = do not cross-check
	}{
		{name: "ed25519 signed by an allowed signer", sig: edSig, signers: allowed, want: Signed, who: "it@acme.com", identity: "it@acme.com"},
		{name: "ecdsa signed by an allowed signer", sig: sign(t, ecKey, Namespace, data), signers: "it@acme.com " + ec, want: Signed, who: "it@acme.com", identity: "it@acme.com"},
		{name: "rsa signed by an allowed signer", sig: sign(t, rsaKey, Namespace, data), signers: "it@acme.com " + rsa, want: Signed, who: "it@acme.com", identity: "it@acme.com"},
		{name: "ed25519 file changed by one byte", data: changed, sig: edSig, signers: allowed, want: Mismatch, why: "changed after it was signed", identity: "it@acme.com"},
		{name: "ecdsa file changed by one byte", data: changed, sig: sign(t, ecKey, Namespace, data), signers: "it@acme.com " + ec, want: Mismatch, why: "changed after", identity: "it@acme.com"},
		{name: "rsa file changed by one byte", data: changed, sig: sign(t, rsaKey, Namespace, data), signers: "it@acme.com " + rsa, want: Mismatch, why: "changed after", identity: "it@acme.com"},
		{name: "signed by a key not listed", sig: sign(t, strangerKey, Namespace, data), signers: allowed, want: NotAllowed, why: "not among the allowed signers", identity: "it@acme.com"},
		{name: "signer's namespaces exclude profiles", sig: edSig, signers: `it@acme.com namespaces="other" ` + ed, want: NotAllowed, why: "may sign only for other", identity: "it@acme.com"},
		{name: "signer's namespaces by pattern", sig: edSig, signers: `it@acme.com namespaces="git,tokentray-*" ` + ed, want: Signed, who: "it@acme.com", identity: "it@acme.com"},
		{name: "signer's namespaces negated", sig: edSig, signers: `it@acme.com namespaces="*,!tokentray-profile" ` + ed, want: NotAllowed, why: "may sign only", identity: "it@acme.com"},
		{name: "valid-before in the past", sig: edSig, signers: `it@acme.com valid-before="20200101Z" ` + ed, want: NotAllowed, why: "has expired (valid before 2020-01-01)", identity: "it@acme.com"},
		{name: "valid-after in the future", sig: edSig, signers: `it@acme.com valid-after="20990101Z" ` + ed, want: NotAllowed, why: "not valid yet (valid after 2099-01-01)", identity: "it@acme.com"},
		{name: "within valid-after and valid-before", sig: edSig, signers: `it@acme.com valid-after="20200101",valid-before="20990101120000Z" ` + ed, want: Signed, who: "it@acme.com", identity: "it@acme.com"},
		{name: "an expired line, then a valid one for the same key", sig: edSig, signers: `old@acme.com valid-before="20200101Z" ` + ed + "\nit@acme.com " + ed, want: Signed, who: "it@acme.com", identity: "it@acme.com"},
		{name: "no signature file", sig: nil, signers: allowed, want: Unsigned, why: "not signed"},
		{name: "garbage signature", sig: []byte("hello\n"), signers: allowed, want: Mismatch, why: "not an SSH signature", identity: "it@acme.com"},
		{name: "armored garbage", sig: []byte(armorBegin + "\nAAAA\n-----END SSH SIGNATURE-----\n"), signers: allowed, want: Mismatch, why: "damaged", identity: "it@acme.com"},
		{name: "signature larger than 64 KB", sig: bigSig, signers: allowed, want: Mismatch, why: "larger than 64 KB"},
		{name: "signature for namespace file", sig: sign(t, edKey, "file", data), signers: allowed, want: NotAllowed, why: `made for "file"`, identity: "it@acme.com"},
		{name: "pattern principals", sig: edSig, signers: "*@acme.com,root " + ed, want: Signed, who: "*@acme.com", identity: "it@acme.com"},
		{name: "quoted principals", sig: edSig, signers: `"ops team@acme.com,it@acme.com" ` + ed, want: Signed, who: "ops team@acme.com", identity: "it@acme.com"},
		{name: "comments and blank lines", sig: edSig, signers: "# IT's signers\n\n   # indented comment\n\t\nit@acme.com " + ed + " a comment\n", want: Signed, who: "it@acme.com", identity: "it@acme.com"},
		{name: "no allowed signers", sig: edSig, signers: "# nobody yet\n", want: NotAllowed, why: "no allowed signers", identity: "it@acme.com"},
		// OpenSSH accepts this; tokentray does not support certificates.
		{name: "cert-authority only", sig: sign(t, edKey+"-cert.pub", Namespace, data), signers: "it@acme.com cert-authority " + ca, want: NotAllowed, why: "certificate authority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.data == nil {
				tt.data = data
			}
			signers, err := ParseAllowedSigners("allowed_signers", []byte(tt.signers))
			if err != nil {
				t.Fatal(err)
			}
			got := Verify(tt.data, tt.sig, signers, time.Now())
			if got.Status != tt.want || got.Principal != tt.who || !strings.Contains(got.Why, tt.why) {
				t.Errorf("got %v %q %q, want %v %q and a Why with %q", got.Status, got.Principal, got.Why, tt.want, tt.who, tt.why)
			}
			if tt.sig != nil && tt.want != Mismatch && !strings.HasPrefix(got.Key, "SHA256:") {
				t.Errorf("got key %q, want a SHA256 fingerprint", got.Key)
			}
			if tt.identity == "" {
				return
			}
			// OpenSSH must agree: it verifies exactly what we call Signed.
			d := t.TempDir()
			list, sigFile := filepath.Join(d, "allowed_signers"), filepath.Join(d, "f.sig")
			if err := os.WriteFile(list, []byte(tt.signers), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(sigFile, tt.sig, 0o600); err != nil {
				t.Fatal(err)
			}
			err = keygen(t, tt.data, "-Y", "verify", "-f", list, "-I", tt.identity, "-n", Namespace, "-s", sigFile)
			if (err == nil) != (got.Status == Signed) {
				t.Errorf("OpenSSH disagrees: we say %v, ssh-keygen says %v", got.Status, err)
			}
		})
	}
}
