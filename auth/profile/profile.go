package profile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tokentray/tokentray/words"

	"github.com/pelletier/go-toml/v2"

	"github.com/tokentray/tokentray/auth/plain"
	"github.com/tokentray/tokentray/auth/safefile"
)

// Profile is one provider account as written in the profile file.
type Profile struct {
	Name string `toml:"-"`
	// DisplayName is how people know the provider ("LightFi"); default: its
	// host.
	DisplayName string `toml:"display_name"`

	// Issuer enables OpenID Connect discovery. Explicit URLs below override
	// what discovery finds.
	Issuer        string `toml:"issuer"`
	AuthURL       string `toml:"auth_url"`
	TokenURL      string `toml:"token_url"`
	RevocationURL string `toml:"revocation_url"`
	UserinfoURL   string `toml:"userinfo_url"`
	// DeviceAuthURL is RFC 8628's device authorization endpoint, for
	// sign-in with a code on another device; default: from discovery.
	DeviceAuthURL string `toml:"device_authorization_url"`

	ClientID string `toml:"client_id"`
	// ClientSecret in the file is a convenience; one set with
	// `tokentray secret set` lives in the keychain and wins.
	ClientSecret string `toml:"client_secret"`
	// ClientAuth is "none", "basic", "post" or "private_key_jwt" (RFC
	// 7523 §2.2: an assertion signed with private_key_file); empty means
	// decide from discovery and whether there is a secret.
	ClientAuth string `toml:"client_auth"`
	// RevocationClientAuth is where the credentials go at the revocation
	// endpoint when it wants otherwise than the token endpoint (Cognito:
	// "basic" though its token endpoint is used with "post"); empty means
	// as at the token endpoint.
	RevocationClientAuth string            `toml:"revocation_client_auth"`
	Scopes               []string          `toml:"scopes"`
	AuthParams           map[string]string `toml:"auth_params"`
	// RedirectURL defaults to DefaultRedirectURL (any free port).
	RedirectURL string `toml:"redirect_url"`
	// CAFile is an extra trusted CA bundle (PEM) for this provider; relative
	// paths are relative to the profile file.
	CAFile string `toml:"ca_file"`
	// RefreshMargin is how long before expiry the background refresh runs;
	// zero means max(60 s, 15 % of the token's lifetime), or 60 s for a
	// JWT-bearer profile.
	RefreshMargin Duration `toml:"refresh_margin"`
	// ScopeOnRefresh sends scope again with every refresh (Frame.io wants it).
	ScopeOnRefresh bool `toml:"scope_on_refresh"`
	// RefreshTokenLifetime is shown when the provider does not say how long
	// its refresh tokens last (Cognito: 30 days unless configured).
	RefreshTokenLifetime Duration `toml:"refresh_token_lifetime"`

	// Grant is "authorization_code" (the default: browser sign-in, or a
	// device code where no browser can reach back), "device_code" (RFC
	// 8628 only), "client_credentials" (a machine client, no person) or
	// "jwt-bearer" (RFC 7523 service accounts, no browser).
	Grant string `toml:"grant"`
	// TokenHeaders are sent with every token request. Only Origin, which
	// Entra demands of single-page-app registrations ("AADSTS9002327").
	TokenHeaders map[string]string `toml:"token_headers"`
	// Resource are RFC 8707 resource indicators sent with token requests
	// of a client_credentials profile (and its audience, as Auth0 wants).
	Resource []string `toml:"resource"`
	// Browser is the command that opens the sign-in page: a browser and
	// its options, with {url} for the address ("firefox -P work {url}");
	// default: the system's browser.
	Browser string `toml:"browser"`
	// KeyID goes in the assertion's kid header; Email is its issuer (iss).
	KeyID string `toml:"key_id"`
	Email string `toml:"email"`
	// JWTAlg is HS256 (a shared secret from the keychain, the default), or
	// RS256/ES256 with a private key; for client_auth
	// private_key_jwt, RS256 (the default) or ES256.
	JWTAlg string `toml:"jwt_alg"`
	// PrivateKeyFile is where IT keeps the key of a profile it manages.
	// Any other profile's key is handed to tokentray by the person
	// (`tokentray secret set NAME --key FILE`) and kept in the keychain:
	// a key is a secret, and a path in a profile file must not make
	// tokentray sign with whatever key lies there (~/.ssh/id_rsa).
	PrivateKeyFile string `toml:"private_key_file"`
	// Audience is the assertion's aud of a jwt-bearer profile (default
	// token_url), or the audience parameter of a client_credentials one.
	Audience string `toml:"audience"`

	// Tools that take the token from tokentray.
	// Env names the environment variable `tokentray exec` sets (default
	// TOKENTRAY_ACCESS_TOKEN).
	Env string `toml:"env"`
	// GitURLs are the URL prefixes (https://git.example.com/org/) for which
	// `tokentray git-credential` answers with this profile's token.
	GitURLs []string `toml:"git_urls"`
	// GitUsername is the user name given to git with the token (default
	// "oauth2"; GitHub apps use "x-access-token", Bitbucket "x-token-auth").
	GitUsername string `toml:"git_username"`

	// SendTokensToOtherOrigins lists origins (https://host[:port]) that may
	// receive codes, tokens or secrets although the sign-in page is on
	// another one. Loudly named on purpose: a profile file from a phishing
	// email would need it to send the user's tokens to its own server.
	SendTokensToOtherOrigins []string `toml:"send_tokens_to_other_origins"`

	// Managed is set for a profile from the managed profile file that
	// machine policy names: IT's, which the person cannot change or remove.
	Managed bool `toml:"-"`

	// file, line and lines say where the profile was written, for errors
	// found after parsing: the file, where [profile.NAME] starts, and where
	// each key is.
	file  string
	line  int
	lines map[string]int
	// relative are the keys whose paths were resolved next to the file.
	relative []string
}

