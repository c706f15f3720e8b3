package auth

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/tokentray/tokentray/internal/control"
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
	// RS256/ES256 with PrivateKeyFile (PEM); for client_auth
	// private_key_jwt, RS256 (the default) or ES256.
	JWTAlg         string `toml:"jwt_alg"`
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

	// file, line and lines say where the profile was written, for errors
	// found after parsing: the file, where [profile.NAME] starts, and where
	// each key is.
	file  string
	line  int
	lines map[string]int
}

// configError is a problem with one of the profile's keys, found when it is
// used (a discovered endpoint, say), named by file, line and key.
func (p *Profile) configError(key, msg string) *ConfigError {
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
	Profiles       map[string]*Profile
	// Names lists the profiles in file order.
	Names []string
	// NoFile: there is no profile file (NoConfig).
	NoFile bool
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
	if e.Profile != "" {
		fmt.Fprintf(&b, "profile %q: ", e.Profile)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, "key %q: ", e.Key)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrNoProfile means a command needs a profile and none was named or implied.
var ErrNoProfile = errors.New("no profile")

// DefaultConfigPath is where the profile file lives unless --config or
// TOKENTRAY_CONFIG says otherwise.
func DefaultConfigPath() (string, error) { return control.DefaultConfig() }

// DefaultClipboardClear is how long a copied token stays on the clipboard
// unless clipboard_clear says otherwise.
const DefaultClipboardClear = 60 * time.Second

type fileShape struct {
	Default        string              `toml:"default"`
	ClipboardClear *int                `toml:"clipboard_clear"`
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
	data, err := readSmallFile(path)
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
func ParseConfig(path string, data []byte) (*Config, error) {
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
	cfg := &Config{Path: path, Default: shape.Default, ClipboardClear: DefaultClipboardClear, Profiles: map[string]*Profile{}}
	if c := shape.ClipboardClear; c != nil {
		if *c < 0 || *c > 86400 {
			return nil, &ConfigError{File: path, Line: idx.lines["clipboard_clear"], Key: "clipboard_clear", Msg: "give seconds from 0 (never clear) to 86400"}
		}
		cfg.ClipboardClear = time.Duration(*c) * time.Second
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
			return nil, p.configError(key, msg)
		}
		if p.CAFile != "" && !filepath.IsAbs(p.CAFile) {
			p.CAFile = filepath.Join(filepath.Dir(path), p.CAFile)
		}
		if p.PrivateKeyFile != "" && !filepath.IsAbs(p.PrivateKeyFile) {
			p.PrivateKeyFile = filepath.Join(filepath.Dir(path), p.PrivateKeyFile)
		}
	}
	if cfg.Default != "" {
		if _, ok := cfg.Profiles[cfg.Default]; !ok {
			return nil, &ConfigError{File: path, Line: idx.lines["default"], Key: "default", Msg: fmt.Sprintf("there is no profile named %q", cfg.Default)}
		}
	}
	return cfg, nil
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

// reservedParams are set by tokentray itself; letting auth_params override
// them would silently disable PKCE, state or the redirect check.
var reservedParams = map[string]bool{
	"state": true, "nonce": true, "code_challenge": true, "code_challenge_method": true,
	"redirect_uri": true, "client_id": true, "response_type": true, "scope": true,
	// These would replace or reroute the whole request.
	"request": true, "request_uri": true, "response_mode": true,
}

// check returns the offending key and a message, or "" when the profile is
// usable.
func (p *Profile) check() (key, msg string) {
	switch p.Grant {
	case "", "authorization_code", "device_code", "client_credentials":
	case "jwt-bearer":
		return p.checkJWTBearer()
	default:
		return "grant", fmt.Sprintf("must be \"authorization_code\", \"device_code\", \"client_credentials\" or \"jwt-bearer\", not %q", p.Grant)
	}
	if p.ClientID == "" {
		return "client_id", "missing: every profile needs the client id the provider gave you"
	}
	if msg := checkDisplayName(p.DisplayName); msg != "" {
		return "display_name", msg
	}
	if key, msg := p.checkTools(); msg != "" {
		return key, msg
	}
	if p.Grant == "client_credentials" || p.Grant == "device_code" {
		if key, msg := p.checkNoBrowser(); msg != "" {
			return key, msg
		}
	} else if p.Issuer == "" && (p.AuthURL == "" || p.TokenURL == "") {
		switch {
		case p.AuthURL == "" && p.TokenURL == "":
			return "issuer", "missing: set issuer (for OpenID discovery) or both auth_url and token_url"
		case p.AuthURL == "":
			return "auth_url", "missing: without issuer, both auth_url and token_url are needed"
		default:
			return "token_url", "missing: without issuer, both auth_url and token_url are needed"
		}
	}
	for _, u := range []struct{ key, val string }{
		{"issuer", p.Issuer}, {"auth_url", p.AuthURL}, {"token_url", p.TokenURL},
		{"revocation_url", p.RevocationURL}, {"userinfo_url", p.UserinfoURL},
		{"device_authorization_url", p.DeviceAuthURL},
	} {
		if u.val == "" {
			continue
		}
		if msg := checkProviderURL(u.val); msg != "" {
			return u.key, msg
		}
	}
	if key, msg := p.checkClientAuth(); msg != "" {
		return key, msg
	}
	if p.Browser != "" {
		if _, err := checkBrowser(p.Browser); err != nil {
			return "browser", err.Error()
		}
	}
	for k, v := range p.TokenHeaders {
		if !strings.EqualFold(k, "Origin") {
			return "token_headers", fmt.Sprintf("%q cannot be set; only Origin can (Entra single-page-app registrations want it)", k)
		}
		if u, err := url.Parse(v); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return "token_headers", fmt.Sprintf("Origin %q is not an origin such as \"http://localhost:3000\"", v)
		}
	}
	switch p.RevocationClientAuth {
	case "", "none", "basic", "post":
	default:
		return "revocation_client_auth", fmt.Sprintf("must be \"none\", \"basic\" or \"post\", not %q", p.RevocationClientAuth)
	}
	if p.ClientAuth == "none" && p.ClientSecret != "" {
		return "client_auth", "is \"none\" but client_secret is set; use \"basic\" or \"post\", or remove the secret"
	}
	for _, s := range p.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n\"\\") {
			return "scopes", fmt.Sprintf("%q is not a valid scope (no spaces or quotes)", s)
		}
	}
	for k := range p.AuthParams {
		if reservedParams[strings.ToLower(k)] {
			return "auth_params", fmt.Sprintf("%q is set by tokentray itself and cannot be overridden", k)
		}
	}
	if u, err := url.Parse(p.AuthURL); err == nil {
		switch {
		case u.Fragment != "" || strings.HasSuffix(p.AuthURL, "#"):
			return "auth_url", "must not have a #fragment"
		case strings.Contains(u.RawQuery, ";"):
			return "auth_url", "its query must not contain ';'"
		}
		for k := range u.Query() {
			if reservedParams[strings.ToLower(k)] {
				return "auth_url", fmt.Sprintf("its query sets %q, which tokentray sets itself; remove it from the URL", k)
			}
		}
	}
	if key, msg := p.checkOrigins(); msg != "" {
		return key, msg
	}
	if p.RedirectURL != "" {
		if _, err := parseRedirect(p.RedirectURL); err != nil {
			return "redirect_url", err.Error()
		}
	}
	if strings.Contains(p.Issuer, "openid-configuration") {
		return "issuer", "give the issuer itself, without /.well-known/openid-configuration"
	}
	if u, err := url.Parse(p.Issuer); err == nil && (u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(p.Issuer, "?#")) {
		return "issuer", "an issuer has no query or fragment (OpenID Connect Discovery)"
	}
	if p.Issuer == "" && p.HasScope("openid") {
		return "scopes", "\"openid\" needs issuer, to verify the ID token (explicit URLs may still override what discovery finds)"
	}
	return "", ""
}

