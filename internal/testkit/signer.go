package testkit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Signer is an IT team's signing key, made with the real ssh-keygen: it
// signs profile files as IT would (`ssh-keygen -Y sign -n
// tokentray-profile`), and AllowedSigners is an OpenSSH allowed-signers
// file naming it.
type Signer struct {
	Principal      string
	Key            string // the private key file
	AllowedSigners string
	// PublicKey is the allowed-signers form: "ssh-ed25519 AAAA…".
	PublicKey string
}

// NewSigner makes an ed25519 key for principal in a directory of the
// test's, and an allowed-signers file with its line (options such as
// `namespaces="tokentray-profile"` or `valid-before="20200101"` go before
// the key).
func NewSigner(t testing.TB, principal, options string) *Signer {
	t.Helper()
	dir := t.TempDir()
	s := &Signer{Principal: principal, Key: filepath.Join(dir, "it-key"), AllowedSigners: filepath.Join(dir, "allowed_signers")}
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", principal, "-f", s.Key)
	pub, err := os.ReadFile(s.Key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(pub))
	s.PublicKey = f[0] + " " + f[1]
	line := principal + " "
	if options != "" {
		line += options + " "
	}
	if err := os.WriteFile(s.AllowedSigners, []byte(line+s.PublicKey+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}

// Sign writes file.sig as IT does.
func (s *Signer) Sign(t testing.TB, file string) {
	t.Helper()
	_ = os.Remove(file + ".sig")
	run(t, "ssh-keygen", "-q", "-Y", "sign", "-n", "tokentray-profile", "-f", s.Key, file)
}

// PolicyFile writes a machine policy to try out (TOKENTRAY_POLICY) naming
// the signer's allowed-signers file, with extra lines of TOML.
func (s *Signer) PolicyFile(t testing.TB, extra string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.toml")
	body := "allowed_signers = \"" + s.AllowedSigners + "\"\n" + extra
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	if out, err := Bounded(cmd, commandTimeout); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
