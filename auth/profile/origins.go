package profile

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tokentray/tokentray/words"

	"github.com/tokentray/tokentray/auth/plain"
)

// Where a profile may send codes, tokens and secrets. The user judges a
// sign-in by the page it shows; a profile that pairs the genuine sign-in
// page with someone else's token endpoint would have the user sign in for
// real and hand the code (and the PKCE verifier) to that someone. So the
// endpoints that receive them share the sign-in page's origin, or come
// from the same discovery document as the sign-in page, or are listed in
// the loudly named send_tokens_to_other_origins.

// Origin is scheme://host[:port] of raw, lowercased; "" if it has none.
func Origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// Trusts tells whether the profile allows sending to raw's origin
// (send_tokens_to_other_origins).
func (p *Profile) Trusts(raw string) bool { return p.trusts(raw) }

// trusts tells whether the profile allows sending to raw's origin.
func (p *Profile) trusts(raw string) bool {
	o := Origin(raw)
	return slices.ContainsFunc(p.SendTokensToOtherOrigins, func(t string) bool { return Origin(t) == o })
}

// endpointKeys name the profile keys of the endpoints that receive codes,
// tokens or secrets.
var endpointKeys = []string{"token_url", "revocation_url", "userinfo_url", "device_authorization_url"}

// explicit is the profile's own value for an endpoint key.
func (p *Profile) explicit(key string) string {
	switch key {
	case "auth_url":
		return p.AuthURL
	case "token_url":
		return p.TokenURL
	case "revocation_url":
		return p.RevocationURL
	case "userinfo_url":
		return p.UserinfoURL
	case "device_authorization_url":
		return p.DeviceAuthURL
	}
	return ""
}

// checkOrigins checks the profile's own URLs, before anything is
// discovered: against auth_url, else against the issuer.
func (p *Profile) checkOrigins() (key, msg string) {
	page := p.signInPage()

	for _, k := range endpointKeys {
		if v := p.explicit(k); v != "" && Origin(v) != Origin(page) && !p.trusts(v) {
			return k, crossOrigin(page, v)
		}
	}
	// An explicit sign-in page with an issuer elsewhere: the issuer's
	// discovery would choose where the code goes.
	if p.AuthURL != "" && p.Issuer != "" && p.TokenURL == "" && Origin(p.Issuer) != Origin(p.AuthURL) && !p.trusts(p.Issuer) {
		return "issuer", crossOrigin(p.AuthURL, p.Issuer)
	}
	for _, t := range p.SendTokensToOtherOrigins {
		if u, err := url.Parse(t); err != nil || u.Path != "" || CheckURL(t) != "" {
			return "send_tokens_to_other_origins", fmt.Sprintf("%q is not an origin such as \"https://tokens.example.com\"", t)
		}
	}
	return "", ""
}

// Endpoints are a profile's provider URLs in effect, after discovery and
// the profile's own.
type Endpoints struct {
	Auth, Token, Revocation, Userinfo string
	Device                            string // RFC 8628 device_authorization_endpoint
}