// checkTools checks the keys of the tools that take the token.
func (p *Profile) checkTools() (key, msg string) {
	if p.Env != "" && !ValidEnvName(p.Env) {
		return "env", fmt.Sprintf("%q is not an environment variable name (letters, digits, '_'; not starting with a digit)", p.Env)
	}
	for _, u := range p.GitURLs {
		pu, err := url.Parse(u)
		if err != nil || pu.Host == "" || pu.User != nil || pu.RawQuery != "" || (pu.Scheme != "https" && !(pu.Scheme == "http" && isLoopbackHost(pu.Hostname()))) {
			return "git_urls", fmt.Sprintf("%q is not an https URL prefix such as \"https://git.example.com/org/\"", u)
		}
	}
	if strings.ContainsAny(p.GitUsername, "\n\r\x00") {
		return "git_username", "must be one line"
	}
	return "", ""
}

// ValidEnvName tells whether s can name an environment variable in every
// shell: letters, digits and '_', not starting with a digit.
func ValidEnvName(s string) bool {
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

// checkDisplayName keeps a provider's shown name short and plain.
func checkDisplayName(s string) string {
	if len([]rune(s)) > 40 {
		return "keep it under 40 characters"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "must be plain text"
		}
	}
	return ""
}

func (p *Profile) checkJWTBearer() (key, msg string) {
	switch {
	case p.TokenURL == "":
		return "token_url", "missing: a jwt-bearer profile posts its assertion to token_url"
	case p.KeyID == "":
		return "key_id", "missing: the service account's key id"
	case p.Email == "":
		return "email", "missing: the service account's email, the assertion's issuer"
	case checkDisplayName(p.DisplayName) != "":
		return "display_name", checkDisplayName(p.DisplayName)
	}
	if key, msg := p.checkTools(); msg != "" {
		return key, msg
	}
	if msg := checkProviderURL(p.TokenURL); msg != "" {
		return "token_url", msg
	}
	// The assertion is good wherever its audience is: it must name where
	// it is sent, or a profile could collect assertions — signed with a key
	// file of someone else's profile — to redeem elsewhere. No exception.
	if p.Audience != "" && origin(p.Audience) != origin(p.TokenURL) {
		return "audience", fmt.Sprintf("%q is not where the assertion is sent (%s); the audience must be the token endpoint's own", p.Audience, origin(p.TokenURL))
	}
	switch p.JWTAlg {
	case "", "HS256":
		if p.PrivateKeyFile != "" {
			return "private_key_file", "is for jwt_alg RS256 or ES256; HS256 uses the secret from `tokentray secret set`"
		}
	case "RS256", "ES256":
		if p.PrivateKeyFile == "" {
			return "private_key_file", "missing: jwt_alg " + p.JWTAlg + " signs with a private key file (PEM)"
		}
	default:
		return "jwt_alg", fmt.Sprintf("must be \"HS256\", \"RS256\" or \"ES256\", not %q", p.JWTAlg)
	}
	for _, k := range []struct{ key, val string }{{"auth_url", p.AuthURL}, {"issuer", p.Issuer}, {"redirect_url", p.RedirectURL}} {
		if k.val != "" {
			return k.key, "has no use in a jwt-bearer profile (there is no browser sign-in)"
		}
	}
	return "", ""
}