// KeyError is a problem with one of the profile's keys, found when it is
// used (a discovered endpoint, say), named by file, line and key.
func (p *Profile) KeyError(key, msg string) *ConfigError {
	line := p.lines["profile."+p.Name+"."+key]
	if line == 0 {
		line = p.line
	}
	return &ConfigError{File: p.file, Line: line, Profile: p.Name, Key: key, Msg: msg}
}

// Duration is a TOML string such as "5m" or "90s".
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration, or a whole number of seconds (as
// clipboard_clear takes them: a bare 300 reaches here as "300").
func (d *Duration) UnmarshalText(b []byte) error {
	if secs, ok := wholeSeconds(string(b)); ok {
		d.Duration = secs
		return nil
	}
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration such as \"90s\" or \"5m\"", b)
	}
	if v < 0 {
		return fmt.Errorf("%q is negative", b)
	}
	d.Duration = v
	return nil
}

// wholeSeconds reads a duration written as a whole number of seconds.
func wholeSeconds(s string) (time.Duration, bool) {
	secs, err := strconv.ParseUint(s, 10, 31)
	return time.Duration(secs) * time.Second, err == nil
}

// DefaultRedirectURL is the loopback callback used when a profile sets none:
// any free port, as RFC 8252 §7.3 allows.
const DefaultRedirectURL = "http://127.0.0.1:0/callback"

// Config is a parsed profile file.
type Config struct {
	Path    string
	Default string
	// ClipboardClear is how long a token copied by the tray stays on the
	// clipboard (clipboard_clear, in seconds; default 60, 0 = never).
	ClipboardClear time.Duration
	// Language is the language the person chose for tokentray
	// (language; "" = the system's). IT's policy overrides it.
	Language string
	// Forwarded is how the tray answers a request that comes through its
	// forwarding socket — from a server over `ssh -R`, from a container:
	// ForwardAsk (the default), ForwardAnswer or ForwardRefuse.
	Forwarded string
	Profiles  map[string]*Profile
	// Names lists the profiles in file order.
	Names []string
	// NoFile: there is no profile file (NoConfig).
	NoFile bool
	// ManagedPath is the managed profile file its profiles marked Managed
	// come from ("" for none).
	ManagedPath string
	// Shadowed are the person's profiles hidden by a managed one of the
	// same name.
	Shadowed []string
}

// ConfigError is a problem in a profile file. Its message names the file, the
// line, the profile and the key, so a user can go straight to it.
type ConfigError struct {
	File    string
	Line    int
	Profile string
	Key     string
	Msg     string
	// Err is the cause, when there is one (fs.ErrNotExist: no file yet).
	Err error
	// Managed: the file is the managed profile file, IT's to fix.
	Managed bool
}

func (e *ConfigError) Unwrap() error { return e.Err }

func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	// What an error repeats of the file is capped and made plain: a
	// 300,000-part dotted key would otherwise come back as 600 KB of
	// message, and a name could carry a terminal's escapes.
	if e.Profile != "" {
		fmt.Fprintf(&b, "profile %q: ", plain.Line(e.Profile, 64))
	}
	if e.Key != "" {
		fmt.Fprintf(&b, "key %q: ", plain.Line(e.Key, 100))
	}
	b.WriteString(plain.Line(e.Msg, 2000))
	return b.String()
}

