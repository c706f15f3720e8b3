package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/internal/testkit"
)

// A machine client (client credentials) at the real OpenID provider on
// loopback, every command run for real in this process with no desktop:
// its secret into the sealed files, tokens without a sign-in, the tools'
// formats, status, inspect, doctor, sign-out and sign-in, and an outage.
// The secret is never said.
func TestMachineClientAtTheProvider(t *testing.T) {
	alone(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	cfg := filepath.Join(t.TempDir(), "profiles.toml")
	profile := fmt.Sprintf("[profile.robot]\ngrant = \"client_credentials\"\nissuer = %q\nclient_id = \"machine\"\nclient_auth = \"basic\"\nscopes = [\"api\"]\ngit_urls = [\"https://git.example.test/\"]\n", p.Issuer)
	if err := os.WriteFile(cfg, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	const secret = "machine-secret"
	grants := func() int { return p.Stats(t).Token["client_credentials"] }
	// do runs one command and checks its exit code and that the secret
	// stays unsaid.
	do := func(t *testing.T, stdin string, code int, args ...string) (stdout, stderr string) {
		t.Helper()
		got, stdout, stderr := runIn(t, cfg, stdin, args...)
		if got != code {
			t.Errorf("%s: exit %d, want %d\n%s%s", args, got, code, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, secret) {
			t.Errorf("%s said the secret:\n%s%s", args, stdout, stderr)
		}
		return stdout, stderr
	}

	t.Run("no secret yet", func(t *testing.T) {
		_, stderr := do(t, "", 2, "token", "robot")
		has(t, "stderr", stderr, "tokentray: The client secret for robot is missing, or was saved for other settings. Run `tokentray secret set robot`.\n")
	})
	t.Run("no secret yet, client_auth left out", func(t *testing.T) {
		// Not sent to the provider without its secret, which would only
		// say it does not know the client.
		other := filepath.Join(t.TempDir(), "profiles.toml")
		if err := os.WriteFile(other, []byte(strings.Replace(profile, "client_auth = \"basic\"\n", "", 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		before := grants()
		code, _, stderr := runIn(t, other, "", "token", "robot")
		if code != 2 {
			t.Errorf("exit %d, want 2\n%s", code, stderr)
		}
		has(t, "stderr", stderr, "Run `tokentray secret set robot`.")
		if n := grants() - before; n != 0 {
			t.Errorf("%d grants at the provider without a secret, want none", n)
		}
	})
	t.Run("secret set", func(t *testing.T) {
		_, stderr := do(t, secret+"\n", 0, "secret", "set", "robot")
		has(t, "stderr", stderr, "Saved the client secret for robot in a sealed file (no desktop keychain; key in the kernel keyring).\n")
	})
	t.Run("status before a token", func(t *testing.T) {
		stdout, _ := do(t, "", 0, "status")
		has(t, "stdout", stdout, "robot (default)  signed out")
	})

	var tok string
	t.Run("token without a sign-in", func(t *testing.T) {
		before := grants()
		stdout, stderr := do(t, "", 0, "token")
		tok = strings.TrimSuffix(stdout, "\n")
		if tok == "" || strings.ContainsAny(tok, " \n") || stderr != "" {
			t.Fatalf("token: %q, stderr %q; want one token and a newline alone", testkit.Redact(stdout), stderr)
		}
		if n := grants() - before; n != 1 {
			t.Errorf("%d client_credentials grants, want 1", n)
		}
	})
	if tok == "" {
		t.FailNow()
	}
	t.Run("token again, kept", func(t *testing.T) {
		before := grants()
		if stdout, _ := do(t, "", 0, "token", "robot"); stdout != tok+"\n" {
			t.Errorf("a second token %q, want the kept one", testkit.Redact(stdout))
		}
		if n := grants() - before; n != 0 {
			t.Errorf("%d grants for a token still valid, want none", n)
		}
	})
	t.Run("token --header", func(t *testing.T) {
		if stdout, _ := do(t, "", 0, "token", "--header"); stdout != "Authorization: Bearer "+tok+"\n" {
			t.Errorf("--header: %q", testkit.Redact(stdout))
		}
	})
	t.Run("token --json", func(t *testing.T) {
		stdout, _ := do(t, "", 0, "token", "robot", "--json")
		var got struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			Expiry      string `json:"expiry"`
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil || got.AccessToken != tok || got.TokenType != "Bearer" || got.Expiry == "" {
			t.Errorf("--json: %v, %q", err, testkit.Redact(stdout))
		}
	})
	t.Run("token --min-valid longer than the provider's tokens", func(t *testing.T) {
		stdout, stderr := do(t, "", 0, "token", "--min-valid", "5m")
		has(t, "stderr", stderr, "tokentray: warning: Every call renews the token: this provider's tokens last only 2 min, and --min-valid asks for 5 min. Ask for less, such as --min-valid 1m.\n")
		if stdout == tok+"\n" {
			t.Error("the kept token, not a renewed one")
		}
		tok = strings.TrimSuffix(stdout, "\n")
	})

	t.Run("status", func(t *testing.T) {
		stdout, _ := do(t, "", 0, "status")
		has(t, "stdout", stdout, "robot (default)  signed in  machine", "client credentials\n",
			"Stored in a sealed file (no desktop keychain; key in the kernel keyring): robot.\n")
	})
	t.Run("status --json", func(t *testing.T) {
		stdout, _ := do(t, "", 0, "status", "--json")
		var got []struct {
			Name, State, Grant, Who string
			ServiceAccount          bool `json:"service_account"`
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil || len(got) != 1 || got[0].Name != "robot" || got[0].State != "valid" ||
			got[0].Grant != "client_credentials" || got[0].Who != "machine" || !got[0].ServiceAccount {
			t.Errorf("status --json: %v, %+v\n%s", err, got, stdout)
		}
		if strings.Contains(stdout, tok) {
			t.Errorf("status --json holds the token")
		}
	})
	t.Run("kubectl-credential", func(t *testing.T) {
		stdout, _ := do(t, "", 0, "kubectl-credential", "robot")
		var got struct {
			APIVersion, Kind string
			Status           struct {
				Token      string
				Expiration string `json:"expirationTimestamp"`
			}
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil || got.APIVersion != "client.authentication.k8s.io/v1" ||
			got.Kind != "ExecCredential" || got.Status.Token != tok || got.Status.Expiration == "" {
			t.Errorf("kubectl-credential: %v, %q", err, testkit.Redact(stdout))
		}
	})
	t.Run("git-credential get", func(t *testing.T) {
		stdout, _ := do(t, "protocol=https\nhost=git.example.test\npath=team/repo.git\n\n", 0, "git-credential", "get")
		if !strings.HasPrefix(stdout, "username=oauth2\npassword="+tok+"\n") {
			t.Errorf("git-credential get: %q", testkit.Redact(stdout))
		}
	})
	t.Run("git-credential get, another host", func(t *testing.T) {
		if stdout, stderr := do(t, "protocol=https\nhost=git.example.com\n\n", 0, "git-credential", "get"); stdout+stderr != "" {
			t.Errorf("another host: %q%q, want nothing", testkit.Redact(stdout), stderr)
		}
	})
	t.Run("git-credential erase renews", func(t *testing.T) {
		before := grants()
		if stdout, _ := do(t, "url=https://git.example.test/team/repo.git\n\n", 0, "git-credential", "erase"); stdout != "" {
			t.Errorf("erase: %q, want nothing", testkit.Redact(stdout))
		}
		if n := grants() - before; n != 1 {
			t.Errorf("%d grants at erase, want 1", n)
		}
		stdout, _ := do(t, "", 0, "token")
		if stdout == tok+"\n" {
			t.Error("the token refused by git is still handed out")
		}
		tok = strings.TrimSuffix(stdout, "\n")
	})
	t.Run("exec", func(t *testing.T) {
		stdout, stderr := do(t, "", 7, "exec", "robot", "--env", "API_TOKEN", "--header-env", "AUTH", "--",
			"sh", "-c", `printf '%s|%s|%s' "$API_TOKEN" "$AUTH" "${TOKENTRAY_ACCESS_TOKEN-unset}"; exit 7`)
		if want := tok + "|Authorization: Bearer " + tok + "|unset"; stdout != want {
			t.Errorf("exec gave the command %q, want %q", testkit.Redact(stdout), testkit.Redact(want))
		}
		// The provider's tokens last 2 minutes.
		has(t, "stderr", stderr, "tokentray: the token expires in ")
	})
	t.Run("inspect", func(t *testing.T) {
		stdout, _ := do(t, "", 0, "inspect")
		has(t, "stdout", stdout, "profile         robot\n", "issuer          "+p.Issuer+"\n", "account         machine\n",
			"grant           machine client (client_credentials)\n", "scopes granted  api\n", "renews with     the client's own credentials\n",
			"The access token is opaque")
		if strings.Contains(stdout, tok) {
			t.Error("inspect said the token")
		}
	})
	t.Run("doctor", func(t *testing.T) {
		stdout, _ := do(t, "", 1, "doctor") // no desktop here: the session bus and the display need fixing
		has(t, "stdout", stdout, "✓ profile robot", "reachable (", "); signed in, kept in a sealed file")
	})

	t.Run("logout", func(t *testing.T) {
		before := p.Stats(t).Revoked
		_, stderr := do(t, "", 0, "logout")
		has(t, "stderr", stderr, "Signed out of robot: the provider revoked the tokens and the keychain no longer holds them.\n",
			"Its client secret is gone too: `tokentray secret set robot` signs it in again.\n")
		if n := p.Stats(t).Revoked - before; n != 1 {
			t.Errorf("%d revocations, want 1", n)
		}
		stdout, _ := do(t, "", 0, "status")
		has(t, "stdout", stdout, "robot (default)  signed out")
		_, stderr = do(t, "", 0, "logout", "robot")
		has(t, "stderr", stderr, "robot was not signed in; nothing to do.\n")
	})
	t.Run("login", func(t *testing.T) {
		// A machine's secret is its sign-in: logout took it.
		_, stderr := do(t, "", 2, "login")
		has(t, "stderr", stderr, "The client secret for robot is missing")
		do(t, secret+"\n", 0, "secret", "set", "robot")
		_, stderr = do(t, "", 0, "login", "robot")
		has(t, "stderr", stderr, "Signed in to robot as machine. Access token: valid ", "; a new one is made from the credentials when less than a minute remains.\n")
		stdout, _ := do(t, "", 0, "token")
		tok = strings.TrimSuffix(stdout, "\n")
	})

	t.Run("an outage", func(t *testing.T) {
		p.Stop()
		// Still valid: handed out without the provider.
		if stdout, _ := do(t, "", 0, "token"); stdout != tok+"\n" {
			t.Errorf("during an outage: %q, want the valid token", testkit.Redact(stdout))
		}
		// Not valid for as long as asked, and no provider to renew it:
		// the valid token anyway, said so.
		stdout, stderr := do(t, "", 0, "token", "--min-valid", "1h")
		if stdout != tok+"\n" || !strings.Contains(stderr, "tokentray: warning:") {
			t.Errorf("--min-valid 1h during an outage: %q\n%s", testkit.Redact(stdout), stderr)
		}
		// Signed out here, but not at the provider: said, exit 1.
		_, stderr = do(t, "", 1, "logout")
		has(t, "stderr", stderr, "tokentray: Signed out of robot on this computer, but the provider did not revoke its tokens.")
		// The provider gone and no token: exit 4.
		do(t, secret+"\n", 0, "secret", "set", "robot")
		_, stderr = do(t, "", 4, "token")
		has(t, "stderr", stderr, "tokentray: The provider could not be reached, and there is no valid access token. Check the network connection; tokentray keeps trying.\n")
	})
}
