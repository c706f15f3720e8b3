//go:build linux

// The peers `make bench` measures tokentray's hot commands against:
// oidc-agent's oidc-token and gh auth token (Debian oidc-agent-cli and gh,
// installed by make bench-deps).
package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/testkit"
)

// oidcAgent starts an oidc-agent of its own with an account "perf" signed
// in to the test provider (its "basic" client), and returns the
// environment oidc-token needs to reach it.
func oidcAgent(tb testing.TB, e *perfEnv) []string {
	tb.Helper()
	home := tb.TempDir()
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "TMPDIR=" + tb.TempDir()}
	start := exec.Command("oidc-agent")
	start.Env = append(os.Environ(), env...)
	start.Stderr = io.Discard
	out, err := testkit.Bounded(start, time.Minute)
	if err != nil {
		tb.Fatalf("oidc-agent (make bench-deps installs it): %v", err)
	}
	// It prints shell assignments: OIDC_SOCK=…; export OIDC_SOCK; OIDCD_PID=…
	vars := map[string]string{}
	for _, stmt := range strings.FieldsFunc(string(out), func(r rune) bool { return r == ';' || r == '\n' }) {
		if k, v, ok := strings.Cut(strings.TrimSpace(stmt), "="); ok {
			vars[k] = v
		}
	}
	pid, err := strconv.Atoi(vars["OIDCD_PID"])
	if err != nil || vars["OIDC_SOCK"] == "" {
		tb.Fatalf("oidc-agent said %q", out)
	}
	tb.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGTERM) })
	env = append(env, "OIDC_SOCK="+vars["OIDC_SOCK"])

	// oidc-gen prints the provider's address and waits for its own
	// loopback listener to get the code.
	port := testkit.FreePort(tb)
	gen := exec.Command("oidc-gen", "--issuer="+e.p.Issuer, "--client-id=basic", "--client-secret=basic-secret",
		"--scope=openid offline_access", fmt.Sprintf("--redirect-uri=http://localhost:%d/callback", port),
		"--flow=code", "--pw-env", "--no-url-call", "--prompt=none", "--confirm-default", "perf")
	gen.Env = append(append(os.Environ(), env...), "OIDC_ENCRYPTION_PW=perf-only")
	var genOut bytes.Buffer
	pr, pw, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	gen.Stdout, gen.Stderr = pw, pw
	if err := gen.Start(); err != nil {
		tb.Fatalf("oidc-gen: %v", err)
	}
	_ = pw.Close()
	done := make(chan error, 1)
	go func() { done <- gen.Wait() }()
	sc := bufio.NewScanner(pr)
	authURL := ""
	for authURL == "" && sc.Scan() {
		genOut.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), e.p.Issuer+"/auth?") {
			authURL = sc.Text()
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if authURL == "" {
		tb.Fatalf("oidc-gen printed no sign-in address:\n%s", genOut.String())
	}
	if err := approve(authURL, "perf"); err != nil {
		tb.Fatalf("sign oidc-gen in: %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			tb.Fatalf("oidc-gen: %v\n%s", err, genOut.String())
		}
	case <-time.After(30 * time.Second):
		_ = gen.Process.Kill()
		tb.Fatalf("oidc-gen did not finish:\n%s", genOut.String())
	}
	return env
}

// approve signs user in at the test provider (oidc-provider's development
// pages: a login form, then a consent form) and follows the redirect to
// the client's loopback listener.
func approve(authURL, user string) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	resp, err := c.Get(authURL)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	for _, form := range []url.Values{{"prompt": {"login"}, "login": {user}, "password": {"any"}}, {"prompt": {"consent"}}} {
		at := resp.Request.URL.String() // the interaction page the last redirect reached
		if !strings.Contains(at, "/interaction/") {
			return fmt.Errorf("expected the provider's interaction page, got %s", at)
		}
		if resp, err = c.PostForm(at, form); err != nil {
			return err
		}
		_ = resp.Body.Close()
	}
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/callback") {
		return fmt.Errorf("ended at %s: %s", resp.Request.URL.Redacted(), resp.Status)
	}
	return nil
}

// ghConfig is a gh configuration with a token for github.com: gh auth
// token reads it and prints the token, without the network.
func ghConfig(tb testing.TB) []string {
	tb.Helper()
	if _, err := exec.LookPath("gh"); err != nil {
		tb.Fatal("gh is not installed (make bench-deps installs it)")
	}
	dir := tb.TempDir()
	hosts := "github.com:\n    oauth_token: gho_perfOnlyNotARealToken0000000000000\n    user: perf\n    git_protocol: https\n"
	if err := os.WriteFile(filepath.Join(dir, "hosts.yml"), []byte(hosts), 0o600); err != nil {
		tb.Fatal(err)
	}
	return []string{"GH_CONFIG_DIR=" + dir, "GH_NO_UPDATE_NOTIFIER=1", "GH_TOKEN=", "GITHUB_TOKEN="}
}

// timeRunIn times one run of bin with environment additions and stdin
// (a pipe, even when empty, so every program measured gets the same), as
// git runs a helper; its output must not be empty.
func timeRunIn(tb testing.TB, env []string, stdin, bin string, args ...string) time.Duration {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	start := time.Now()
	out, err := testkit.Bounded(cmd, time.Minute)
	took := time.Since(start)
	if err != nil || len(out) == 0 {
		tb.Fatalf("%s %v: %v %q", bin, args, err, out)
	}
	return took
}
