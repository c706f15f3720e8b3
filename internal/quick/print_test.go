package quick

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// The printers are shared by the small front and the full program, so
// each answer is checked byte for byte: a newline more or less is a bug
// in every tool that reads it.
func TestPrinters(t *testing.T) {
	expiry := time.Date(2026, 12, 6, 17, 0, 0, 0, time.FixedZone("CET", 3600))
	tok := control.Token{AccessToken: "AT.fixed.0001", TokenType: "Bearer", Expiry: expiry, GitUsername: "oauth2"}
	noExpiry := tok
	noExpiry.Expiry = time.Time{}

	for _, c := range []struct {
		name  string
		print func(stdout, stderr *bytes.Buffer) error
		want  string
	}{
		{"token", func(o, e *bytes.Buffer) error { return PrintToken(o, e, tok, 0, false, false) },
			"AT.fixed.0001\n"},
		{"token --header", func(o, e *bytes.Buffer) error { return PrintToken(o, e, tok, 0, true, false) },
			"Authorization: Bearer AT.fixed.0001\n"},
		{"token --json", func(o, e *bytes.Buffer) error { return PrintToken(o, e, tok, 0, false, true) },
			`{"access_token":"AT.fixed.0001","token_type":"Bearer","expiry":"2026-12-06T17:00:00+01:00"}` + "\n"},
		{"token --json without expiry", func(o, e *bytes.Buffer) error { return PrintToken(o, e, noExpiry, 0, false, true) },
			`{"access_token":"AT.fixed.0001","token_type":"Bearer"}` + "\n"},
		{"git-credential get", func(o, e *bytes.Buffer) error { return PrintGit(o, e, tok) },
			"username=oauth2\npassword=AT.fixed.0001\npassword_expiry_utc=1796572800\n"},
		{"git-credential get without expiry", func(o, e *bytes.Buffer) error { return PrintGit(o, e, noExpiry) },
			"username=oauth2\npassword=AT.fixed.0001\n"},
		{"kubectl-credential", func(o, e *bytes.Buffer) error { return PrintExecCredential(o, e, "", tok) },
			`{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"AT.fixed.0001","expirationTimestamp":"2026-12-06T16:00:00Z"}}` + "\n"},
		{"kubectl-credential v1beta1", func(o, e *bytes.Buffer) error {
			return PrintExecCredential(o, e, `{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential"}`, tok)
		}, `{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"AT.fixed.0001","expirationTimestamp":"2026-12-06T16:00:00Z"}}` + "\n"},
		{"kubectl-credential of another group", func(o, e *bytes.Buffer) error {
			return PrintExecCredential(o, e, `{"apiVersion":"example.com/v9"}`, noExpiry)
		}, `{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"AT.fixed.0001"}}` + "\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := c.print(&stdout, &stderr); err != nil {
				t.Fatal(err)
			}
			if got := stdout.String(); got != c.want {
				t.Errorf("stdout:\n%q\nwant\n%q", got, c.want)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr without a warning: %q", stderr.String())
			}
		})
	}
}

// A warning goes to stderr only, in one headline and the provider's words
// made printable; stdout stays the token alone.
func TestPrintWarning(t *testing.T) {
	tok := control.Token{AccessToken: "AT.fixed.0002", TokenType: "Bearer",
		Expiry: time.Now().Add(42 * time.Minute), Warning: "dial tcp: no route\x1b[31m"}
	var stdout, stderr bytes.Buffer
	if err := PrintToken(&stdout, &stderr, tok, defaults.MinValid, false, false); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); got != "AT.fixed.0002\n" {
		t.Errorf("stdout %q", got)
	}
	want := "tokentray: warning: The access token could not be renewed; this one is still good for more than 40 min.\n  dial tcp: no route [31m\n"
	if got := stderr.String(); got != want {
		t.Errorf("stderr:\n%q\nwant\n%q", got, want)
	}
}

// A --min-valid longer than the provider's tokens last renews the token at
// every call: said once, on stderr, with a --min-valid that works; stdout
// stays the token alone. A token that lasts, one that could not be renewed
// (Warn says that) and one without an expiry say nothing more.
func TestPrintShortLived(t *testing.T) {
	hour := control.Token{AccessToken: "AT.fixed.0003", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	five := hour
	five.Expiry = time.Now().Add(5 * time.Minute)
	stale := hour
	stale.Warning = "dial tcp: no route"
	noExpiry := hour
	noExpiry.Expiry = time.Time{}
	for _, c := range []struct {
		name     string
		tok      control.Token
		minValid time.Duration
		want     string
	}{
		{"a 1-hour token, --min-valid 2h", hour, 2 * time.Hour,
			"tokentray: warning: Every call renews the token: this provider's tokens last only 1 h, and --min-valid asks for 2 h. Ask for less, such as --min-valid 30m.\n"},
		{"a 5-minute token, --min-valid 10m", five, 10 * time.Minute,
			"tokentray: warning: Every call renews the token: this provider's tokens last only 5 min, and --min-valid asks for 10 min. Ask for less, such as --min-valid 2m.\n"},
		{"a 1-hour token, --min-valid 10m", hour, 10 * time.Minute, ""},
		{"a 1-hour token, the default", hour, defaults.MinValid, ""},
		{"a token that could not be renewed", stale, 2 * time.Hour, "tokentray: warning: The access token could not be renewed"},
		{"no expiry", noExpiry, 2 * time.Hour, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := PrintToken(&stdout, &stderr, c.tok, c.minValid, false, false); err != nil {
				t.Fatal(err)
			}
			if got := stdout.String(); got != c.tok.AccessToken+"\n" {
				t.Errorf("stdout %q", got)
			}
			got := stderr.String()
			if c.tok.Warning != "" {
				if !strings.HasPrefix(got, c.want) || strings.Contains(got, "Every call") {
					t.Errorf("stderr:\n%q\nwant only the renewal's warning", got)
				}
				return
			}
			if got != c.want {
				t.Errorf("stderr:\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

// The warnings are said in the language of the tray that answered (the
// front reads no profile file to learn it), whatever this process's
// environment says.
func TestWarningsInTheTraysLanguage(t *testing.T) {
	t.Cleanup(func() { words.Use("en") })
	words.Use("en")
	tok := control.Token{AccessToken: "AT.fixed.0004", TokenType: "Bearer", Lang: "de",
		Expiry: time.Now().Add(time.Hour + time.Second)}
	stale := tok
	stale.Warning = "dial tcp: no route"
	for _, c := range []struct {
		name     string
		tok      control.Token
		minValid time.Duration
		want     string
	}{
		{"renewed at every call", tok, 2 * time.Hour,
			"tokentray: Warnung: Jeder Aufruf erneuert das Token: Die Tokens dieses Anbieters gelten nur 1 h, und --min-valid verlangt 2 h. Verlangen Sie weniger, etwa --min-valid 30m.\n"},
		{"not renewed", stale, defaults.MinValid,
			"tokentray: Warnung: Das Zugriffstoken konnte nicht erneuert werden; dieses gilt noch mehr als 1 h.\n  dial tcp: no route\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := PrintToken(&stdout, &stderr, c.tok, c.minValid, false, false); err != nil {
				t.Fatal(err)
			}
			if got := stderr.String(); got != c.want {
				t.Errorf("stderr:\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}
