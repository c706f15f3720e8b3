// Hostile profile files, driven through the built binary: a real provider
// (or the strict emulation where a fault must be injected), the real
// keychain, and an "attacker" on loopback that records whatever reaches it.
// Each test is one row of docs/SECURITY.md and asserts that the attacker
// received nothing it could use.
package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/internal/testkit"
)

// noHarvest fails the test for every request the attacker got that could
// have carried something, naming the class.
func noHarvest(t *testing.T, a *testkit.Attacker, class string, secrets ...string) {
	t.Helper()
	for _, r := range a.Harvest(secrets...) {
		t.Errorf("%s: the attacker received %s %s (authorization %q, body %q)", class, r.Method, r.Path, r.Authorization, r.Body)
	}
}

// loginNoBrowser runs `login --no-browser` against a provider that approves
// at once, and follows the printed address as a browser would.
func loginNoBrowser(t *testing.T, cfg, profile string) result {
	t.Helper()
	cmd := exec.Command(binary, "--config", cfg, "login", profile, "--no-browser", "--timeout", "30s")
	cmd.Env = os.Environ()
	stdout, _ := cmd.StdoutPipe()
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if u := strings.TrimSpace(line); u != "" {
		if resp, err := http.Get(u); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	err := cmd.Wait()
	r := result{stdout: line, stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	}
	return r
}

// High 1: a profile of the same name from another file reuses nothing — not
// the saved sign-in, not the client secret, not a service account's key.
func TestSavedSignInsStayWithTheirProvider(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "work")
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	b := testkit.NewBrowser(t)
	a := testkit.StartAttacker(t)
	genuine := writeConfig(t, fmt.Sprintf("[profile.work]\nissuer = %q\nclient_id = \"basic\"\nclient_auth = \"basic\"\nscopes = [\"openid\", \"email\", \"offline_access\"]\n", p.Issuer))
	setSecret(t, genuine, "work", "basic-secret")
	if page, r := login(t, b, genuine, "work", "alice"); r.code != 0 || !strings.Contains(page, "You are signed in") {
		t.Fatalf("login: exit %d, %s\n%s", r.code, page, r.stderr)
	}
	rec, err := keychain.NewStore().Load("work")
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{rec.RefreshToken, rec.AccessToken, "basic-secret"}

	// The lookalike: the genuine sign-in page, the attacker's endpoints,
	// and the loud key an attacker would have to add.
	hostile := writeConfig(t, fmt.Sprintf("[profile.work]\nissuer = %q\nclient_id = \"basic\"\nclient_auth = \"basic\"\n"+
		"token_url = %q\nrevocation_url = %q\nuserinfo_url = %q\nsend_tokens_to_other_origins = [%q]\n",
		p.Issuer, a.URL+"/token", a.URL+"/revoke", a.URL+"/me", a.URL))
	for _, c := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"a refresh", []string{"token", "work", "--min-valid", "10h"}, 3, "points somewhere else"},
		{"a token", []string{"token", "work"}, 3, "points somewhere else"},
		{"a sign-in", []string{"login", "work", "--no-browser", "--timeout", "5s"}, 2, "saved for other settings"},
		{"a status", []string{"status"}, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := tokentray(t, hostile, nil, c.args...)
			if r.code != c.code || !strings.Contains(r.stderr+r.stdout, c.says) {
				t.Errorf("exit %d, want %d saying %q:\n%s%s", r.code, c.code, c.says, r.stdout, r.stderr)
			}
			if c.args[0] == "login" && r.stdout != "" {
				t.Errorf("a sign-in address was printed: %q", r.stdout)
			}
			noHarvest(t, a, c.name, secrets...)
		})
	}
	// The genuine profile is untouched: it still refreshes at its provider.
	if r := tokentray(t, genuine, nil, "token", "work", "--min-valid", "10h"); r.code != 0 {
		t.Errorf("the genuine profile after the lookalike: exit %d, %s", r.code, r.stderr)
	}
	// Signing out through the lookalike forgets the tokens here but sends
	// them nowhere.
	if r := tokentray(t, hostile, nil, "logout", "work"); r.code != 0 || !strings.Contains(r.stderr, "not sent anywhere") {
		t.Errorf("logout through the lookalike: exit %d, %s", r.code, r.stderr)
	}
	noHarvest(t, a, "a sign-out", secrets...)
	tokentray(t, genuine, nil, "secret", "delete", "work")
}

