//go:build unix

package auth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/testkit"
)

// A file a profile names (ca_file, private_key_file) is read only when the
// provider is called, and only when it is a small regular file: a profile
// from anyone must not hang a command (a FIFO) or fill the memory
// (/dev/zero). Each case has its own deadline, so a hang fails in seconds
// and names the case.
func TestHostileFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "missing.pem"), "no such file"},
		{"endless", "/dev/zero", "not a regular file"},
		{"FIFO", fifo, "not a regular file"},
		{"directory", dir, "not a regular file"},
		{"too large", big, "larger than"},
	}
	p := testkit.NewOAuthServer(t, "none")
	for _, c := range cases {
		for _, key := range []string{"ca_file", "private_key_file"} {
			t.Run(c.name+"/"+key, func(t *testing.T) {
				prof := serverProfile(p, "work")
				if key == "ca_file" {
					prof.CAFile = c.path
				} else {
					// Only a profile IT manages names a key file.
					*prof = profile.Profile{Name: "work", Grant: "jwt-bearer", TokenURL: p.URL + "/token", KeyID: "k", Email: "e@x", JWTAlg: "RS256", PrivateKeyFile: c.path, Managed: true}
				}
				kr := keychain.NewMemory(0)
				s := NewSession(prof, Options{Store: keychain.MemoryStore(kr)}) // reads no file: it cannot fail
				// Reading the keychain alone does not read the file.
				if st := s.Look(); st.Kind != SignedOut {
					t.Errorf("state %s", st.Kind)
				}
				done := make(chan error, 1)
				go func() {
					_, err := s.Login(context.Background(), LoginOptions{Open: func(string) error { return nil }, Timeout: 2 * time.Second})
					done <- err
				}()
				select {
				case err := <-done:
					if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
						t.Errorf("got %v, want an error naming %s and saying %q", err, c.path, c.want)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("%s as %s: no answer after 5 s", c.name, key)
				}
			})
		}
	}
}
