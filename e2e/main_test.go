//go:build linux

// Package e2e holds the end-to-end tests: tokentray's programs built and
// run as a user runs them, against a real OpenID provider (oidc-provider),
// real headless Chromium, a real Secret Service (gnome-keyring on a
// private D-Bus session — `make test` sets it up), the real tray under Xvfb
// and D-Bus, git, kubectl, sshd and Wine. They work from the module's root.
// Where the test for a behaviour is: docs/TESTS.md.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/internal/testkit"
)

var binary string

func TestMain(m *testing.M) {
	// Whatever the machine's language, the tests read English (a test
	// that wants another sets it).
	os.Setenv("LANGUAGE", "en")
	if text, ok := os.LookupEnv("TOKENTRAY_TEST_CLIPBOARD"); ok {
		ownClipboard(text) // never returns
	}
	if sock, ok := os.LookupEnv("TOKENTRAY_TEST_DIAL"); ok {
		dialAndPing(sock) // never returns
	}
	// The tests build and run the programs, scripts and test data of the
	// whole module: they work from its root (a test that runs this binary
	// again starts it there already).
	if _, err := os.Stat("go.mod"); err != nil {
		if err := os.Chdir(".."); err != nil {
			panic(err)
		}
		if _, err := os.Stat("go.mod"); err != nil {
			panic("the end-to-end tests run from e2e/ in the module: " + err.Error())
		}
	}
	dir, err := os.MkdirTemp("", "tokentray-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "tokentray")
	// The three programs side by side, as the packages install them (see
	// the Makefile): every test runs tokentray, the front, which answers
	// what it can from a tray and hands the rest to tokentray-agent, the
	// full program (this package); the tray finds tokentray-window. No
	// version control stamp, as in a release: unstamped, they say "dev".
	for _, b := range [][]string{
		{"CGO_ENABLED=0", "-o", binary, "./cmd/tokentray-front"},
		{"CGO_ENABLED=1", "-o", filepath.Join(dir, "tokentray-agent"), "."},
		{"CGO_ENABLED=1", "-o", dir + "/", "./cmd/tokentray-window"},
	} {
		build := exec.Command("go", append([]string{"build", "-buildvcs=false"}, b[1:]...)...)
		build.Env = append(os.Environ(), b[0])
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := testkit.Within(build, 5*time.Minute); err != nil {
			fmt.Fprintln(os.Stderr, "build tokentray:", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// tokentray runs the binary with the given profile file and environment
// additions.
func tokentray(t *testing.T, config string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--config", config}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	// Bounded: a command that hangs fails the test in minutes, naming it.
	r, err := capture(cmd, 2*time.Minute)
	if err != nil {
		t.Fatalf("run tokentray %v: %v", args, err)
	}
	return r
}

// capture runs cmd to its end within d and keeps what it wrote and how
// long it took; its exit status is the result's code. Only a program that
// could not start or did not finish in time is an error. It takes no
// test, so it may run in another goroutine.
func capture(cmd *exec.Cmd, d time.Duration) (result, error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := testkit.Within(cmd, d)
	r := result{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code, err = ee.ExitCode(), nil
	}
	return r, err
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profiles.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// login runs `tokentray login --no-browser`, hands the printed URL to
// Chromium, and returns the callback page's text and the command's result.
func login(t *testing.T, b *testkit.Browser, config, profile, user string) (string, result) {
	t.Helper()
	return loginEnv(t, b, nil, config, profile, user)
}

// loginEnv is login with environment additions.
func loginEnv(t *testing.T, b *testkit.Browser, env []string, config, profile, user string) (string, result) {
	t.Helper()
	cmd := exec.Command(binary, "--verbose", "--config", config, "login", profile, "--no-browser", "--timeout", "2m")
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(stdout)
	line, err := rd.ReadString('\n')
	if err != nil {
		_ = cmd.Wait()
		t.Fatalf("login printed no URL: %v; stderr: %s", err, errb.String())
	}
	authURL := strings.TrimSpace(line)
	if _, err := url.ParseRequestURI(authURL); err != nil {
		t.Fatalf("login printed %q, not a URL", line)
	}
	page := b.SignIn(t, authURL, user)
	rest, _ := io.ReadAll(rd)
	err = cmd.Wait()
	r := result{stdout: line + string(rest), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	}
	return page, r
}

// keychainItems lists the keychain items tokentray holds for a profile,
// through libsecret's own tool rather than tokentray's code.
func keychainItems(t *testing.T, profile string) []string {
	t.Helper()
	out, err := testkit.Bounded(exec.Command("secret-tool", "search", "--all", "--unlock", "service", "tokentray"), time.Minute)
	if err != nil && len(out) > 0 && !strings.Contains(string(out), "No matching") {
		// secret-tool exits 1 when nothing matches.
		t.Logf("secret-tool: %v: %s", err, out)
	}
	var items []string
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(l, "attribute.username = "); ok && (v == profile || strings.HasPrefix(v, profile+"/")) {
			items = append(items, v)
		}
	}
	return items
}

// forget removes what earlier tests left in the keychain for these
// profiles (they share one Secret Service), now and when the test ends.
func forget(t *testing.T, profiles ...string) {
	t.Helper()
	clean := func() {
		for _, p := range profiles {
			_ = keychain.NewStore().Delete(p)
		}
	}
	clean()
	t.Cleanup(clean)
}

// refreshDirect presents a refresh token to the provider without tokentray.
func refreshDirect(t *testing.T, p *testkit.Provider, client, rt string) (int, string) {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {client}}
	if client != "public" {
		form.Set("client_secret", client+"-secret")
	}
	resp, err := http.PostForm(p.Issuer+"/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Error
}

func TestSignInLifecycle(t *testing.T) {
	testkit.RequireSecretService(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 5 * time.Minute})
	b := testkit.NewBrowser(t)
	store := keychain.NewStore()

	for _, client := range []string{"public", "basic", "post"} {
		t.Run(client, func(t *testing.T) {
			profile := "life-" + client
			cfg := writeConfig(t, p.Profile(profile, client))
			before := p.Stats(t)

			page, r := login(t, b, cfg, profile, "alice")
			if r.code != 0 || !strings.Contains(page, "You are signed in") {
				t.Fatalf("login: exit %d, page %q, stderr %s", r.code, page, r.stderr)
			}
			// The browser's page names the profile and the account.
			if !strings.Contains(page, "Signed in to "+profile) || !strings.Contains(page, "as alice@example.test") {
				t.Errorf("the callback page does not say who signed in to what: %q", page)
			}
			if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 1 {
				t.Errorf("login --no-browser printed %d lines on stdout, want only the URL", len(lines))
			}

			// Twice within the lifetime: the same token and no provider call.
			t1 := tokentray(t, cfg, nil, "token", profile)
			t2 := tokentray(t, cfg, nil, "token", profile)
			if t1.code != 0 || t2.code != 0 {
				t.Fatalf("token: exit %d/%d: %s%s", t1.code, t2.code, t1.stderr, t2.stderr)
			}
			if t1.stdout != t2.stdout || strings.Count(t1.stdout, "\n") != 1 {
				t.Errorf("token twice gave %s and %s, want the same single line", testkit.Redact(t1.stdout), testkit.Redact(t2.stdout))
			}
			st := p.Stats(t)
			if got := st.Token["refresh_token"] - before.Token["refresh_token"]; got != 0 {
				t.Errorf("token within the lifetime made %d refresh calls, want 0", got)
			}
			access := strings.TrimSpace(t1.stdout)
			// Exactly the stored token and one newline: nothing else on stdout.
			if stored, err := store.Load(profile); err != nil || t1.stdout != stored.AccessToken+"\n" {
				t.Errorf("token printed %s, want the stored access token and one newline (%v)", testkit.Redact(t1.stdout), err)
			}

			// The provider accepts it.
			if email := userinfo(t, p, access); email != "alice@example.test" {
				t.Errorf("userinfo email = %q, want alice@example.test", email)
			}

			// Past the lifetime (forced with --min-valid longer than it): a new
			// token, and the keychain holds the rotated refresh token.
			old, err := store.Load(profile)
			if err != nil {
				t.Fatal(err)
			}
			t3 := tokentray(t, cfg, nil, "token", "--min-valid", "10m", profile)
			if t3.code != 0 {
				t.Fatalf("token --min-valid 10m: exit %d: %s", t3.code, t3.stderr)
			}
			if strings.TrimSpace(t3.stdout) == access {
				t.Error("a forced refresh returned the old access token")
			}
			cur, err := store.Load(profile)
			if err != nil {
				t.Fatal(err)
			}
			if cur.RefreshToken == old.RefreshToken {
				t.Error("the keychain still holds the refresh token the provider rotated away")
			}
			if cur.AccessToken != strings.TrimSpace(t3.stdout) {
				t.Error("the keychain does not hold the access token that was printed")
			}
			if got := p.Stats(t).Token["refresh_token"] - before.Token["refresh_token"]; got != 1 {
				t.Errorf("forced refresh: %d refresh calls, want 1", got)
			}
			// Flags after the profile work the same; the new token is reused.
			t4 := tokentray(t, cfg, nil, "token", profile, "--header")
			if t4.stdout != "Authorization: Bearer "+cur.AccessToken+"\n" {
				t.Errorf("token --header printed %s", testkit.Redact(t4.stdout))
			}
			t5 := tokentray(t, cfg, nil, "token", "--json", profile)
			var js struct {
				AccessToken string `json:"access_token"`
				TokenType   string `json:"token_type"`
				Expiry      string `json:"expiry"`
			}
			if err := json.Unmarshal([]byte(t5.stdout), &js); err != nil || js.AccessToken != cur.AccessToken || js.TokenType != "Bearer" {
				t.Errorf("token --json printed %s", testkit.Redact(t5.stdout))
			}
			if _, err := time.Parse(time.RFC3339, js.Expiry); err != nil {
				t.Errorf("token --json expiry %q is not RFC 3339", js.Expiry)
			}

			s := tokentray(t, cfg, nil, "status", "--json")
			var list []struct {
				State           string    `json:"state"`
				Who             string    `json:"who"`
				Expiry          time.Time `json:"expiry"`
				HasRefreshToken bool      `json:"refresh_token"`
			}
			if err := json.Unmarshal([]byte(s.stdout), &list); err != nil || len(list) != 1 {
				t.Fatalf("status --json: %q (%v)", s.stdout, err)
			}
			if l := list[0]; l.State != "valid" || l.Who != "alice@example.test" || !l.HasRefreshToken || l.Expiry.Before(time.Now()) || l.Expiry.Nanosecond() != 0 {
				t.Errorf("status = %+v, want valid, alice, a refresh token and an expiry to the second", l)
			}

			// Sign out: revoked at the provider, nothing left in the keychain.
			lo := tokentray(t, cfg, nil, "logout", profile)
			if lo.code != 0 || strings.Contains(lo.stderr, "warning") {
				t.Fatalf("logout: exit %d: %s", lo.code, lo.stderr)
			}
			if code, e := refreshDirect(t, p, client, cur.RefreshToken); code != 400 || e != "invalid_grant" {
				t.Errorf("after logout the provider answered %d %q to the old refresh token, want 400 invalid_grant", code, e)
			}
			if items := keychainItems(t, profile); len(items) != 0 {
				t.Errorf("after logout the keychain still holds %v", items)
			}
			// The detail says where it looked, not the headline again.
			if r := tokentray(t, cfg, nil, "token", profile); r.code != 3 || !strings.Contains(r.stderr, "no sign-in for it is kept in the system keychain") {
				t.Errorf("token after logout: exit %d, want 3 (sign-in needed) and where it looked: %s", r.code, r.stderr)
			}
			if got := p.Stats(t).Revoked - before.Revoked; got != 1 {
				t.Errorf("logout revoked %d tokens at the provider, want 1", got)
			}
			for _, out := range []string{r.stderr, t1.stderr, t3.stderr, lo.stderr, s.stdout} {
				if strings.Contains(out, cur.RefreshToken) || strings.Contains(out, access) {
					t.Error("a token appeared in tokentray's messages")
				}
			}
		})
	}
}

func userinfo(t *testing.T, p *testkit.Provider, access string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.Issuer+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct{ Email string }
	if resp.StatusCode != 200 {
		t.Fatalf("userinfo: HTTP %d", resp.StatusCode)
	}
	_ = json.NewDecoder(resp.Body).Decode(&c)
	return c.Email
}

// A provider that demands one exact redirect, as LightFi's Cognito does with
// http://localhost:3000/.
func TestFixedLocalhostRedirect(t *testing.T) {
	testkit.RequireSecretService(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	b := testkit.NewBrowser(t)
	port := testkit.FreePort(t)
	cfg := writeConfig(t, p.Profile("fixed", "post", fmt.Sprintf("redirect_url = \"http://localhost:%d/\"", port)))

	page, r := login(t, b, cfg, "fixed", "bob")
	if r.code != 0 || !strings.Contains(page, "You are signed in") {
		t.Fatalf("login: exit %d, page %q, stderr %s", r.code, page, r.stderr)
	}
	u, _ := url.Parse(strings.TrimSpace(r.stdout))
	if got, want := u.Query().Get("redirect_uri"), fmt.Sprintf("http://localhost:%d/", port); got != want {
		t.Errorf("redirect_uri = %q, want exactly %q", got, want)
	}

	// The port taken by another program: since the provider offers it, a
	// sign-in with a code, saying why; never a code: a clear error naming
	// port and profile, at once.
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	coded := tokentray(t, cfg, nil, "login", "fixed", "--no-browser", "--timeout", "2s")
	if !strings.Contains(coded.stderr, "Signing in with a code, since the browser sign-in cannot receive its answer here") ||
		!strings.Contains(coded.stderr, "The code expired before the sign-in was finished.") || coded.stdout != "" {
		t.Errorf("login with the port taken: exit %d, stdout %q, stderr %q", coded.code, coded.stdout, coded.stderr)
	}
	busy := tokentray(t, cfg, nil, "login", "fixed", "--no-browser", "--no-device")
	if busy.code != 1 || !strings.Contains(busy.stderr, fmt.Sprintf("port %d", port)) || !strings.Contains(busy.stderr, "fixed") {
		t.Errorf("login with the port taken: exit %d, stderr %q", busy.code, busy.stderr)
	}
	if busy.stdout != "" {
		t.Errorf("login with the port taken printed %q on stdout", busy.stdout)
	}
	tokentray(t, cfg, nil, "logout", "fixed")
}

func TestLoginCancelledByCtrlC(t *testing.T) {
	testkit.RequireSecretService(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	cfg := writeConfig(t, p.Profile("cancel", "public"))
	cmd := exec.Command(binary, "--config", cfg, "login", "--no-browser")
	stdout, _ := cmd.StdoutPipe()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	u, err := url.Parse(strings.TrimSpace(line))
	if err != nil || u.Query().Get("code_challenge_method") != "S256" || u.Query().Get("state") == "" || u.Query().Get("nonce") == "" {
		t.Errorf("authorization URL %q lacks PKCE S256, state or nonce", line)
	}
	if u.Query().Get("prompt") != "consent" {
		t.Errorf("offline_access requested without prompt=consent: %q", line)
	}
	redirect := u.Query().Get("redirect_uri")
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 || !strings.Contains(errb.String(), "Cancelled.") || strings.Contains(errb.String(), "context canceled") {
			t.Errorf("after Ctrl-C: %v, stderr %q", err, errb.String())
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("login did not end after Ctrl-C")
	}
	// The callback listener is gone with it.
	if resp, err := http.Get(redirect); err == nil {
		resp.Body.Close()
		t.Errorf("the callback still answers after Ctrl-C")
	}
}

// startBus runs a private D-Bus session daemon with the given configuration
// and returns its address.
func startBus(t *testing.T, config string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bus.conf")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	bus := exec.Command("dbus-daemon", "--config-file="+path, "--nofork", "--print-address=1")
	out, _ := bus.StdoutPipe()
	if err := bus.Start(); err != nil {
		t.Fatalf("start a private D-Bus daemon: %v", err)
	}
	t.Cleanup(func() { _ = bus.Process.Kill(); _ = bus.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(addr)
}

// A session bus that can start nothing: no Secret Service on it.
const bareBus = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>`

// With no Secret Service at all (no session bus, or a bus without one),
// `token` looks in the sealed files (sealed_linux_test.go signs in there)
// and says so; with one that is there but never answers, it fails fast and
// says which keychain and what to do — never a file that would hide what
// the keychain holds. Nothing is written by looking.
func TestKeychainUnavailable(t *testing.T) {
	cfg := writeConfig(t, "[profile.w]\nissuer = \"https://id.example.test\"\nclient_id = \"x\"\n")
	home := t.TempDir()
	cases := []struct {
		name string
		env  []string
		code int
		want string
	}{
		{"no session bus at all", []string{"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir(), "DISPLAY="}, 3, "no sign-in for it is kept in a sealed file (no desktop keychain; key in the kernel keyring)"},
		{"bus without Secret Service", []string{"DBUS_SESSION_BUS_ADDRESS=" + startBus(t, bareBus)}, 3, "no sign-in for it is kept in a sealed file (no desktop keychain; key in the kernel keyring)"},
		// The system's session configuration activates gnome-keyring on
		// demand; with no login keyring and no display to prompt on, it never
		// answers, as a locked keyring behind an unanswered prompt would not.
		{"keyring that never answers", []string{"DBUS_SESSION_BUS_ADDRESS=" + startBus(t, strings.Replace(bareBus, "<type>session</type>", "<type>session</type><standard_session_servicedirs/>", 1)), "XDG_DATA_HOME=" + t.TempDir(), "DISPLAY="}, 1, "did not answer within 3s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := tokentray(t, cfg, append(c.env, "HOME="+home, "XDG_STATE_HOME="), "token", "w")
			t.Logf("failed after %s: %s", r.took.Round(time.Millisecond), r.stderr)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) || r.stdout != "" || c.code == 1 && !strings.Contains(r.stderr, "Secret Service") {
				t.Errorf("exit %d, stdout %s, stderr %q; want exit %d and %q (naming the Secret Service where it fails)", r.code, testkit.Redact(r.stdout), r.stderr, c.code, c.want)
			}
			// A bound, not a benchmark: keychain calls have a 3 s deadline.
			if r.took > 15*time.Second {
				t.Errorf("took %s; keychain calls must give up after about 3 s", r.took)
			}
		})
	}
	entries, _ := os.ReadDir(home)
	if len(entries) != 0 {
		t.Errorf("tokentray wrote %d entries into HOME by only looking for a sign-in", len(entries))
	}
}

func TestStillValidTokenServedDuringOutage(t *testing.T) {
	testkit.RequireSecretService(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 5 * time.Minute})
	b := testkit.NewBrowser(t)
	cfg := writeConfig(t, p.Profile("outage", "public"))
	if page, r := login(t, b, cfg, "outage", "carol"); r.code != 0 {
		t.Fatalf("login: exit %d, %q, %s", r.code, page, r.stderr)
	}
	defer tokentray(t, cfg, nil, "logout", "outage")
	before := tokentray(t, cfg, nil, "token", "outage")
	p.Stop()
	// It wants 10 minutes but the provider is gone: the still-valid token,
	// with a warning, not a sign-out.
	r := tokentray(t, cfg, nil, "token", "outage", "--min-valid", "30m")
	// A plain headline saying how long the token still lasts, then the detail.
	if r.code != 0 || r.stdout != before.stdout || !regexp.MustCompile(`^tokentray: warning: The access token could not be renewed; this one is still good for [1-5] min\.\n  \S`).MatchString(r.stderr) {
		t.Errorf("outage with a valid token: exit %d, same token %t, stderr %q", r.code, r.stdout == before.stdout, r.stderr)
	}
	s := tokentray(t, cfg, nil, "status", "--json")
	if !strings.Contains(s.stdout, `"state": "valid"`) {
		t.Errorf("an outage signed the user out: %s", s.stdout)
	}
}

// Several processes force a refresh on every call at once, from different
// environments: the per-profile lock keeps them from ever presenting the
// same refresh token twice, which the provider would punish by revoking
// the sign-in.
func TestConcurrentProcessesShareRotation(t *testing.T) {
	testkit.RequireSecretService(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 5 * time.Minute})
	b := testkit.NewBrowser(t)
	cfg := writeConfig(t, p.Profile("multi", "public"))
	if page, r := login(t, b, cfg, "multi", "dave"); r.code != 0 {
		t.Fatalf("login: exit %d, %q, %s", r.code, page, r.stderr)
	}
	defer tokentray(t, cfg, nil, "logout", "multi")
	before := p.Stats(t)
	const procs, calls = 4, 75
	failures := make(chan string, procs*calls)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range procs {
		// Half of them as a cron job or service runs: no runtime dir, another
		// HOME and cache dir. The lock must be the same for all.
		var env []string
		if i%2 == 1 {
			env = []string{"XDG_RUNTIME_DIR=", "HOME=" + t.TempDir(), "XDG_CACHE_HOME=" + t.TempDir()}
		}
		wg.Go(func() {
			for range calls {
				// --min-valid longer than the lifetime: every call refreshes.
				if r := tokentray(t, cfg, env, "token", "multi", "--min-valid", "10m"); r.code != 0 || r.stdout == "" {
					failures <- fmt.Sprintf("exit %d: %s", r.code, r.stderr)
				}
			}
		})
	}
	wg.Wait()
	close(failures)
	after := p.Stats(t)
	refreshes := after.Token["refresh_token"] - before.Token["refresh_token"]
	t.Logf("%d processes × %d calls in %s: %d refreshes, %d reuse detections, %d failed calls",
		procs, calls, time.Since(start).Round(time.Millisecond), refreshes, after.Reuse-before.Reuse, len(failures))
	for f := range failures {
		t.Errorf("a call failed: %s", f)
	}
	if after.Reuse != before.Reuse {
		t.Errorf("the provider detected %d reused refresh tokens", after.Reuse-before.Reuse)
	}
	if refreshes != procs*calls {
		t.Errorf("%d refreshes, want %d (one per call)", refreshes, procs*calls)
	}
}

var killRuns = flag.Int("kill-runs", 200, "runs of TestKillDuringRefresh")

// kill -9 at random moments of `tokentray token` refreshing. The only loss
// allowed is a refresh the provider completed (rotating the refresh token)
// whose answer died with the process: with rotation and reuse detection, no
// client can recover from that. Every other moment must leave a working
// sign-in behind.
func TestKillDuringRefresh(t *testing.T) {
	testkit.RequireSecretService(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 5 * time.Minute})
	b := testkit.NewBrowser(t)
	cfg := writeConfig(t, p.Profile("kill", "public"))
	store := keychain.NewStore()
	signIn := func() {
		if page, r := login(t, b, cfg, "kill", "frank"); r.code != 0 {
			t.Fatalf("login: exit %d, %q, %s", r.code, page, r.stderr)
		}
	}
	signIn()
	defer tokentray(t, cfg, nil, "logout", "kill")

	// How long a forced refresh takes as a whole process, to spread the
	// kills over it.
	var durs []time.Duration
	for range 5 {
		durs = append(durs, tokentray(t, cfg, nil, "token", "kill", "--min-valid", "10m").took)
	}
	slices.Sort(durs)
	span := durs[2] * 12 / 10

	// SIGKILL can strike between the provider's rotation and the save;
	// SIGINT and SIGTERM (Ctrl-C, shutdown) must never lose anything, since
	// tokentray finishes a refresh it has sent before it exits.
	type tally struct{ survived, lostInFlight, lostOther int }
	results := map[os.Signal]*tally{os.Kill: {}, syscall.SIGTERM: {}, os.Interrupt: {}}
	runs := map[os.Signal]int{os.Kill: *killRuns, syscall.SIGTERM: *killRuns / 4, os.Interrupt: *killRuns / 4}
	for _, sig := range []os.Signal{os.Kill, syscall.SIGTERM, os.Interrupt} {
		res := results[sig]
		for i := range runs[sig] {
			rec, err := store.Load("kill")
			if err != nil {
				t.Fatal(err)
			}
			reuseBefore := p.Stats(t).Reuse
			cmd := exec.Command(binary, "--config", cfg, "token", "kill", "--min-valid", "10m")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(rand.Int64N(int64(span))))
			_ = cmd.Process.Signal(sig)
			_ = cmd.Wait()
			after, err := store.Load("kill")
			if err != nil {
				t.Fatalf("%v run %d: the keychain record is unreadable: %v", sig, i, err)
			}
			saved := after.RefreshToken != rec.RefreshToken
			check := tokentray(t, cfg, nil, "token", "kill", "--min-valid", "10m")
			// The provider calling the check's refresh token reused proves the
			// killed process's refresh went through: its answer was lost.
			reused := p.Stats(t).Reuse > reuseBefore
			switch {
			case check.code == 0:
				res.survived++
			case check.code == 3 && reused && !saved && sig == os.Kill:
				res.lostInFlight++
				signIn()
			default:
				res.lostOther++
				t.Errorf("%v run %d: sign-in lost (exit %d, reuse detected %t, saved %t): %s", sig, i, check.code, reused, saved, check.stderr)
				signIn()
			}
		}
		t.Logf("%v during refresh, %d runs spread over %s: %d survived, %d lost in flight (provider rotated, answer died with the process), %d lost otherwise",
			sig, runs[sig], span.Round(time.Millisecond), res.survived, res.lostInFlight, res.lostOther)
	}
}

// fromExample is a shipped example profile with its provider's addresses
// pointed at an emulation on loopback and the placeholders filled in.
func fromExample(t *testing.T, name string, replace ...string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("examples", name+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(replace...).Replace(string(data))
	return writeConfig(t, text)
}

func setSecret(t *testing.T, cfg, profile, secret string) {
	t.Helper()
	cmd := exec.Command(binary, "--config", cfg, "secret", "set", profile)
	cmd.Stdin = strings.NewReader(secret + "\n")
	if out, err := testkit.Bounded(cmd, time.Minute); err != nil {
		t.Fatalf("secret set: %v: %s", err, out)
	}
}

// LightFi's life cycle from examples/lightfi.toml against an emulation of
// Cognito's documented behaviour, with the real browser and keychain.
func TestExampleLightFi(t *testing.T) {
	testkit.RequireSecretService(t)
	port := testkit.FreePort(t)
	srv := testkit.EmulateCognito(t, fmt.Sprintf("http://localhost:%d/", port))
	srv.AutoApprove = false
	cfg := fromExample(t, "lightfi",
		"https://lightfiv2.auth.eu-west-2.amazoncognito.com", srv.URL,
		"YOUR-LIGHTFI-CLIENT-ID", srv.ClientID,
		"localhost:3000", fmt.Sprintf("localhost:%d", port))
	setSecret(t, cfg, "lightfi", srv.Secret)
	defer tokentray(t, cfg, nil, "secret", "delete", "lightfi")
	b := testkit.NewBrowser(t)

	page, r := login(t, b, cfg, "lightfi", "gina")
	if r.code != 0 || !strings.Contains(page, "You are signed in") {
		t.Fatalf("login: exit %d, page %q, stderr %s; provider refused %v", r.code, page, r.stderr, srv.Rejections())
	}
	t1 := tokentray(t, cfg, nil, "token")
	t2 := tokentray(t, cfg, nil, "token", "--header")
	if t1.code != 0 || t2.stdout != "Authorization: Bearer "+t1.stdout {
		t.Fatalf("token: %s / %s %s", testkit.Redact(t1.stdout), testkit.Redact(t2.stdout), t1.stderr)
	}
	if n := srv.Count("refresh_token"); n != 0 {
		t.Errorf("%d refreshes within the lifetime", n)
	}
	rec, _ := keychain.NewStore().Load("lightfi")
	// Across expiry (1 h here): Cognito sends no new refresh token.
	t3 := tokentray(t, cfg, nil, "token", "--min-valid", "2h")
	after, _ := keychain.NewStore().Load("lightfi")
	if t3.code != 0 || t3.stdout == t1.stdout || after.RefreshToken != rec.RefreshToken {
		t.Errorf("refresh across expiry: exit %d, new token %t, refresh token kept %t: %s", t3.code, t3.stdout != t1.stdout, after.RefreshToken == rec.RefreshToken, t3.stderr)
	}
	st := tokentray(t, cfg, nil, "status")
	if !strings.Contains(st.stdout, "refresh token until") || !strings.Contains(st.stdout, "signed in") {
		t.Errorf("status shows no refresh-token lifetime:\n%s", st.stdout)
	}
	lo := tokentray(t, cfg, nil, "logout")
	if lo.code != 0 || srv.Count("revoke") != 1 || srv.Live(rec.RefreshToken) {
		t.Errorf("logout: exit %d, %d revocations, refresh token still live %t: %s", lo.code, srv.Count("revoke"), srv.Live(rec.RefreshToken), lo.stderr)
	}
	if items := keychainItems(t, "lightfi"); len(items) != 1 || items[0] != "lightfi/client_secret" {
		t.Errorf("after logout the keychain holds %v, want only the client secret", items)
	}
	if rej := srv.Rejections(); len(rej) != 0 {
		t.Errorf("the emulation refused: %v", rej)
	}
}

// Frame.io's life cycle from examples/frameio.toml: a public PKCE client,
// "offline" for a refresh token, scope again on each refresh, a new refresh
// token every time.
func TestExampleFrameIO(t *testing.T) {
	testkit.RequireSecretService(t)
	port := testkit.FreePort(t)
	srv := testkit.EmulateFrameIO(t, "none")
	srv.AutoApprove = false
	srv.RedirectURI = fmt.Sprintf("http://127.0.0.1:%d/callback", port)
	repl := []string{"https://applications.frame.io", srv.URL, "YOUR-FRAMEIO-CLIENT-ID", srv.ClientID, "127.0.0.1:8400", fmt.Sprintf("127.0.0.1:%d", port)}
	cfg := fromExample(t, "frameio", repl...)
	b := testkit.NewBrowser(t)

	page, r := login(t, b, cfg, "frameio", "hana")
	if r.code != 0 || !strings.Contains(page, "You are signed in") || !strings.Contains(r.stderr, "renews it") {
		t.Fatalf("login: exit %d, page %q, stderr %s; provider refused %v", r.code, page, r.stderr, srv.Rejections())
	}
	store := keychain.NewStore()
	prev, _ := store.Load("frameio")
	for i := range 3 {
		r := tokentray(t, cfg, nil, "token", "--min-valid", "2h")
		cur, _ := store.Load("frameio")
		if r.code != 0 || cur.RefreshToken == prev.RefreshToken || !srv.Live(cur.RefreshToken) {
			t.Fatalf("refresh %d: exit %d, rotated %t, stored one live %t: %s %v", i, r.code, cur.RefreshToken != prev.RefreshToken, srv.Live(cur.RefreshToken), r.stderr, srv.Rejections())
		}
		prev = cur
	}
	if lo := tokentray(t, cfg, nil, "logout"); lo.code != 0 || srv.Live(prev.RefreshToken) || len(keychainItems(t, "frameio")) != 0 {
		t.Errorf("logout: exit %d, refresh token live %t: %s", lo.code, srv.Live(prev.RefreshToken), lo.stderr)
	}

	// Without "offline": told at sign-in that it lasts an hour.
	noOffline := fromExample(t, "frameio", append(repl, `, "offline"]`, `]`)...)
	page, r = login(t, b, noOffline, "frameio", "hana")
	if r.code != 0 || !strings.Contains(r.stderr, "sign in again every 1 h ") || !strings.Contains(r.stderr, `"offline"`) {
		t.Errorf("login without offline: exit %d, page %q, stderr %q", r.code, page, r.stderr)
	}
	tokentray(t, noOffline, nil, "logout")
}

// Disruptive Technologies' service account from examples/disruptive.toml:
// no browser, a JWT assertion, no refresh token.
func TestExampleDisruptive(t *testing.T) {
	testkit.RequireSecretService(t)
	const email = "robot@project.serviceaccount.d21s.com"
	srv := testkit.EmulateDisruptive(t, "key-42", email, "dt-key-secret")
	cfg := fromExample(t, "disruptive",
		"https://identity.disruptive-technologies.com", srv.URL,
		"YOUR-KEY-ID", "key-42",
		"YOUR-SERVICE-ACCOUNT@YOUR-PROJECT.serviceaccount.d21s.com", email)

	if r := tokentray(t, cfg, nil, "login"); r.code != 2 || !strings.Contains(r.stderr, "secret set") || !strings.Contains(r.stderr, "client secret for disruptive") {
		t.Errorf("login without a secret: exit %d: %s", r.code, r.stderr)
	}
	setSecret(t, cfg, "disruptive", "dt-key-secret")
	r := tokentray(t, cfg, nil, "login")
	if r.code != 0 || !strings.Contains(r.stderr, "Access token: valid more than 55 min") {
		t.Fatalf("login: exit %d: %s %v", r.code, r.stderr, srv.Rejections())
	}
	st := tokentray(t, cfg, nil, "status")
	if !strings.Contains(st.stdout, "valid more than 55 min") {
		t.Errorf("status:\n%s", st.stdout)
	}
	t1 := tokentray(t, cfg, nil, "token")
	t2 := tokentray(t, cfg, nil, "token", "--min-valid", "2h") // past the hour: a new assertion
	if t1.code != 0 || t2.code != 0 || t1.stdout == t2.stdout {
		t.Errorf("token: %s then %s: %s %s", testkit.Redact(t1.stdout), testkit.Redact(t2.stdout), t1.stderr, t2.stderr)
	}
	if n := srv.Count("urn:ietf:params:oauth:grant-type:jwt-bearer"); n != 2 {
		t.Errorf("%d token requests, want 2 (sign-in, then past the hour)", n)
	}
	lo := tokentray(t, cfg, nil, "logout")
	if lo.code != 0 || len(keychainItems(t, "disruptive")) != 0 {
		t.Errorf("logout: exit %d, items %v: %s", lo.code, keychainItems(t, "disruptive"), lo.stderr)
	}
	if rej := srv.Rejections(); len(rej) != 0 {
		t.Errorf("the emulation refused: %v", rej)
	}
}

// After a whole life cycle — sign in, refreshes, status, sign out — with the
// most verbose logging, no token and no client secret appears in anything
// tokentray printed (but the token command's own output) or in any file it
// wrote; the files it writes are user-only.
func TestSecretHygiene(t *testing.T) {
	testkit.RequireSecretService(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 5 * time.Minute})
	b := testkit.NewBrowser(t)
	root := t.TempDir()
	env := []string{"TOKENTRAY_DEBUG=1", "HOME=" + root + "/home", "XDG_CONFIG_HOME=" + root + "/config",
		"XDG_CACHE_HOME=" + root + "/cache", "XDG_RUNTIME_DIR=" + root + "/run", "TMPDIR=" + root + "/tmp"}
	for _, d := range []string{"home", "config", "cache", "run", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(root, "config", "profiles.toml")
	if err := os.WriteFile(cfg, []byte(strings.Replace(p.Profile("hygiene", "post"), "client_secret = \"post-secret\"\n", "", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	store := keychain.NewStore()
	secrets := map[string]bool{"post-secret": true}
	var said []string // everything tokentray printed that must be clean
	remember := func() {
		if rec, err := store.Load("hygiene"); err == nil {
			secrets[rec.AccessToken], secrets[rec.RefreshToken] = true, true
		}
	}
	run := func(args ...string) result {
		r := tokentray(t, cfg, env, args...)
		said = append(said, r.stderr)
		if args[0] != "token" {
			said = append(said, r.stdout)
		} else {
			secrets[strings.TrimSpace(strings.TrimPrefix(r.stdout, "Authorization: Bearer "))] = true
		}
		remember()
		return r
	}

	cmd := exec.Command(binary, "--config", cfg, "secret", "set", "hygiene")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader("post-secret")
	out, err := testkit.Bounded(cmd, time.Minute)
	if err != nil {
		t.Fatalf("secret set: %v %s", err, out)
	}
	said = append(said, string(out))
	defer tokentray(t, cfg, nil, "secret", "delete", "hygiene")

	lc := exec.Command(binary, "--config", cfg, "login", "--no-browser")
	lc.Env = append(os.Environ(), env...)
	stdout, _ := lc.StdoutPipe()
	var lerr bytes.Buffer
	lc.Stderr = &lerr
	if err := lc.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	b.SignIn(t, strings.TrimSpace(line), "ivan")
	if err := lc.Wait(); err != nil {
		t.Fatalf("login: %v: %s", err, lerr.String())
	}
	said = append(said, lerr.String())
	remember()
	run("token")
	run("token", "--header")
	for range 3 {
		run("token", "--min-valid", "10m")
	}
	// An outage: the still-valid token is served with a warning — the path
	// whose words quote a failed refresh — and sign-out cannot revoke.
	p.Stop()
	if r := run("token", "--min-valid", "30m"); r.code != 0 || !strings.Contains(r.stderr, "warning") {
		t.Fatalf("token during an outage: exit %d: %s", r.code, r.stderr)
	}
	run("status")
	run("status", "--json")
	// Not to be missed: exit 1 and a headline that the tokens still work.
	if r := run("logout"); r.code != 1 || !strings.Contains(r.stderr, "but the provider did not revoke its tokens") {
		t.Fatalf("logout during an outage: exit %d: %s", r.code, r.stderr)
	}
	delete(secrets, "")

	log := strings.Join(said, "\n")
	if !strings.Contains(log, "token request") || !strings.Contains(log, "refreshed and stored") {
		t.Fatalf("the verbose log says too little to be worth scanning:\n%s", log)
	}
	for s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("a secret (%d chars) appears in tokentray's output", len(s))
		}
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, _ := d.Info()
		if d.IsDir() {
			if strings.Contains(path, "tokentray") && info.Mode().Perm() != 0o700 {
				t.Errorf("directory %s has mode %v, want 0700", path, info.Mode().Perm())
			}
			return nil
		}
		files++
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("file %s has mode %v, readable by others", path, info.Mode().Perm())
		}
		data, _ := os.ReadFile(path)
		for s := range secrets {
			if bytes.Contains(data, []byte(s)) && path != cfg {
				t.Errorf("a secret (%d chars) is in %s", len(s), path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scanned %d bytes of output and %d files for %d secrets", len(log), files, len(secrets))
}

// A locked keychain with nobody to type the password (no display for the
// unlock prompt) is a clear error within seconds, not a hang. It runs in a
// keyring session of its own: a locked collection cannot be unlocked again
// without a person, and the other tests need theirs.
func TestLockedKeychain(t *testing.T) {
	if os.Getenv("TOKENTRAY_LOCKED_HELPER") != "" {
		lockedKeychainHelper(t)
		return
	}
	cmd := exec.Command("testdata/keyring-session.sh", os.Args[0], "-test.run=^TestLockedKeychain$", "-test.v", "-test.count=1")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TOKENTRAY_IN_KEYRING_SESSION=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "TOKENTRAY_LOCKED_HELPER=1", "TOKENTRAY_BINARY="+binary)
	out, err := testkit.Bounded(cmd, time.Minute)
	if err != nil || !strings.Contains(string(out), "--- PASS: TestLockedKeychain") {
		t.Fatalf("the locked-keychain run failed: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "locked:") {
			t.Log(strings.TrimSpace(l))
		}
	}
}

func lockedKeychainHelper(t *testing.T) {
	testkit.RequireSecretService(t)
	if err := keyring.Set("tokentray-lock-probe", "x", "y"); err != nil { // the default collection now exists
		t.Fatal(err)
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	svc := conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets")
	var coll dbus.ObjectPath
	if err := svc.Call("org.freedesktop.Secret.Service.ReadAlias", 0, "default").Store(&coll); err != nil {
		t.Fatal(err)
	}
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := svc.Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{coll}).Store(&locked, &prompt); err != nil || len(locked) != 1 {
		t.Fatalf("lock %s: %v %v", coll, locked, err)
	}
	cfg := writeConfig(t, "[profile.w]\nissuer = \"https://id.example.test\"\nclient_id = \"x\"\n")
	binary = os.Getenv("TOKENTRAY_BINARY")
	r := tokentray(t, cfg, []string{"DISPLAY=", "WAYLAND_DISPLAY="}, "token", "w")
	t.Logf("locked: exit %d after %s: %s", r.code, r.took.Round(time.Millisecond), strings.ReplaceAll(r.stderr, "\n", " "))
	if r.code != 1 || !strings.Contains(r.stderr, "locked") || r.stdout != "" {
		t.Errorf("exit %d, stdout %s, stderr %q; want exit 1 saying the keychain is locked", r.code, testkit.Redact(r.stdout), r.stderr)
	}
	if r.took > 15*time.Second {
		t.Errorf("took %s", r.took)
	}
}

// The command line as developers expect it: --version, help per command
// with its flags (exit 0), a mistyped command with a suggestion, a flag
// error with a valid example, completion, stable exit codes.
func TestCommandLine(t *testing.T) {
	cfg := writeConfig(t, "[profile.work]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n"+
		"[profile.example]\nissuer = \"https://id.example.com\"\nclient_id = \"YOUR-CLIENT-ID\"\n")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string // each appears
		stderr []string
	}{
		{"--version", []string{"--version"}, 0, []string{"tokentray dev"}, nil},
		{"version", []string{"version"}, 0, []string{"tokentray dev"}, nil},
		{"help for a command", []string{"help", "token"}, 0, []string{"Usage:", "tokentray token [PROFILE]", "--min-valid", "--header", "Examples:"}, nil},
		{"--help on a command", []string{"token", "--help"}, 0, []string{"--min-valid", "--json"}, nil},
		{"-h on a command", []string{"login", "-h"}, 0, []string{"--no-browser", "--timeout"}, nil},
		{"a mistyped command", []string{"tokn"}, 2, nil, []string{"The command was not understood", `"tokn" is not a command; did you mean token`}},
		{"a duration without a unit", []string{"token", "--min-valid", "5"}, 2, nil, []string{"--min-valid", "For example:", "--min-valid 10m", "tokentray token --help"}},
		{"too many names", []string{"logout", "a", "b"}, 2, nil, []string{"`tokentray logout` takes at most one argument, PROFILE; it got 2."}},
		// Never the arguments themselves: a secret typed after the name.
		{"a secret as an argument", []string{"secret", "set", "work", "s3cr3t-value"}, 2, nil, []string{"`tokentray secret set` takes one argument, PROFILE; it got 2."}},
		{"an argument to a shell's completion", []string{"completion", "bash", "x"}, 2, nil, []string{"`tokentray completion bash` takes no arguments; it got 1."}},
		{"a name where none is taken", []string{"status", "work"}, 2, nil, []string{"`tokentray status` takes no arguments; it got 1."}},
		{"a name missing", []string{"secret", "set"}, 2, nil, []string{"`tokentray secret set` needs PROFILE."}},
		{"git's operation missing", []string{"git-credential"}, 2, nil, []string{"`tokentray git-credential` needs get|store|erase."}},
		{"an unknown profile", []string{"token", "nope"}, 2, nil, []string{"There is no profile named nope."}},
		// Not "sign in", which would only refuse: what to fix, as login says.
		{"an example value", []string{"token", "example"}, 2, nil, []string{"The profile example still holds an example value.", `client_id is still the example value "YOUR-CLIENT-ID"`}},
		{"an example value, for kubectl", []string{"kubectl-credential", "example"}, 2, nil, []string{"still holds an example value"}},
		{"completion", []string{"completion", "bash"}, 0, []string{"bash completion", "__start_tokentray"}, nil},
		{"a shell it does not complete", []string{"completion", "tcsh"}, 2, nil, []string{`"tcsh" is not a shell tokentray completes; it completes bash, fish, powershell and zsh.`, "tokentray completion --help"}},
		// Through the small front too, which leaves these to the full
		// program (issue 29).
		{"a negative duration", []string{"token", "work", "--min-valid", "-5m"}, 2, nil, []string{"--min-valid -5m is negative"}},
		{"a default as typed", []string{"token", "--help"}, 0, []string{"(default 1m)"}, nil},
		{"a program that is not there", []string{"exec", "work", "--", "nonexistentprog"}, 127, nil, []string{"tokentray: nonexistentprog was not found. Check its name, or give its full path."}},
		{"an unknown help topic", []string{"help", "nosuch"}, 2, nil, []string{`"nosuch" is not a command`}},
		{"profile names complete", []string{"__complete", "token", ""}, 0, []string{"work"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := tokentray(t, cfg, nil, c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", r.code, c.code, r.stdout, r.stderr)
			}
			for _, want := range c.stdout {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
				}
			}
			for _, want := range c.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "panic") {
				t.Errorf("a crash: %s", r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, "s3cr3t") {
				t.Errorf("the secret was printed: %s%s", r.stdout, r.stderr)
			}
		})
	}
	// No profile file yet is a welcome, not a problem.
	none := filepath.Join(t.TempDir(), "profiles.toml")
	if r := tokentray(t, none, nil, "status"); r.code != 0 || !strings.Contains(r.stdout, "No profile yet") {
		t.Errorf("status without a profile file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The detail names the file, so that a mistyped --config shows.
	for _, args := range [][]string{{"token"}, {"token", "work"}, {"inspect", "work"}} {
		if r := tokentray(t, none, nil, args...); r.code != 2 || !strings.Contains(r.stderr, "There is no profile yet. Run `tokentray profiles import FILE`.") || !strings.Contains(r.stderr, "there is no file "+none) {
			t.Errorf("%s without a profile file: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	// Nothing on standard input for a secret says so.
	cmd := exec.Command(binary, "--config", cfg, "secret", "set", "work")
	cmd.Stdin = strings.NewReader("")
	out, _ := testkit.Bounded(cmd, time.Minute)
	if !strings.Contains(string(out), "Nothing came on standard input.") {
		t.Errorf("secret set with nothing: %s", out)
	}
}

// `make run` where no desktop session is (an SSH login, a container): the
// tray cannot show, and make ends with what to do instead — the commands —
// and exit 0, not with the D-Bus error and make's "Error 1". A command
// that fails (ARGS) still fails make.
func TestMakeRunWithoutADesktop(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make here")
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := filepath.Rel(wd, binary) // the Makefile runs ./$(BIN)
	if err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, "")
	for _, c := range []struct {
		name string
		args string
		code int
		last string // the output's last line
	}{
		{"the tray", "", 0, `  make run ARGS="profiles import FILE", then ARGS="login PROFILE" and ARGS="token PROFILE" (./` + bin + ` --help lists them all).`},
		{"a command that fails", "--config " + cfg + " token nope", 2, "make: *** [Makefile"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// -o build: the programs this test run built, not a build in
			// the source tree.
			cmd := exec.Command("make", "--no-print-directory", "-o", "build", "run", "BIN="+bin, "ARGS="+c.args)
			var env []string
			for _, e := range os.Environ() {
				if k, _, _ := strings.Cut(e, "="); !slices.Contains([]string{"DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}, k) {
					env = append(env, e)
				}
			}
			cmd.Env = append(env, "XDG_RUNTIME_DIR="+t.TempDir(), "TOKENTRAY_CONFIG="+cfg)
			out, err := testkit.Bounded(cmd, time.Minute)
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
			if last := lines[len(lines)-1]; code != c.code || !strings.HasPrefix(last, c.last) {
				t.Errorf("make exit %d, want %d; last line %q, want %q\n%s", code, c.code, last, c.last, out)
			}
			if c.code == 0 && strings.Contains(string(out), "Error") {
				t.Errorf("make says Error:\n%s", out)
			}
		})
	}
}