// HasScope reports whether the profile requests scope s.
func (p *Profile) HasScope(s string) bool {
	for _, x := range p.Scopes {
		if x == s {
			return true
		}
	}
	return false
}

// checkProviderURL allows https anywhere and plain http only on loopback,
// where nothing crosses a network.
func checkProviderURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Sprintf("%q is not an absolute http(s) URL", raw)
	}
	for _, r := range u.Host {
		if r > 0x7e {
			// Lookalike letters (a dotted İ, a Cyrillic а) would show one
			// host and reach another once converted for DNS.
			return fmt.Sprintf("%q has a host name that is not plain ASCII; write it in its ASCII (xn--…) form", raw)
		}
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return fmt.Sprintf("%q uses plain http; tokens may only travel over https (http is allowed on loopback only)", raw)
	}
	return ""
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func decodeError(path string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		e := &strict.Errors[0]
		line, _ := e.Position()
		ce := keyError(path, line, e.Key(), "unknown key")
		if len(ce.Key) == 0 && ce.Profile == "" {
			ce.Msg = fmt.Sprintf("unknown key %q", strings.Join(e.Key(), "."))
		}
		return ce
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if m, ok := plainTypeError(msg); ok {
			if m == "" { // keys right under [profile]: not a profile name
				return &ConfigError{File: path, Line: line, Msg: "a profile's keys go under [profile.NAME], such as [profile.work], not under [profile]"}
			}
			return keyError(path, line, de.Key(), m)
		}
		if k, ok := strings.CutPrefix(msg, "key "); ok && strings.HasSuffix(k, " is already defined") {
			return keyError(path, line, de.Key(), "set a second time, or as both a value and a table; keep one")
		}
		if len(de.Key()) == 0 {
			msg = "not valid TOML: " + msg
		}
		return keyError(path, line, de.Key(), msg)
	}
	var pe *unstable.ParserError
	if errors.As(err, &pe) {
		return &ConfigError{File: path, Msg: "not valid TOML: " + pe.Message}
	}
	return &ConfigError{File: path, Msg: err.Error()}
}