// CheckEndpoints checks the endpoints in effect after discovery: each
// discovered one against the same URL rules as a profile's, and each that
// receives codes, tokens or secrets against the sign-in page.
//
// A discovered userinfo endpoint on another site that the document may not
// vouch for (Entra's is on graph.microsoft.com) is dropped, not refused: it
// only names the account, which the ID token does too.
func (p *Profile) CheckEndpoints(ep *Endpoints) error {
	authFound := p.AuthURL == ""
	// Profiles without a sign-in page of their own (device code, machine
	// clients) are judged by the issuer, else their token endpoint.
	page := ep.Auth
	if page == "" || !p.BrowserSignIn() {
		page = p.signInPage()
	}
	for _, e := range []struct{ key, val string }{
		{"auth_url", ep.Auth}, {"token_url", ep.Token}, {"revocation_url", ep.Revocation}, {"userinfo_url", ep.Userinfo},
		{"device_authorization_url", ep.Device},
	} {
		if e.val == "" {
			continue
		}
		found := p.explicit(e.key) == ""
		if msg := CheckURL(e.val); msg != "" && found {
			return p.KeyError("issuer", fmt.Sprintf("the provider at %s names %s as its %s: %s", Origin(p.Issuer), e.val, e.key, msg))
		}
		if e.key == "auth_url" {
			// A discovered sign-in page is the issuer's own, or the document
			// could pair someone else's genuine page with its own endpoints.
			if found && Origin(e.val) != Origin(p.Issuer) && !p.trusts(e.val) {
				return p.KeyError("issuer", fmt.Sprintf("the provider at %s sends sign-ins to %s, another site; "+
					"if that is really your provider's sign-in page, add send_tokens_to_other_origins = [%q] (only if your IT team says so)",
					Origin(p.Issuer), Origin(e.val), Origin(e.val)))
			}
			continue
		}
		// One discovery document vouches for its sign-in page and its other
		// endpoints only when it is the origin's own (an issuer without a
		// path): under a path, anyone who can publish a file on the site
		// (a self-hosted GitLab's raw files) could write it.
		vouched := found && authFound && issuerIsOrigin(p.Issuer)
		if Origin(e.val) == Origin(page) || vouched || p.trusts(e.val) {
			continue
		}
		if e.key == "userinfo_url" && found {
			ep.Userinfo = ""
			continue
		}
		key := e.key
		if found {
			key = "issuer"
		}
		return p.KeyError(key, crossOrigin(page, e.val))
	}
	return p.checkTokensGoHome(ep)
}

// checkTokensGoHome holds discovered endpoints to one more rule: what
// the token endpoint issues goes back only to its site. A document may
// vouch for a token endpoint on another site (Google's issuer is
// accounts.google.com, its tokens come from oauth2.googleapis.com), but
// then one of its own could pair a genuine token endpoint with a userinfo
// or revocation endpoint of its own, to be handed the access token on
// every sign-in and the refresh token at sign-out, or a device endpoint
// of its own, to relay a genuine code. Such an endpoint is dropped: the ID
// token names the account, sign-out says it cannot revoke, and there is
// no sign-in with a code — which a profile that signs in with a code only
// is told.
func (p *Profile) checkTokensGoHome(ep *Endpoints) error {
	home := Origin(ep.Token)
	for _, e := range []struct {
		key string
		val *string
	}{{"userinfo_url", &ep.Userinfo}, {"revocation_url", &ep.Revocation}, {"device_authorization_url", &ep.Device}} {
		if *e.val == "" || p.explicit(e.key) != "" || Origin(*e.val) == home || p.trusts(*e.val) {
			continue
		}
		if e.key == "device_authorization_url" && p.DeviceOnly() {
			return p.KeyError("issuer", fmt.Sprintf("the provider at %s offers a sign-in with a code at %s, but its tokens come from %s; "+
				"a code is only good where the tokens come from", Origin(p.Issuer), Origin(*e.val), home))
		}
		*e.val = ""
	}
	return nil
}

// signInPage is where the profile's sign-in is judged: its sign-in page,
// else its issuer, else (a machine client) its token endpoint.
func (p *Profile) signInPage() string {
	switch {
	case p.AuthURL != "":
		return p.AuthURL
	case p.Issuer != "":
		return p.Issuer
	}
	return p.TokenURL
}

// issuerIsOrigin tells whether an issuer is a whole origin (no path but
// "/"): its discovery document is then the site's own.
func issuerIsOrigin(issuer string) bool {
	u, err := url.Parse(issuer)
	return err == nil && (u.Path == "" || u.Path == "/")
}