// Where says where the mistake is in words for staff, who are not asked
// to mend the file but may tell IT: a line and a key, without the file
// format's words. "" when the error names no line.
func (e *ConfigError) Where() string {
	if e.Line <= 0 {
		return ""
	}
	line := strconv.Itoa(e.Line)
	key, prof := plain.Line(e.Key, 100), plain.Line(e.Profile, 64)
	switch {
	case e.Key != "" && e.Profile != "":
		return words.T("line {line}, key {key} of profile {profile}", "line", line, "key", key, "profile", prof)
	case e.Key != "":
		return words.T("line {line}, key {key}", "line", line, "key", key)
	case e.Profile != "":
		return words.T("line {line}, profile {profile}", "line", line, "profile", prof)
	}
	return words.T("line {line}", "line", line)
}

// ErrNoProfile means a command needs a profile and none was named or implied.
var ErrNoProfile = errors.New("no profile")

// DefaultClipboardClear is how long a copied token stays on the clipboard
// unless clipboard_clear says otherwise.
const DefaultClipboardClear = 60 * time.Second

// What forwarded may say: the tray asks the person before it answers
// each connection (the default), answers at once, or refuses.
const (
	ForwardAsk    = "ask"
	ForwardAnswer = "answer"
	ForwardRefuse = "refuse"
)

type fileShape struct {
	Default        string              `toml:"default"`
	ClipboardClear *int                `toml:"clipboard_clear"`
	Language       string              `toml:"language"`
	Forwarded      string              `toml:"forwarded"`
	Profile        map[string]*Profile `toml:"profile"`
}

// validProfileName: 1 to 64 of letters, digits, '.', '_' and '-', starting
// with a letter or digit; never '/', which separates keychain item names.
// A loop, not a regexp: compiling `{0,63}` at start-up cost every command
// half a millisecond.
func validProfileName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i, c := range []byte(name) {
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// LoadConfig reads and checks a profile file.
func LoadConfig(path string) (*Config, error) {
	data, err := safefile.ReadSmall(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &ConfigError{File: path, Msg: "no profile file here yet; import the one your IT team sent (tokentray profiles import FILE) or pass --config", Err: err}
		}
		return nil, &ConfigError{File: path, Msg: fmt.Sprintf("cannot read the profile file: %v", err)}
	}
	return ParseConfig(path, data)
}

// ParseConfig checks a profile file's contents; path is only used in errors
// and to resolve relative ca_file paths.
func ParseConfig(path string, data []byte) (*Config, error) { return parse(path, data, nil) }