// High 1, service accounts: the key secret signs assertions only for the
// token endpoint, key id and audience it was saved for.
func TestServiceAccountKeyStaysWithItsProvider(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "disruptive")
	email := "sa@project.serviceaccount.example"
	srv := testkit.EmulateDisruptive(t, "key-42", email, "dt-key-secret")
	a := testkit.StartAttacker(t)
	cfg := fromExample(t, "disruptive", "https://identity.disruptive-technologies.com", srv.URL,
		"YOUR-KEY-ID", "key-42", "YOUR-SERVICE-ACCOUNT@YOUR-PROJECT.serviceaccount.d21s.com", email)
	setSecret(t, cfg, "disruptive", "dt-key-secret")
	defer tokentray(t, cfg, nil, "logout", "disruptive")
	if r := tokentray(t, cfg, nil, "login"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	for _, c := range []struct{ name, extra string }{
		{"its own token endpoint and audience", fmt.Sprintf("token_url = %q\naudience = %q\n", a.URL+"/oauth2/token", a.URL+"/oauth2/token")},
		{"the genuine audience", fmt.Sprintf("token_url = %q\naudience = %q\nsend_tokens_to_other_origins = [%q]\n", a.URL+"/oauth2/token", srv.URL+"/oauth2/token", srv.URL)},
	} {
		t.Run(c.name, func(t *testing.T) {
			hostile := writeConfig(t, "[profile.disruptive]\ngrant = \"jwt-bearer\"\nkey_id = \"key-42\"\nemail = \""+email+"\"\n"+c.extra)
			r := tokentray(t, hostile, nil, "token", "--min-valid", "10h")
			if r.code == 0 {
				t.Errorf("the lookalike got a token: %s", r.stdout)
			}
			noHarvest(t, a, c.name, "dt-key-secret")
		})
	}
}

// High 2: the genuine sign-in page paired with someone else's token
// endpoint is refused before any browser opens, whether the pairing is
// written out or comes from a discovery document.
func TestSignInPageAndTokenEndpointShareAnOrigin(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "work")
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	a := testkit.StartAttacker(t)
	for _, c := range []struct{ name, profile, key, page, says string }{
		{"written out", fmt.Sprintf("issuer = %q\nclient_id = \"public\"\ntoken_url = %q\n", p.Issuer, a.URL+"/token"), "token_url", "", "send_tokens_to_other_origins"},
		{"written out, no issuer", fmt.Sprintf("auth_url = %q\ntoken_url = %q\nclient_id = \"public\"\n", p.Issuer+"/auth", a.URL+"/token"), "token_url", "", "send_tokens_to_other_origins"},
		{"the page written out, the issuer elsewhere", fmt.Sprintf("issuer = %q\nauth_url = %q\nclient_id = \"public\"\n", a.URL, p.Issuer+"/auth"), "issuer", "", "send_tokens_to_other_origins"},
		// Found by review: the attacker's own discovery document names the
		// genuine page (a provider that sends no RFC 9207 iss would not
		// notice where the code went).
		{"both from a discovery document", fmt.Sprintf("issuer = %q\nclient_id = \"public\"\n", a.URL), "issuer", p.Issuer + "/auth", "send_tokens_to_other_origins"},
		// Found by review: an open redirect on the provider's site as the
		// issuer; issuers have no query.
		{"an issuer with a query", fmt.Sprintf("issuer = %q\nclient_id = \"public\"\n", p.Issuer+"/logout?next="+a.URL), "issuer", "", "no query"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a.SignInPage = c.page
			cfg := writeConfig(t, "[profile.work]\n"+c.profile)
			r := tokentray(t, cfg, nil, "login", "work", "--no-browser", "--timeout", "5s")
			if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, `key "`+c.key+`"`) || !strings.Contains(r.stderr, c.says) {
				t.Errorf("exit %d, stdout %q, want exit 2 naming key %s:\n%s", r.code, r.stdout, c.key, r.stderr)
			}
			noHarvest(t, a, c.name)
		})
	}
}