// plainTypeError says go-toml's "cannot decode TOML integer into struct
// field auth.Profile.ClientID of type string" without Go's names: what the
// key takes, and what it got. "" with ok: keys right under [profile].
func plainTypeError(msg string) (plain string, ok bool) {
	rest, ok := strings.CutPrefix(msg, "cannot decode TOML ")
	if !ok {
		return "", false
	}
	got, into, _ := strings.Cut(rest, " into ")
	goType := into
	if _, t, found := strings.Cut(into, " of type "); found {
		goType = t
	}
	if goType == "auth.Profile" {
		return "", true
	}
	takes, known := map[string]string{
		"string":                   "text in quotes, such as \"…\"",
		"[]string":                 "a list of texts, such as [\"openid\", \"email\"]",
		"int":                      "a whole number",
		"bool":                     "true or false",
		"map[string]string":        "a table of texts, such as { name = \"value\" }",
		"auth.Duration":            "a duration in quotes, such as \"5m\", or whole seconds",
		"map[string]*auth.Profile": "a table of profiles, such as [profile.work]",
	}[goType]
	if !known {
		takes = "another kind of value"
	}
	return "takes " + takes + ", not " + tomlWords(got), true
}

// tomlWords names a kind of TOML value as go-toml does ("integer",
// "inline table"…) in plain words.
func tomlWords(kind string) string {
	if w := map[string]string{"integer": "a number", "float": "a decimal number", "string": "text", "boolean": "true or false",
		"array": "a list", "inline table": "a table", "table": "a table"}[kind]; w != "" {
		return w
	}
	return "a date or other value"
}

// keyError names the profile and key of a dotted TOML key.
func keyError(path string, line int, key toml.Key, msg string) *ConfigError {
	ce := &ConfigError{File: path, Line: line, Msg: msg}
	if len(key) >= 2 && key[0] == "profile" {
		ce.Profile = key[1]
		ce.Key = strings.Join(key[2:], ".")
	} else {
		ce.Key = strings.Join(key, ".")
	}
	return ce
}

type keyIndex struct {
	lines  map[string]int // dotted key → first line it appears on
	tables []string       // profile names in order of their [profile.NAME] tables
	// badDuration is the first duration key whose value is neither text
	// nor a whole number, and what it is instead.
	badDuration *keyValueKind
}

// keyValueKind is a key, its line, and the value it holds, in words.
type keyValueKind struct {
	key  toml.Key
	line int
	got  string
}

// badDurationValue says what a duration key holds when Duration cannot
// take it ("" when it can, or when Duration says better itself): neither
// text nor whole seconds.
func badDurationValue(v *unstable.Node) string {
	switch v.Kind {
	case unstable.String:
		return ""
	case unstable.Integer:
		if _, ok := wholeSeconds(string(v.Data)); !ok {
			return string(v.Data)
		}
		return ""
	}
	name := map[unstable.Kind]string{unstable.Bool: "boolean", unstable.Float: "float", unstable.Array: "array",
		unstable.InlineTable: "inline table"}[v.Kind]
	return tomlWords(name)
}

// durationKeys are the keys whose values are Durations.
var durationKeys = map[string]bool{"refresh_margin": true, "refresh_token_lifetime": true}

// indexKeys records the line of every key, so errors found after decoding
// (a bad value rather than bad syntax) can still point at a line.
func indexKeys(data []byte) (keyIndex, error) {
	idx := keyIndex{lines: map[string]int{}}
	seen := map[string]bool{}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		n := p.Expression()
		var parts []string
		line := 0
		for it := n.Key(); it.Next(); {
			k := it.Node()
			parts = append(parts, string(k.Data))
			if line == 0 {
				line = p.Shape(k.Raw).Start.Line
			}
		}
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = parts
		case unstable.KeyValue:
			parts = append(append([]string{}, table...), parts...)
		default:
			continue
		}
		full := strings.Join(parts, ".")
		if _, ok := idx.lines[full]; !ok {
			idx.lines[full] = line
		}
		if n.Kind == unstable.KeyValue && len(parts) == 3 && parts[0] == "profile" && durationKeys[parts[2]] && idx.badDuration == nil {
			if got := badDurationValue(n.Value()); got != "" {
				idx.badDuration = &keyValueKind{key: parts, line: line, got: got}
			}
		}
		if len(parts) >= 2 && parts[0] == "profile" && !seen[parts[1]] {
			seen[parts[1]] = true
			idx.tables = append(idx.tables, parts[1])
			if _, ok := idx.lines["profile."+parts[1]]; !ok {
				idx.lines["profile."+parts[1]] = line
			}
		}
	}
	return idx, p.Error()
}