func crossOrigin(page, dest string) string {
	return fmt.Sprintf("you would sign in at %s but the code and tokens would go to %s; "+
		"a profile may only send them where you sign in. If your provider really uses both, "+
		"add send_tokens_to_other_origins = [%q] (only if your IT team says so)", Origin(page), Origin(dest), Origin(dest))
}

// Where says, for a person to confirm, where the profile signs in and where
// its codes, tokens and secrets go — every origin that may receive them.
func (p *Profile) Where() string {
	page := p.signInPage()
	var s string
	switch {
	case p.JWTBearer():
		return words.T("service account; assertions and tokens at {origin}", "origin", Origin(p.TokenURL))
	case p.Machine():
		s = words.T("machine client, no sign-in; its credentials and tokens at {origin}", "origin", Origin(page))
	case p.DeviceOnly():
		s = words.T("sign-in with a code, at {origin}", "origin", Origin(page))
	default:
		s = words.T("sign-in at {origin}", "origin", Origin(page))
	}
	if p.AuthURL == "" && p.Issuer != "" {
		s += " " + words.T("(the provider names its other addresses)")
	}
	var other []string
	add := func(v string) {
		if v != "" && Origin(v) != Origin(page) && !slices.Contains(other, Origin(v)) {
			other = append(other, Origin(v))
		}
	}
	for _, k := range endpointKeys {
		add(p.explicit(k))
	}
	add(p.Issuer)
	for _, t := range p.SendTokensToOtherOrigins {
		add(t)
	}
	if len(other) > 0 {
		s += "; " + words.T("codes and tokens may also go to {origins}", "origins", strings.Join(other, ", "))
	}
	return plain.Line(s, 1000)
}

// verificationPages are the providers known to send people to a page on
// another site than where their tokens are issued, when signing in with a
// code: the token endpoint's origin and the pages' origins, as the
// providers document them.
var verificationPages = map[string][]string{
	// Entra ID: "https://microsoft.com/devicelogin", and
	// "https://login.microsoft.com/device"; the national clouds'.
	"https://login.microsoftonline.com": {"https://microsoft.com", "https://www.microsoft.com", "https://login.microsoft.com"},
	"https://login.microsoftonline.us":  {"https://microsoft.com", "https://www.microsoft.com", "https://login.microsoftonline.us"},
	"https://login.chinacloudapi.cn":    {"https://microsoft.com", "https://www.microsoft.com", "https://login.chinacloudapi.cn"},
	// Google: "https://www.google.com/device".
	"https://oauth2.googleapis.com": {"https://google.com", "https://www.google.com"},
}

// CheckVerificationPage checks a page a provider sends the person to with
// a device code: the person signs in there, so it must belong to whoever
// receives the tokens (the token endpoint's origin) — or else a profile
// pairing the genuine provider's page with its own device and token
// endpoints would relay a code it got from the provider and collect the
// person's tokens. Known providers' other pages (verificationPages) and
// the profile's send_tokens_to_other_origins are the exceptions. A user
// name in the address (https://genuine.example@elsewhere) is refused: it
// shows one site and opens another.
func (p *Profile) CheckVerificationPage(page, tokenURL string) error {
	if msg := CheckURL(page); msg != "" {
		return fmt.Errorf("the provider's sign-in page for codes %s", strings.TrimPrefix(msg, fmt.Sprintf("%q ", page)))
	}
	u, _ := url.Parse(page)
	if u.User != nil {
		return fmt.Errorf("the provider's sign-in page for codes (%s) has a user name in its address, which shows one site and opens another", u.Redacted())
	}
	o, tokens := Origin(page), Origin(tokenURL)
	if o == tokens || slices.Contains(verificationPages[tokens], o) || p.trusts(page) {
		return nil
	}
	return fmt.Errorf("the provider sends you to %s to enter the code, but the tokens would come from %s; "+
		"a profile may only have you sign in where its tokens come from. If your provider really uses both, "+
		"add send_tokens_to_other_origins = [%q] (only if your IT team says so)", o, tokens, o)
}
