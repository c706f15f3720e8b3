package profile

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/tokentray/tokentray/auth/plain"
)

// Check checks a profile made in code as the file's are checked: nil, or
// the offending key and why.
func (p *Profile) Check() error {
	if key, msg := p.check(); msg != "" {
		return p.KeyError(key, msg)
	}
	return nil
}

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
	for _, f := range []struct{ key, path string }{{"ca_file", p.CAFile}, {"private_key_file", p.PrivateKeyFile}} {
		if isShare(f.path) {
			return f.key, fmt.Sprintf("%q is on a network share; keep the file on this computer (on Windows, merely opening a share sends your password hash to its host)", f.path)
		}
	}
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
		if msg := CheckURL(u.val); msg != "" {
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
		if _, err := ParseRedirect(p.RedirectURL); err != nil {
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

// checkDisplayName keeps a provider's shown name short and plain.
func checkDisplayName(s string) string {
	if len([]rune(s)) > 40 {
		return "keep it under 40 characters"
	}
	if !plain.Clean(s) {
		return "must be plain text (no control characters, and none that turn or hide the text around them)"
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
	if msg := CheckURL(p.TokenURL); msg != "" {
		return "token_url", msg
	}
	// The assertion is good wherever its audience is: it must name where
	// it is sent, or a profile could collect assertions — signed with a key
	// file of someone else's profile — to redeem elsewhere. No exception.
	if p.Audience != "" && Origin(p.Audience) != Origin(p.TokenURL) {
		return "audience", fmt.Sprintf("%q is not where the assertion is sent (%s); the audience must be the token endpoint's own", p.Audience, Origin(p.TokenURL))
	}
	switch p.JWTAlg {
	case "", "HS256":
		if p.PrivateKeyFile != "" {
			return "private_key_file", "is for jwt_alg RS256 or ES256; HS256 uses the secret from `tokentray secret set`"
		}
	case "RS256", "ES256":
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

// CheckURL allows https anywhere and plain http only on loopback,
// where nothing crosses a network.
func CheckURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Sprintf("%q is not an absolute http(s) URL", raw)
	}
	if msg := checkHost(u.Host); msg != "" {
		return fmt.Sprintf("%q %s", raw, msg)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return fmt.Sprintf("%q uses plain http; tokens may only travel over https (http is allowed on loopback only)", raw)
	}
	return ""
}

// isShare tells whether a path may name a network share or a device in
// Windows' spellings, wherever the profile file is read: two separators
// first (\\host\share, //host/share, \\?\UNC\…, \\.\…), or the NT object
// namespace (\??\UNC\host\…, found by review; …\GLOBALROOT\Device\Mup).
func isShare(path string) bool {
	sep := func(i int) bool { return len(path) > i && (path[i] == '/' || path[i] == '\\') }
	return sep(0) && sep(1) || sep(0) && strings.HasPrefix(path[1:], "??") && sep(3) ||
		strings.Contains(strings.ToUpper(path), "GLOBALROOT")
}

// checkHost says what is wrong with a URL's host, or "": lookalike letters
// (a dotted İ, a Cyrillic а) would show one host and reach another once
// converted for DNS.
func checkHost(host string) string {
	for _, r := range host {
		if r > 0x7e || r < 0x21 {
			return "has a host name that is not plain ASCII; write it in its ASCII (xn--…) form"
		}
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