// parse is ParseConfig for a person's file beside the profiles IT manages
// (nil: none), whose names its default may use.
func parse(path string, data []byte, managed *Config) (*Config, error) {
	var shape fileShape
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&shape); err != nil {
		// go-toml gives no position for a duration that is neither text
		// nor a number (it hands the value to UnmarshalText): find it.
		if idx, ierr := indexKeys(data); ierr == nil && idx.badDuration != nil {
			b := idx.badDuration
			return nil, keyError(path, b.line, b.key, "takes a duration in quotes, such as \"5m\", or whole seconds, not "+b.got)
		}
		return nil, decodeError(path, err)
	}
	idx, err := indexKeys(data)
	if err != nil {
		return nil, decodeError(path, err)
	}
	cfg := &Config{Path: path, Default: shape.Default, ClipboardClear: DefaultClipboardClear, Forwarded: ForwardAsk, Profiles: map[string]*Profile{}}
	switch shape.Forwarded {
	case "":
	case ForwardAsk, ForwardAnswer, ForwardRefuse:
		cfg.Forwarded = shape.Forwarded
	default:
		return nil, &ConfigError{File: path, Line: idx.lines["forwarded"], Key: "forwarded",
			Msg: fmt.Sprintf("%q is not a choice; give \"ask\" (ask before answering a request from elsewhere), \"answer\" or \"refuse\"", plain.Line(shape.Forwarded, 32))}
	}
	if c := shape.ClipboardClear; c != nil {
		if *c < 0 || *c > 86400 {
			return nil, &ConfigError{File: path, Line: idx.lines["clipboard_clear"], Key: "clipboard_clear", Msg: "give seconds from 0 (never clear) to 86400"}
		}
		cfg.ClipboardClear = time.Duration(*c) * time.Second
	}
	if l := shape.Language; l != "" {
		if !slices.Contains(words.Languages(), words.Base(l)) {
			return nil, &ConfigError{File: path, Line: idx.lines["language"], Key: "language",
				Msg: fmt.Sprintf("%q is not a language tokentray speaks; give one of %s", plain.Line(l, 32), strings.Join(words.Languages(), ", "))}
		}
		cfg.Language = l
	}
	for _, name := range idx.tables {
		p, ok := shape.Profile[name]
		if !ok || p == nil {
			continue
		}
		p.Name, p.file, p.lines = name, path, idx.lines
		p.line = idx.lines["profile."+name]
		cfg.Profiles[name] = p
		cfg.Names = append(cfg.Names, name)
	}
	var rest []string // written as an inline table: no line of their own
	for name, p := range shape.Profile {
		if _, ok := cfg.Profiles[name]; !ok && p != nil {
			p.Name, p.file, p.lines = name, path, idx.lines
			p.line = idx.lines["profile"]
			cfg.Profiles[name] = p
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	cfg.Names = append(cfg.Names, rest...)
	for _, name := range cfg.Names {
		p := cfg.Profiles[name]
		if !validProfileName(name) {
			return nil, &ConfigError{File: path, Line: p.line, Profile: name, Msg: "profile names may use letters, digits, '.', '_' and '-' only"}
		}
		if key, msg := p.check(); msg != "" {
			return nil, p.KeyError(key, msg)
		}
		if p.CAFile != "" && !filepath.IsAbs(p.CAFile) {
			p.CAFile = filepath.Join(filepath.Dir(path), p.CAFile)
			p.relative = append(p.relative, "ca_file")
		}
		if p.PrivateKeyFile != "" && !filepath.IsAbs(p.PrivateKeyFile) {
			p.PrivateKeyFile = filepath.Join(filepath.Dir(path), p.PrivateKeyFile)
			p.relative = append(p.relative, "private_key_file")
		}
	}
	if err := cfg.checkGitClaims(); err != nil {
		return nil, err
	}
	if cfg.Default != "" && !managed.has(cfg.Default) {
		if _, ok := cfg.Profiles[cfg.Default]; !ok {
			return nil, &ConfigError{File: path, Line: idx.lines["default"], Key: "default", Msg: fmt.Sprintf("there is no profile named %q", cfg.Default)}
		}
	}
	return cfg, nil
}

// EmptyConfig is a file without profiles: the defaults.
func EmptyConfig(path string) *Config {
	return &Config{Path: path, ClipboardClear: DefaultClipboardClear, Forwarded: ForwardAsk, Profiles: map[string]*Profile{}}
}

// NoConfig stands for a profile file that does not exist (yet): no
// profiles, the defaults.
func NoConfig(path string) *Config {
	c := EmptyConfig(path)
	c.NoFile = true
	return c
}

// Same tells whether two profiles have the same settings; where in the file they
// stand does not matter.
func (p *Profile) Same(o *Profile) bool {
	x, y := *p, *o
	x.file, y.file, x.line, y.line, x.lines, y.lines = "", "", 0, 0, nil, nil
	x.relative, y.relative = nil, nil
	return reflect.DeepEqual(x, y)
}

// DefaultName is the profile a command without a name uses, and a click on
// the tray icon copies: default = "NAME", else the first in the file.
func (c *Config) DefaultName() string {
	switch {
	case c.Default != "":
		return c.Default
	case len(c.Names) > 0:
		return c.Names[0]
	}
	return ""
}

// Profile picks a profile by name; an empty name means DefaultName.
func (c *Config) Profile(name string) (*Profile, error) {
	if name == "" {
		name = c.DefaultName()
		if name == "" {
			return nil, &ProfileError{File: c.Path, NoFile: c.NoFile}
		}
	}
	p, ok := c.Profiles[name]
	if !ok {
		return nil, &ProfileError{File: c.Path, Name: name, Known: c.Names, NoFile: c.NoFile}
	}
	return p, nil
}

// ProfileError is a command that needs a profile and cannot find it: the
// file has none (Known is empty), or none of that Name. It is ErrNoProfile.
type ProfileError struct {
	File  string
	Name  string
	Known []string
	// NoFile: there is no file at all (a first start, or a mistyped
	// --config).
	NoFile bool
}

func (e *ProfileError) Error() string {
	switch {
	case e.NoFile:
		return fmt.Sprintf("there is no file %s", e.File)
	case e.Name == "" || len(e.Known) == 0:
		return fmt.Sprintf("%s holds no profile", e.File)
	}
	return fmt.Sprintf("%s has no profile %q; it has %s", e.File, e.Name, strings.Join(e.Known, ", "))
}

func (e *ProfileError) Unwrap() error { return ErrNoProfile }
