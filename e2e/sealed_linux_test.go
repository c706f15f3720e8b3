//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/sealed"
	"github.com/tokentray/tokentray/internal/testkit"
)

// noDesktop is a session with no D-Bus at all, no display, over SSH: a
// server's. HOME is the test's, so the sealed files are too.
type noDesktop struct {
	home, dir string
	env       []string
}

func newNoDesktop(t *testing.T) *noDesktop {
	t.Helper()
	home := t.TempDir()
	run := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "HOME", "XDG_RUNTIME_DIR",
			"XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "SSH_CONNECTION":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_RUNTIME_DIR="+run, "SSH_CONNECTION=10.0.0.2 50022 10.0.0.1 22")
	d := &noDesktop{home: home, dir: filepath.Join(home, ".local", "state", "tokentray", "sealed"), env: env}
	// The kernel keeps the store's data key for days: not after the test.
	t.Cleanup(func() { d.restart(t) })
	return d
}

// run runs tokentray there, with stdin.
func (d *noDesktop) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = d.env
	cmd.Stdin = strings.NewReader(stdin)
	r, err := capture(cmd, 2*time.Minute)
	if err != nil {
		t.Fatalf("run tokentray %v: %v", args, err)
	}
	return r
}

// login signs in with a code, as over SSH: the page and the code that
// tokentray shows are entered in Chromium as a person would on a laptop.
func (d *noDesktop) login(t *testing.T, b *testkit.Browser, cfg, profile, user string) {
	t.Helper()
	cmd := exec.Command(binary, "--config", cfg, "login", profile, "--timeout", "1m")
	cmd.Env = d.env
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	done := make(chan error, 1)
	go func() { done <- testkit.Within(cmd, 2*time.Minute); pw.Close() }()
	var said strings.Builder
	sc := bufio.NewScanner(pr)
	if shown := deviceCodeLines(sc, &said); len(shown) == 2 {
		if _, err := b.EnterCode(shown[0], shown[1], user, false); err != nil {
			t.Error(err)
		}
	}
	for sc.Scan() {
		said.WriteString(sc.Text() + "\n")
	}
	if err := <-done; err != nil || !strings.Contains(said.String(), "Signed in to "+profile+" as "+user+"@example.test") {
		t.Fatalf("login: %v\n%s", err, said.String())
	}
}

// restart forgets the store's data key, as a restart of the machine does.
func (d *noDesktop) restart(t *testing.T) {
	t.Helper()
	if k, err := sealed.Open(d.dir); err == nil {
		if err := k.Forget(); err != nil {
			t.Error(err)
		}
	}
}

