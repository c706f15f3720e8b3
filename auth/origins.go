package auth

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Where a profile may send codes, tokens and secrets. The user judges a
// sign-in by the page it shows; a profile that pairs the genuine sign-in
// page with someone else's token endpoint would have the user sign in for
// real and hand the code (and the PKCE verifier) to that someone. So the
// endpoints that receive them share the sign-in page's origin, or come
// from the same discovery document as the sign-in page, or are listed in
// the loudly named send_tokens_to_other_origins.

// origin is scheme://host[:port] of raw, lowercased; "" if it has none.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// trusts tells whether the profile allows sending to raw's origin.
func (p *Profile) trusts(raw string) bool {
	o := origin(raw)
	return slices.ContainsFunc(p.SendTokensToOtherOrigins, func(t string) bool { return origin(t) == o })
}

// endpointKeys name the profile keys of the endpoints that receive codes,
// tokens or secrets.
var endpointKeys = []string{"token_url", "revocation_url", "userinfo_url"}

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
	}
	return ""
}

// checkOrigins checks the profile's own URLs, before anything is
// discovered: against auth_url, else against the issuer.
func (p *Profile) checkOrigins() (key, msg string) {
	page := p.AuthURL
	if page == "" {
		page = p.Issuer
	}
	for _, k := range endpointKeys {
		if v := p.explicit(k); v != "" && origin(v) != origin(page) && !p.trusts(v) {
			return k, crossOrigin(page, v)
		}
	}
	for _, t := range p.SendTokensToOtherOrigins {
		if u, err := url.Parse(t); err != nil || u.Host == "" || u.Path != "" || (u.Scheme != "https" && !isLoopbackHost(u.Hostname())) {
			return "send_tokens_to_other_origins", fmt.Sprintf("%q is not an origin such as \"https://tokens.example.com\"", t)
		}
	}
	return "", ""
}

// checkEndpoints checks the endpoints in effect after discovery: each
// discovered one against the same URL rules as a profile's, and each that
// receives codes, tokens or secrets against the sign-in page.
func (p *Profile) checkEndpoints(ep endpoints) error {
	authFound := p.AuthURL == ""
	for _, e := range []struct{ key, val string }{
		{"auth_url", ep.Auth}, {"token_url", ep.Token}, {"revocation_url", ep.Revocation}, {"userinfo_url", ep.Userinfo},
	} {
		if e.val == "" {
			continue
		}
		found := p.explicit(e.key) == ""
		if msg := checkProviderURL(e.val); msg != "" && found {
			return p.configError("issuer", fmt.Sprintf("discovery names %s as %s: %s", e.val, e.key, msg))
		}
		if e.key == "auth_url" || origin(e.val) == origin(ep.Auth) || (found && authFound) || p.trusts(e.val) {
			continue
		}
		key := e.key
		if found {
			key = "issuer"
		}
		return p.configError(key, crossOrigin(ep.Auth, e.val))
	}
	return nil
}

func crossOrigin(page, dest string) string {
	return fmt.Sprintf("you would sign in at %s but the code and tokens would go to %s; "+
		"a profile may only send them where you sign in. If your provider really uses both, "+
		"add send_tokens_to_other_origins = [%q] (only if your IT team says so)", origin(page), origin(dest), origin(dest))
}

// Where says, for a person to confirm, where the profile signs in and where
// its codes, tokens and secrets go.
func (p *Profile) Where() string {
	if p.JWTBearer() {
		return "service account; assertions and tokens at " + origin(p.TokenURL)
	}
	page := p.AuthURL
	if page == "" {
		page = p.Issuer
	}
	s := "sign-in at " + origin(page)
	var other []string
	for _, k := range endpointKeys {
		if v := p.explicit(k); v != "" && origin(v) != origin(page) && !slices.Contains(other, origin(v)) {
			other = append(other, origin(v))
		}
	}
	switch {
	case len(other) > 0:
		s += "; tokens also to " + strings.Join(other, ", ")
	case p.AuthURL == "" && p.Issuer != "":
		s += " (endpoints from its discovery)"
	}
	return s
}