// Medium 3: nothing carrying a code, a token or a secret follows a
// redirect; discovered endpoints obey the profile's URL rules.
func TestNoCredentialFollowsARedirect(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "redirected")
	srv := testkit.NewOAuthServer(t, "post")
	a := testkit.StartAttacker(t)
	cfg := writeConfig(t, fmt.Sprintf("[profile.redirected]\nauth_url = %q\ntoken_url = %q\nrevocation_url = %q\nclient_id = %q\nclient_secret = %q\nclient_auth = \"post\"\n",
		srv.URL+"/authorize", srv.URL+"/token", srv.URL+"/revoke", srv.ClientID, srv.Secret))
	if r := loginNoBrowser(t, cfg, "redirected"); r.code != 0 {
		t.Fatalf("login: exit %d, %s; provider refused %v", r.code, r.stderr, srv.Rejections())
	}
	rec, err := keychain.NewStore().Load("redirected")
	if err != nil {
		t.Fatal(err)
	}
	srv.Fail = func(w http.ResponseWriter) bool {
		w.Header().Set("Location", a.URL+"/token")
		w.WriteHeader(http.StatusTemporaryRedirect)
		return true
	}
	// The still-valid token is served, with a warning that says why it
	// could not be renewed.
	r := tokentray(t, cfg, nil, "token", "--min-valid", "10h")
	if r.code != 0 || r.stdout != rec.AccessToken+"\n" || !strings.Contains(r.stderr, "not redirected") {
		t.Errorf("a redirected refresh: exit %d, stdout %q, want the stored token and a warning saying why:\n%s", r.code, r.stdout, r.stderr)
	}
	noHarvest(t, a, "a redirected refresh", rec.RefreshToken, srv.Secret)
	srv.Fail = nil
	if r := tokentray(t, cfg, nil, "logout"); r.code != 0 {
		t.Errorf("logout: %s", r.stderr)
	}
}

// Medium 4: an imported file adds profiles and nothing else, whatever its
// name says.
func TestImportAddsOnlyProfiles(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "work")
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	b := testkit.NewBrowser(t)
	a := testkit.StartAttacker(t)
	cfg := writeConfig(t, p.Profile("work", "public"))
	if page, r := login(t, b, cfg, "work", "alice"); r.code != 0 {
		t.Fatalf("login: exit %d, %s\n%s", r.code, page, r.stderr)
	}
	defer tokentray(t, cfg, nil, "logout", "work")
	rec, _ := keychain.NewStore().Load("work")
	// A file name cannot hold '/', but a TOML string can spell it.
	name := "profiles\n" + `token_url = "` + strings.ReplaceAll(a.URL, "/", `\u002F`) + `\u002Ftoken"` + "\n" +
		`send_tokens_to_other_origins = ["` + strings.ReplaceAll(a.URL, "/", `\u002F`) + `"]` + "\n#.toml"
	evil := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(evil, []byte("[profile.extra]\nissuer = \"https://id.example.net\"\nclient_id = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(cfg)
	r := tokentray(t, cfg, nil, "profiles", "import", evil)
	after, _ := os.ReadFile(cfg)
	if !strings.HasPrefix(string(after), string(before)) || strings.Contains(string(after[len(before):]), "\ntoken_url") {
		t.Errorf("import (exit %d, %s) changed the file beyond adding:\n%s", r.code, r.stderr, after)
	}
	if t2 := tokentray(t, cfg, nil, "token", "work", "--min-valid", "10h"); t2.code != 0 {
		t.Errorf("work after the import: exit %d, %s", t2.code, t2.stderr)
	}
	noHarvest(t, a, "an import", rec.RefreshToken)
}

// Medium 5: files a profile names are read when needed, and only small
// regular ones: /dev/zero and a FIFO fail fast with their name, and other
// profiles in the same file are not touched by them.
func TestHostileFilesFailFast(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "work")
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	b := testkit.NewBrowser(t)
	fifo := filepath.Join(t.TempDir(), "ca.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, p.Profile("work", "public")+
		p.Profile("zero", "public", `ca_file = "/dev/zero"`)+
		p.Profile("fifo", "public", fmt.Sprintf("ca_file = %q", fifo))+
		"[profile.sa]\ngrant = \"jwt-bearer\"\ntoken_url = \""+p.Issuer+"/token\"\nkey_id = \"k\"\nemail = \"e@x\"\njwt_alg = \"RS256\"\nprivate_key_file = \"/dev/zero\"\n")
	if page, r := login(t, b, cfg, "work", "alice"); r.code != 0 {
		t.Fatalf("login beside hostile profiles: exit %d, %s\n%s", r.code, page, r.stderr)
	}
	defer tokentray(t, cfg, nil, "logout", "work")
	for _, c := range []struct{ profile, file string }{{"zero", "/dev/zero"}, {"fifo", fifo}} {
		t.Run(c.profile, func(t *testing.T) {
			r := tokentray(t, cfg, nil, "login", c.profile, "--no-browser", "--timeout", "5s")
			if r.code == 0 || !strings.Contains(r.stderr, c.file) || !strings.Contains(r.stderr, "not a regular file") || r.took > 3*time.Second {
				t.Errorf("exit %d after %s: %s", r.code, r.took.Round(time.Millisecond), r.stderr)
			}
		})
	}
	// A key file an ordinary profile names is not read at all: the key is
	// the person's to hand over.
	t.Run("sa", func(t *testing.T) {
		r := tokentray(t, cfg, nil, "login", "sa", "--no-browser", "--timeout", "5s")
		if r.code != 2 || !strings.Contains(r.stderr, "tokentray secret set sa --key FILE") || r.took > 3*time.Second {
			t.Errorf("exit %d after %s: %s", r.code, r.took.Round(time.Millisecond), r.stderr)
		}
	})
}

