//go:build linux

// Package testkit starts the real parts tokentray's tests run against: an
// OpenID provider (panva/oidc-provider under node), headless Chromium and the
// Secret Service. It is for tests only. A missing part fails the test with
// what to install; nothing is skipped.
package testkit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Provider is a running oidc-provider.
type Provider struct {
	Issuer string
	cmd    *exec.Cmd
}

// ProviderOptions tune the provider.
type ProviderOptions struct {
	// AccessTTL is the access-token lifetime; 0 means 120 s.
	AccessTTL time.Duration
	// ClientJWKS are the public keys of the "keyed" machine client
	// (private_key_jwt); without them there is no such client.
	ClientJWKS string
	// DeviceTTL is the device codes' lifetime; 0 means 10 minutes.
	DeviceTTL time.Duration
}

// Stats are the provider's counters.
type Stats struct {
	Token       map[string]int `json:"token"`         // successful token requests by grant type
	Reuse       int            `json:"reuse"`         // rotated refresh tokens presented again
	Revoked     int            `json:"revoked"`       // successful revocation requests
	GrantsRev   int            `json:"grantsRevoked"` // grants revoked, by revocation or reuse detection
	GrantErrors map[string]int `json:"grantErrors"`
}

// repoRoot finds the module root: the nearest go.mod above the test's
// directory (tests run in their package's; with -trimpath, source paths
// say nothing of where the tree is).
func repoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// StartProvider runs testdata/provider/server.mjs on a free loopback port and
// stops it when the test ends.
func StartProvider(t testing.TB, opts ProviderOptions) *Provider {
	t.Helper()
	dir := filepath.Join(repoRoot(), "testdata", "provider")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed; run `make test`, which installs it")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider")); err != nil {
		t.Fatalf("oidc-provider is not installed in %s; run `make test` (it runs npm ci there)", dir)
	}
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = dir
	cmd.Env = os.Environ()
	if opts.AccessTTL > 0 {
		cmd.Env = append(cmd.Env, "ACCESS_TTL="+strconv.Itoa(int(opts.AccessTTL/time.Second)))
	}
	if opts.DeviceTTL > 0 {
		cmd.Env = append(cmd.Env, "DEVICE_TTL="+strconv.Itoa(int(opts.DeviceTTL/time.Second)))
	}
	if opts.ClientJWKS != "" {
		cmd.Env = append(cmd.Env, "CLIENT_JWKS="+opts.ClientJWKS)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the test provider: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
	}()
	select {
	case l, ok := <-line:
		if !ok {
			t.Fatalf("the test provider exited: %s", stderr.String())
		}
		var hello struct{ Issuer string }
		if err := json.Unmarshal([]byte(l), &hello); err != nil || hello.Issuer == "" {
			t.Fatalf("the test provider said %q", l)
		}
		return &Provider{Issuer: hello.Issuer, cmd: cmd}
	case <-time.After(20 * time.Second):
		t.Fatalf("the test provider did not start within 20 s: %s", stderr.String())
	}
	return nil
}

// Stats reads the provider's counters.
func (p *Provider) Stats(t testing.TB) Stats {
	t.Helper()
	resp, err := http.Get(p.Issuer + "/test/stats")
	if err != nil {
		t.Fatalf("read provider stats: %v", err)
	}
	defer resp.Body.Close()
	var s Stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatalf("read provider stats: %v", err)
	}
	return s
}

// Pause stops the provider (SIGSTOP), as a hang would: the kernel still
// accepts connections and takes requests into its buffers, and the
// provider answers them all once Resume lets it go on.
func (p *Provider) Pause() { _ = p.cmd.Process.Signal(syscall.SIGSTOP) }

// Resume lets a paused provider go on (SIGCONT).
func (p *Provider) Resume() { _ = p.cmd.Process.Signal(syscall.SIGCONT) }

// Stop kills the provider, as an outage would.
func (p *Provider) Stop() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// Profile is a TOML profile for client ("public", "basic" or "post") on this
// provider, with any extra lines appended.
func (p *Provider) Profile(name, client string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[profile.%s]\nissuer = %q\nclient_id = %q\n", name, p.Issuer, client)
	b.WriteString("scopes = [\"openid\", \"email\", \"offline_access\"]\n")
	switch client {
	case "basic":
		b.WriteString("client_secret = \"basic-secret\"\nclient_auth = \"basic\"\n")
	case "post":
		b.WriteString("client_secret = \"post-secret\"\nclient_auth = \"post\"\n")
	}
	for _, l := range extra {
		b.WriteString(l + "\n")
	}
	return b.String()
}