// noTokenInClear fails if any file under HOME holds one of the tokens, and
// checks the sealed files' modes.
func (d *noDesktop) noTokenInClear(t *testing.T, tokens []string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(d.home, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			if err == nil && strings.HasPrefix(path, d.dir) {
				if fi, _ := e.Info(); fi.Mode().Perm() != 0o700 {
					t.Errorf("%s: mode %v, want 0700", path, fi.Mode().Perm())
				}
			}
			return err
		}
		files++
		if fi, _ := e.Info(); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", path, fi.Mode().Perm())
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, tok := range tokens {
			if tok != "" && bytes.Contains(data, []byte(tok)) {
				t.Errorf("%s holds a token in clear (%s)", path, testkit.Redact(tok))
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Errorf("nothing to look at under %s (%d files, %v)", d.home, files, err)
	}
}

// Signed in on a machine with no desktop keychain (no D-Bus at all: a
// server over SSH): a sign-in with a code, `token`, a forced refresh whose
// rotated refresh token is what is kept, `token` again from a new process,
// a restart of the machine, and `logout` revoking — with the data key in
// the kernel keyring, and under a passphrase read from a pipe. No file
// holds a token in clear.
func TestSignedInWithoutADesktopKeychain(t *testing.T) {
	testkit.RequireKernelKeyring(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 5 * time.Minute})
	b := testkit.NewBrowser(t)
	const pass = "correct horse battery staple"
	cases := []struct {
		name, passphrase, store string
	}{
		{"kernel keyring", "", "a sealed file (no desktop keychain; key in the kernel keyring)"},
		{"passphrase", pass, "a sealed file (no desktop keychain; key under your passphrase)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			profile := "server-" + strings.Fields(c.name)[0]
			cfg := writeConfig(t, p.Profile(profile, "public"))
			d := newNoDesktop(t)
			store := keychain.SealedStore(d.dir) // the test's own look at the files
			var tokens []string
			if c.passphrase != "" {
				if r := d.run(t, c.passphrase+"\n", "unlock", "--new-passphrase"); r.code != 0 || !strings.Contains(r.stderr, "run `tokentray unlock` once") {
					t.Fatalf("unlock --new-passphrase: exit %d: %s", r.code, r.stderr)
				}
			}
			before := p.Stats(t)

			d.login(t, b, cfg, profile, "dana")
			t1 := d.run(t, "", "--config", cfg, "token", profile)
			rec1, err := store.Load(profile)
			if t1.code != 0 || err != nil || t1.stdout != rec1.AccessToken+"\n" {
				t.Fatalf("token: exit %d, %s, stored %v: want the stored access token", t1.code, t1.stderr, err)
			}
			tokens = append(tokens, rec1.AccessToken, rec1.RefreshToken)
			// Where it is kept, and why there.
			st := d.run(t, "", "--config", cfg, "status")
			if want := "Stored in " + c.store + ": " + profile + "."; !strings.Contains(st.stdout, want) {
				t.Errorf("status does not say %q:\n%s", want, st.stdout)
			}
			var list []struct {
				Store string `json:"store"`
			}
			if js := d.run(t, "", "--config", cfg, "status", "--json"); json.Unmarshal([]byte(js.stdout), &list) != nil || len(list) != 1 || list[0].Store != c.store {
				t.Errorf("status --json: %s", js.stdout)
			}
			doc := d.run(t, "", "--config", cfg, "doctor")
			for _, want := range []string{"✓ keychain", "No desktop keychain answers here (no D-Bus session bus), so sign-ins are kept in sealed files in " + d.dir, "signed in, kept in " + c.store} {
				if !strings.Contains(doc.stdout, want) {
					t.Errorf("doctor does not say %q:\n%s", want, doc.stdout)
				}
			}

			// A forced refresh: the provider rotates, the files keep the
			// new refresh token.
			t2 := d.run(t, "", "--config", cfg, "token", "--min-valid", "10m", profile)
			rec2, err := store.Load(profile)
			switch {
			case t2.code != 0 || err != nil:
				t.Fatalf("forced refresh: exit %d, %s, %v", t2.code, t2.stderr, err)
			case t2.stdout == t1.stdout:
				t.Error("a forced refresh returned the old access token")
			case rec2.RefreshToken == rec1.RefreshToken:
				t.Error("the files still hold the refresh token the provider rotated away")
			case t2.stdout != rec2.AccessToken+"\n":
				t.Error("the files do not hold the access token that was printed")
			}
			tokens = append(tokens, rec2.AccessToken, rec2.RefreshToken)
			if got := p.Stats(t).Token["refresh_token"] - before.Token["refresh_token"]; got != 1 {
				t.Errorf("%d refreshes, want 1", got)
			}
			// A new process, no sign-in: the same token, no provider call.
			if t3 := d.run(t, "", "--config", cfg, "token", profile); t3.code != 0 || t3.stdout != t2.stdout {
				t.Errorf("token from a new process: exit %d, %s, %s", t3.code, testkit.Redact(t3.stdout), t3.stderr)
			}

			// The machine restarts: the kernel forgets the data key.
			d.restart(t)
			if c.passphrase == "" {
				// Kept in memory only: sign in again.
				r := d.run(t, "", "--config", cfg, "token", profile)
				if r.code != 3 || !strings.Contains(r.stderr, "no sign-in for it is kept in "+c.store) {
					t.Errorf("token after a restart: exit %d, want 3 (sign in again): %s", r.code, r.stderr)
				}
				d.login(t, b, cfg, profile, "dana")
			} else {
				// Locked until the passphrase is typed; then the same
				// sign-in, without a new one.
				r := d.run(t, "", "--config", cfg, "token", profile)
				if r.code != 1 || !strings.Contains(r.stderr, "Run `tokentray unlock` and type the passphrase.") || r.stdout != "" {
					t.Errorf("token while locked: exit %d, %q %q", r.code, testkit.Redact(r.stdout), r.stderr)
				}
				if r := d.run(t, "not the passphrase\n", "unlock"); r.code != 1 || !strings.Contains(r.stderr, "passphrase does not open") {
					t.Errorf("unlock with a wrong passphrase: exit %d: %s", r.code, r.stderr)
				}
				if r := d.run(t, c.passphrase+"\n", "unlock"); r.code != 0 || !strings.Contains(r.stderr, "Unlocked") {
					t.Fatalf("unlock: exit %d: %s", r.code, r.stderr)
				}
				if r := d.run(t, "", "--config", cfg, "token", profile); r.code != 0 || r.stdout != t2.stdout {
					t.Errorf("token after unlock: exit %d, %s, %s", r.code, testkit.Redact(r.stdout), r.stderr)
				}
			}
			last, err := store.Load(profile)
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, last.AccessToken, last.RefreshToken)
			d.noTokenInClear(t, tokens)

			// Sign out: revoked at the provider, the files gone.
			lo := d.run(t, "", "--config", cfg, "logout", profile)
			if lo.code != 0 || !strings.Contains(lo.stderr, "the provider revoked the tokens") {
				t.Fatalf("logout: exit %d: %s", lo.code, lo.stderr)
			}
			if code, e := refreshDirect(t, p, "public", last.RefreshToken); code != 400 || e != "invalid_grant" {
				t.Errorf("after logout the provider answered %d %q to the refresh token, want 400 invalid_grant", code, e)
			}
			if _, err := store.Load(profile); !errors.Is(err, keychain.ErrNotFound) {
				t.Errorf("after logout: %v", err)
			}
			entries, _ := os.ReadDir(d.dir)
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".sealed") {
					t.Errorf("after logout %s is left", e.Name())
				}
			}
			for _, out := range []string{t1.stderr, t2.stderr, st.stdout, doc.stdout, lo.stderr} {
				for _, tok := range tokens {
					if strings.Contains(out, tok) {
						t.Errorf("a token (%s) in tokentray's messages", testkit.Redact(tok))
					}
				}
			}
		})
	}
}