// Low 8: a provider's words reach no terminal as control sequences.
func TestProviderTextIsNoTerminalInput(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "esc")
	srv := testkit.NewOAuthServer(t, "none")
	cfg := writeConfig(t, fmt.Sprintf("[profile.esc]\nauth_url = %q\ntoken_url = %q\nclient_id = %q\n", srv.URL+"/authorize", srv.URL+"/token", srv.ClientID))
	const evil = "\x1b]0;pwned\x07\x1b[31minvalid_request"
	srv.AuthError = evil
	r := loginNoBrowser(t, cfg, "esc")
	if r.code == 0 || strings.ContainsAny(r.stderr, "\x1b\x07") {
		t.Errorf("a refused sign-in: exit %d, stderr %q", r.code, r.stderr)
	}
	srv.AuthError = ""
	if r := loginNoBrowser(t, cfg, "esc"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	defer tokentray(t, cfg, nil, "logout")
	srv.Fail = func(w http.ResponseWriter) bool {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"`+strings.ReplaceAll(strings.ReplaceAll(evil, "\x1b", `\u001b`), "\x07", `\u0007`)+`","error_description":"\u001b[2J gone"}`)
		return true
	}
	r = tokentray(t, cfg, nil, "token", "--min-valid", "10h")
	if r.code == 0 || strings.ContainsAny(r.stderr, "\x1b\x07") {
		t.Errorf("a refused refresh: exit %d, stderr %q", r.code, r.stderr)
	}
	srv.Fail = nil
}

// Low 9: the reserved parameters cannot come in through auth_url either —
// nor past the check (';' hides a pair from Go's parser, '#' moves every
// parameter out of the request), nor through a host that only looks like
// the genuine one.
func TestReservedParametersInAuthURL(t *testing.T) {
	for _, c := range []struct{ name, auth, token, key string }{
		{"code_challenge_method", "https://id.example.com/auth?code_challenge_method=plain", "https://id.example.com/token", "auth_url"},
		{"state", "https://id.example.com/auth?state=fixed", "https://id.example.com/token", "auth_url"},
		{"redirect_uri", "https://id.example.com/auth?redirect_uri=https%3A%2F%2Fattacker.example%2F", "https://id.example.com/token", "auth_url"},
		{"request_uri", "https://id.example.com/auth?request_uri=https%3A%2F%2Fattacker.example%2Fr", "https://id.example.com/token", "auth_url"},
		{"behind a semicolon", "https://id.example.com/auth?a=1;redirect_uri=https://attacker.example/cb", "https://id.example.com/token", "auth_url"},
		{"a fragment", "https://id.example.com/auth#", "https://id.example.com/token", "auth_url"},
		{"a lookalike host", "https://login.microsoftonline.com/t/authorize", "https://login.m\u0130crosoftonline.com/t/token", "token_url"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := writeConfig(t, fmt.Sprintf("[profile.p]\nauth_url = %q\ntoken_url = \"%s\"\nclient_id = \"c\"\n", c.auth, c.token))
			r := tokentray(t, cfg, nil, "login", "p", "--no-browser")
			if r.code != 2 || !strings.Contains(r.stderr, `key "`+c.key+`"`) || r.stdout != "" {
				t.Errorf("exit %d, want 2 naming %s: %s", r.code, c.key, r.stderr)
			}
		})
	}
}

// Round two, high 1 and medium 5: a token the provider chooses runs
// nothing and injects nothing — not through exec's environment (BASH_ENV
// is no name a token may go into, and a token is visible ASCII only), not
// into git's credential protocol, not into a terminal.
func TestProviderTokensRunNothing(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "m")
	a := testkit.StartAttacker(t)
	marker := filepath.Join(t.TempDir(), "ran")
	machine := func(extra string) string {
		return writeConfig(t, fmt.Sprintf("[profile.m]\ngrant = \"client_credentials\"\ntoken_url = %q\nclient_id = \"c\"\nclient_secret = \"s\"\nclient_auth = \"post\"\n%s", a.URL+"/token", extra))
	}
	t.Cleanup(func() { forget(t, "m") })

	t.Run("env = BASH_ENV", func(t *testing.T) {
		a.Token = "$(touch${IFS}" + marker + ")"
		r := tokentray(t, machine(`env = "BASH_ENV"`+"\n"), nil, "exec", "m", "--", "bash", "-c", "true")
		if r.code != 2 || !strings.Contains(r.stderr, `key "env"`) || !strings.Contains(r.stderr, "cannot carry a token") {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatal("the attacker's command ran")
		}
		noHarvest(t, a, "env = BASH_ENV", "s")
	})
	t.Run("env = NODE_OPTIONS", func(t *testing.T) {
		r := tokentray(t, machine(`env = "NODE_OPTIONS"`+"\n"), nil, "exec", "m", "--", "true")
		if r.code != 2 || !strings.Contains(r.stderr, "cannot carry a token") {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("a token with a line break, to git", func(t *testing.T) {
		forget(t, "m")
		a.Token = "x\nusername=injected\npassword=stolen"
		cfg := machine(`git_urls = ["https://git.example.test/"]` + "\n")
		cmd := exec.Command(binary, "--config", cfg, "git-credential", "get")
		cmd.Stdin = strings.NewReader("protocol=https\nhost=git.example.test\npath=org/repo.git\n\n")
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		_, _ = testkit.Bounded(cmd, time.Minute)
		if strings.Contains(out.String(), "injected") || strings.Contains(out.String(), "stolen") {
			t.Errorf("git was told %q", out.String())
		}
		if !strings.Contains(errb.String(), "issued an access token with characters no") {
			t.Errorf("stderr %q", errb.String())
		}
	})
	t.Run("a token with an escape, to a terminal", func(t *testing.T) {
		forget(t, "m")
		a.Token = "x\x1b]0;owned\x07\x1b[2J"
		r := tokentray(t, machine(""), nil, "token", "m")
		if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") || r.code == 0 {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
}

// Round two, high 2: a device sign-in whose page is the genuine
// provider's but whose tokens would come from elsewhere (a relayed code)
// is refused before the person is shown the page or the code, and nothing
// polls the attacker for the person's tokens.
func TestDeviceCodeRelay(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "dev")
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	a := testkit.StartAttacker(t)
	a.VerificationURI = p.Issuer + "/device"
	cfg := writeConfig(t, fmt.Sprintf("[profile.dev]\ngrant = \"device_code\"\ntoken_url = %q\ndevice_authorization_url = %q\nclient_id = \"public\"\n",
		a.URL+"/token", a.URL+"/device"))
	r := tokentray(t, cfg, nil, "login", "dev", "--timeout", "10s")
	if r.code == 0 || !strings.Contains(r.stderr, "sends you to "+p.Issuer) || !strings.Contains(r.stderr, "the tokens would come from "+a.URL) {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "RELA-YED1") || strings.Contains(r.stdout+r.stderr, p.Issuer+"/device") && !strings.Contains(r.stderr, "sends you to") {
		t.Errorf("the relayed code or page was shown:\n%s%s", r.stdout, r.stderr)
	}
	for _, req := range a.Requests() {
		if strings.Contains(req.Body, "device_code") && strings.HasSuffix(req.Path, "/token") {
			t.Errorf("the attacker was polled for the person's tokens: %s", req.Body)
		}
	}
}

// Round two, medium 4 and 3b: a key file a profile names is never read —
// not an SSH key by a path out of the profile's folder, not the genuine
// service account's key by a lookalike with git_urls at the attacker. The
// key is the person's to hand over, bound to the profile it was handed to.
func TestKeyFilesAreNotReadFromProfiles(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "robot")
	a := testkit.StartAttacker(t)
	home := t.TempDir()
	sshKey := filepath.Join(home, ".ssh", "id_rsa")
	if err := os.MkdirAll(filepath.Dir(sshKey), 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := testkit.Bounded(exec.Command("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "", "-f", sshKey), time.Minute)
	if err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	dir := filepath.Join(home, "Downloads", "it")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "profiles.toml")
	text := fmt.Sprintf("[profile.robot]\ngrant = \"client_credentials\"\ntoken_url = %q\nclient_id = \"robot\"\nclient_auth = \"private_key_jwt\"\nprivate_key_file = \"../../.ssh/id_rsa\"\ngit_urls = [%q]\n", a.URL+"/token", a.URL+"/")
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"token", "robot"}, {"login", "robot"}} {
		r := tokentray(t, cfg, nil, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "tokentray secret set robot --key FILE") {
			t.Errorf("%v: exit %d: %s", args, r.code, r.stderr)
		}
	}
	if reqs := a.Requests(); len(reqs) != 0 {
		t.Errorf("the attacker received %d requests, the first %s %s: an assertion signed with the SSH key", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}
