package profile

import (
	"fmt"
	"net/url"
	"strings"
)

// Machine tells whether the profile gets its tokens without a person: a
// client_credentials client or a jwt-bearer service account. Such a
// profile renews itself from its credentials and has no refresh token.
func (p *Profile) Machine() bool {
	return p.Grant == "client_credentials" || p.Grant == "jwt-bearer"
}

// JWTBearer tells whether the profile signs in with a JWT assertion (a
// service account) instead of the browser.
func (p *Profile) JWTBearer() bool { return p.Grant == "jwt-bearer" }

// BrowserSignIn tells whether the profile may sign in through a browser
// and a loopback callback.
func (p *Profile) BrowserSignIn() bool { return p.Grant == "" || p.Grant == "authorization_code" }

// DeviceOnly tells whether the profile signs in with a device code only.
func (p *Profile) DeviceOnly() bool { return p.Grant == "device_code" }

// SetScope puts the profile's scopes in a token request, if it has any.
func (p *Profile) SetScope(form url.Values) {
	if len(p.Scopes) > 0 {
		form.Set("scope", strings.Join(p.Scopes, " "))
	}
}

// checkNoBrowser checks the profiles that never open a sign-in page of
// their own: device_code and client_credentials.
func (p *Profile) checkNoBrowser() (key, msg string) {
	what := p.Grant + " profile"
	switch {
	case p.Issuer == "" && p.TokenURL == "":
		return "issuer", "missing: set issuer (for OpenID discovery) or token_url"
	case p.Grant == "device_code" && p.Issuer == "" && p.DeviceAuthURL == "":
		return "device_authorization_url", "missing: without issuer, a device_code profile needs the provider's device authorization endpoint"
	case p.AuthURL != "":
		return "auth_url", "has no use in a " + what + " (there is no browser sign-in)"
	case p.RedirectURL != "":
		return "redirect_url", "has no use in a " + what + " (nothing comes back to this machine)"
	}
	if p.Grant != "client_credentials" {
		return "", ""
	}
	switch {
	case p.ClientAuth == "none":
		return "client_auth", "a client_credentials client proves who it is: use \"basic\", \"post\" or \"private_key_jwt\""
	case p.DeviceAuthURL != "":
		return "device_authorization_url", "has no use in a client_credentials profile (no one signs in)"
	case p.Browser != "":
		return "browser", "has no use in a client_credentials profile (no one signs in)"
	case len(p.AuthParams) > 0:
		return "auth_params", "has no use in a client_credentials profile (there is no sign-in page)"
	}
	for _, r := range p.Resource {
		if u, err := url.Parse(r); err != nil || !u.IsAbs() || u.Fragment != "" || u.Host == "" {
			// RFC 8707 §2: an absolute URI without a fragment.
			return "resource", fmt.Sprintf("%q is not an absolute URI such as \"https://api.example.com\"", r)
		}
	}
	return "", ""
}

// checkClientAuth checks how the client proves who it is.
func (p *Profile) checkClientAuth() (key, msg string) {
	switch p.ClientAuth {
	case "", "none", "basic", "post":
		if p.PrivateKeyFile != "" {
			return "private_key_file", "has no use unless client_auth = \"private_key_jwt\""
		}
		if p.JWTAlg != "" {
			return "jwt_alg", "has no use unless client_auth = \"private_key_jwt\""
		}
	case "private_key_jwt":
		switch {
		case p.JWTAlg != "" && p.JWTAlg != "RS256" && p.JWTAlg != "ES256":
			return "jwt_alg", fmt.Sprintf("must be \"RS256\" or \"ES256\", not %q", p.JWTAlg)
		case p.ClientSecret != "":
			return "client_secret", "has no use with client_auth private_key_jwt (its private key proves who the client is)"
		}
	default:
		return "client_auth", fmt.Sprintf("must be \"none\", \"basic\", \"post\" or \"private_key_jwt\", not %q", p.ClientAuth)
	}
	if p.Grant != "client_credentials" && (p.Audience != "" || len(p.Resource) > 0) {
		key := "audience"
		if p.Audience == "" {
			key = "resource"
		}
		return key, "is for client_credentials (and jwt-bearer) profiles; a browser sign-in takes it in auth_params"
	}
	return "", ""
}
