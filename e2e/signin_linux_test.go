//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/testkit"
)

// sshEnv is an SSH session without a forwarded display.
var sshEnv = []string{"DISPLAY=", "WAYLAND_DISPLAY=", "SSH_CONNECTION=10.0.0.2 50022 10.0.0.1 22"}

// Over SSH, with no display, `tokentray login` signs in with a code: the
// page and the code on lines of their own, entered by Chromium on the
// provider's page as a person would on their laptop; then the token is
// there for `tokentray token`. --no-device prints the address instead and
// says which browser can use it.
func TestSignInOverSSH(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "remote")
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	b := testkit.NewBrowser(t)
	cfg := writeConfig(t, p.Profile("remote", "public"))

	cmd := exec.Command(binary, "--config", cfg, "login", "remote", "--timeout", "1m")
	cmd.Env = append(os.Environ(), sshEnv...)
	var out bytes.Buffer
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var said strings.Builder
	sc := bufio.NewScanner(stderr)
	shown := deviceCodeLines(sc, &said)
	if len(shown) < 2 {
		_ = cmd.Process.Kill()
		t.Fatalf("login showed no page and code:\n%s", said.String())
	}
	if _, err := b.EnterCode(shown[0], shown[1], "sam", false); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() {
		said.WriteString(sc.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("login: %v\n%s", err, said.String())
	}
	for _, want := range []string{"Signing in with a code, since this is an SSH session without a display.", "check that it shows this code", "Signed in to remote as sam@example.test"} {
		if !strings.Contains(said.String(), want) {
			t.Errorf("login said:\n%s\nwant %q", said.String(), want)
		}
	}
	if out.Len() != 0 {
		t.Errorf("login wrote %q on standard output", out.String())
	}
	if r := tokentray(t, cfg, sshEnv, "token", "remote"); r.code != 0 || len(strings.TrimSpace(r.stdout)) < 20 {
		t.Errorf("token after the sign-in: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	// Never a code: the address, and who can open it.
	nd := exec.Command(binary, "--config", cfg, "login", "remote", "--no-device", "--timeout", "5s")
	nd.Env = append(os.Environ(), sshEnv...)
	var ndOut, ndErr bytes.Buffer
	nd.Stdout, nd.Stderr = &ndOut, &ndErr
	_ = testkit.Within(nd, time.Minute)
	if !strings.HasPrefix(ndOut.String(), p.Issuer+"/auth?") || !strings.Contains(ndErr.String(), "Since this is an SSH session without a display, open that address in a browser that can reach this machine") {
		t.Errorf("--no-device over SSH: stdout %q, stderr %q", ndOut.String(), ndErr.String())
	}
}

// The browser the profile names (a browser and its options) or the person
// gives (--browser-command) opens the sign-in page, with the address as an
// argument of its own; a profile naming anything but a browser is refused
// before anything runs.
func TestBrowserChoice(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "chosen")
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	b := testkit.NewBrowser(t)
	// A profile's browser runs only as installed: from a folder on PATH
	// that only the system can change (root's, as /usr/bin is; not under
	// /tmp, which anyone may write). The person's own command runs from
	// anywhere.
	bin, err := os.MkdirTemp("/var/lib", "tokentray-test-browsers-")
	if err != nil {
		t.Fatalf("a folder only root can change, for the stand-in browser (CI runs as root): %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(bin) })
	if err := os.Chmod(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	planted := t.TempDir()
	// The stand-in browser records its arguments, one per line, in a file
	// that appears whole (written aside, then renamed).
	stub := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$0.args.part\" && mv \"$0.args.part\" \"$0.args\"\n"
	for _, path := range []string{filepath.Join(bin, "firefox"), filepath.Join(bin, "my-browser"), filepath.Join(planted, "opera")} {
		if err := os.WriteFile(path, []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"PATH=" + planted + ":" + bin + ":" + os.Getenv("PATH"), "DISPLAY=:42", "SSH_CONNECTION="}
	cases := []struct {
		name, key string
		flags     []string
		stub      string
		want      []string // the arguments before the address
	}{
		{"profile", `browser = "firefox -P work --new-window {url}"`, nil, "firefox", []string{"-P", "work", "--new-window"}},
		{"flag", "", []string{"--browser-command", "my-browser --some 'two words'"}, "my-browser", []string{"--some", "two words"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := writeConfig(t, p.Profile("chosen", "public", c.key))
			cmd := exec.Command(binary, append([]string{"--config", cfg, "login", "chosen", "--timeout", "1m"}, c.flags...)...)
			cmd.Env = append(os.Environ(), env...)
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			argsFile := filepath.Join(bin, c.stub+".args")
			var args []string
			testkit.Poll(20*time.Second, func() bool {
				raw, err := os.ReadFile(argsFile)
				args = strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
				return err == nil
			})
			_ = os.Remove(argsFile)
			if len(args) != len(c.want)+1 || strings.Join(args[:len(c.want)], "|") != strings.Join(c.want, "|") || !strings.HasPrefix(args[len(args)-1], p.Issuer+"/auth?") {
				_ = cmd.Process.Kill()
				t.Fatalf("the browser got %q; want %q and the address (stderr: %s)", args, c.want, errb.String())
			}
			if page := b.SignIn(t, args[len(args)-1], "bo"); !strings.Contains(page, "You are signed in") {
				t.Errorf("callback page: %q", page)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("login: %v: %s", err, errb.String())
			}
		})
	}

	// An opera put in a folder others can write — first on PATH — is
	// not run: the sign-in says no browser could be opened and shows the
	// address instead.
	t.Run("a browser planted outside the system's folders", func(t *testing.T) {
		cfg := writeConfig(t, p.Profile("chosen", "public", `browser = "opera {url}"`))
		r := tokentray(t, cfg, env, "login", "chosen", "--timeout", "3s")
		if !strings.Contains(r.stderr, "opera is not installed where this computer keeps its programs") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(planted, "opera.args")); err == nil {
			t.Error("the planted opera ran")
		}
	})

	t.Run("not a browser", func(t *testing.T) {
		marker := filepath.Join(t.TempDir(), "ran")
		cfg := writeConfig(t, p.Profile("chosen", "public", `browser = "sh -c 'touch `+marker+`' {url}"`))
		r := tokentray(t, cfg, env, "login", "chosen", "--timeout", "5s")
		if r.code != 2 || !strings.Contains(r.stderr, `key "browser"`) || !strings.Contains(r.stderr, "--browser-command") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Error("the profile's command ran")
		}
	})
}

// deviceCodeLines reads what login says of a sign-in with a code up to its
// two indented lines — the page, then the code — keeping all it read in
// said; fewer than two when the output ended first.
func deviceCodeLines(sc *bufio.Scanner, said *strings.Builder) []string {
	var shown []string
	for len(shown) < 2 && sc.Scan() {
		said.WriteString(sc.Text() + "\n")
		if v, ok := strings.CutPrefix(sc.Text(), "  "); ok {
			shown = append(shown, v)
		}
	}
	return shown
}
