package profile

import (
	"fmt"
	"strings"
)

// What a profile still needs before it can sign in, found without the
// network; and a look at whether its provider answers.

// placeholder marks the example values in examples/*.toml.
const placeholder = "YOUR-"

// Placeholder returns a key that still holds an example value, and the
// value; "" when there is none.
func (p *Profile) Placeholder() (key, value string) {
	for _, f := range []struct{ key, val string }{
		{"client_id", p.ClientID}, {"client_secret", p.ClientSecret}, {"issuer", p.Issuer}, {"auth_url", p.AuthURL},
		{"token_url", p.TokenURL}, {"revocation_url", p.RevocationURL}, {"userinfo_url", p.UserinfoURL},
		{"redirect_url", p.RedirectURL}, {"key_id", p.KeyID}, {"email", p.Email}, {"audience", p.Audience},
	} {
		if strings.Contains(f.val, placeholder) {
			return f.key, f.val
		}
	}
	return "", ""
}

// PlaceholderError is a profile that still holds an example value.
type PlaceholderError struct {
	Profile, Key, Value string
}

func (e *PlaceholderError) Error() string {
	return fmt.Sprintf("profile %s: %s is still the example value %q; put in what your provider gave you", e.Profile, e.Key, e.Value)
}

// Ready refuses a profile that still holds an example value: sending it to
// a provider only earns a confusing refusal.
func (p *Profile) Ready() error {
	if key, val := p.Placeholder(); key != "" {
		return &PlaceholderError{Profile: p.Name, Key: key, Value: val}
	}
	return nil
}

// NeedsSecret tells whether the profile signs in with a secret that is not
// in the profile file: a client secret for client_auth basic or post (a
// client_credentials client's default), a service account's HS256 key
// secret, or a private key the person hands over (NeedsKey).
func (p *Profile) NeedsSecret() bool {
	if p.JWTBearer() {
		return p.JWTAlg == "" || p.JWTAlg == "HS256" || p.NeedsKey()
	}
	if p.ClientAuth == "private_key_jwt" {
		return p.NeedsKey()
	}
	auth := p.ClientAuth
	if auth == "" && p.Grant == "client_credentials" {
		auth = "basic"
	}
	return (auth == "basic" || auth == "post") && p.ClientSecret == ""
}

// SignsWithKey tells whether the profile signs with a private key: a
// service account's RS256 or ES256 assertion, or a private_key_jwt client.
func (p *Profile) SignsWithKey() bool {
	return p.JWTBearer() && (p.JWTAlg == "RS256" || p.JWTAlg == "ES256") || p.ClientAuth == "private_key_jwt"
}

// NeedsKey tells whether the profile's private key is the person's to
// hand over (`tokentray secret set NAME --key FILE`): every profile that
// signs with one but a managed profile whose file names IT's key.
func (p *Profile) NeedsKey() bool {
	return p.SignsWithKey() && !(p.Managed && p.PrivateKeyFile != "")
}

// FixedCallbackPort is the port of a fixed redirect_url ("" for any free
// port).
func (p *Profile) FixedCallbackPort() string {
	if p.RedirectURL == "" {
		return ""
	}
	// As the callback listens: a URL without a port is port 80.
	r, err := ParseRedirect(p.RedirectURL)
	if err != nil || r.Port == "0" {
		return ""
	}
	return r.Port
}
