package control

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tokentray/tokentray/words"
)

// Inspection is a look inside a profile's sign-in (`tokentray inspect`,
// the Details window): its state, and what the access token says of
// itself — never a token or a secret. The tray computes it, so the token
// it decodes never leaves the tray for it.
type Inspection struct {
	ProfileView
	// TokenFormat is "jwt" or "opaque".
	TokenFormat string `json:"token_format"`
	// Claims are the access token's JWT claims, decoded but not verified.
	Claims         map[string]any `json:"claims,omitempty"`
	ClaimsVerified bool           `json:"claims_verified"`
}

// Inspect is the inspection of a profile in state p whose access token is
// accessToken.
func Inspect(p ProfileView, accessToken string) Inspection {
	in := Inspection{ProfileView: p, TokenFormat: "opaque"}
	in.SignIn = SignInView{}
	if claims, ok := jwtClaims(accessToken); ok {
		in.TokenFormat, in.Claims = "jwt", claims
	}
	return in
}

// jwtClaims decodes a JWT's payload without verifying it.
func jwtClaims(token string) (map[string]any, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, false
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return nil, false
	}
	return claims, true
}

// Fact is one line of an inspection. Copy, for a claim, is what its copy
// button copies: a string's text without JSON's quotes, else the JSON.
type Fact struct{ Label, Value, Copy string }

// Facts are the inspection's lines in the order people read them; lines
// with nothing to say are left out.
func (in Inspection) Facts() []Fact {
	var fs []Fact
	add := func(k, v string) {
		if v != "" {
			fs = append(fs, Fact{Label: k, Value: Printable(v)})
		}
	}
	T := words.T
	add(T("profile"), in.Name)
	add(T("issuer"), in.Issuer)
	add(T("account"), in.Who)
	grant := in.Grant
	if w := map[string]string{"authorization_code": T("sign-in in the browser"), "device_code": T("sign-in with a code"),
		"client_credentials": T("machine client"), "jwt-bearer": T("service account key")}[grant]; w != "" {
		grant = w + " (" + grant + ")"
	}
	add(T("grant"), grant)
	add(T("state"), in.StateWords())
	add(T("scopes granted"), in.Scope)
	if aud, ok := in.Claims["aud"]; ok {
		add(T("audience"), fmt.Sprint(aud))
	}
	add(T("access token"), T("{format}, valid until {time}", "format", in.TokenFormat, "time", localTime(in.Expiry)))
	switch {
	case in.ServiceAccount && in.Grant == "client_credentials":
		add(T("renews with"), T("the client's own credentials"))
	case in.ServiceAccount:
		add(T("renews with"), T("the service account's credentials"))
	case !in.RefreshExpiry.IsZero():
		add(T("refresh token"), T("until {time}", "time", localTime(in.RefreshExpiry)))
	case in.HasRefreshToken:
		add(T("refresh token"), T("held (the provider did not say until when)"))
	default:
		add(T("refresh token"), T("none: sign in again when the access token expires"))
	}
	add(T("signed in"), localTime(in.SignedInAt))
	add(T("last refresh"), localTime(in.RefreshedAt))
	return fs
}

// ClaimsNote says what the claims are worth.
func (in Inspection) ClaimsNote() string {
	if in.TokenFormat != "jwt" {
		return words.T("The access token is opaque: it says nothing of itself; the API that accepts it knows what it means.")
	}
	return words.T("Claims of the access token (decoded, NOT verified):")
}

// ClaimFacts are the access token's claims by name, as JSON values; times
// also in local time.
func (in Inspection) ClaimFacts() []Fact {
	keys := make([]string, 0, len(in.Claims))
	for k := range in.Claims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fs := make([]Fact, 0, len(keys))
	for _, k := range keys {
		v := in.Claims[k]
		s, _ := json.Marshal(v)
		text := string(s)
		if n, ok := v.(float64); ok && (k == "exp" || k == "iat" || k == "nbf" || k == "auth_time") {
			text = fmt.Sprintf("%d (%s)", int64(n), localTime(time.Unix(int64(n), 0)))
		}
		copyText := string(s)
		if str, ok := v.(string); ok {
			copyText = str
		}
		// The claims are the provider's words: what is copied is text, its
		// controls (a line break, an escape a terminal would obey when it
		// is pasted) and reordering marks made spaces, as shown.
		fs = append(fs, Fact{Label: Printable(k), Value: Printable(text), Copy: Printable(copyText)})
	}
	return fs
}

// ClaimCopy is what copying the claim shown as label puts on the
// clipboard.
func (in Inspection) ClaimCopy(label string) (string, bool) {
	for _, f := range in.ClaimFacts() {
		if f.Label == label {
			return f.Copy, true
		}
	}
	return "", false
}

// StateWords are the profile's state in a few words.
func (p ProfileView) StateWords() string {
	switch p.State {
	case Valid:
		return words.T("signed in")
	case Refreshing:
		return words.T("signed in, renewing")
	case Retrying:
		return words.T("signed in, provider unreachable")
	case NeedsSignIn:
		return words.T("sign-in needed")
	case SigningIn:
		return words.T("signing in")
	case SignedOut:
		return words.T("signed out")
	}
	if p.Err != nil {
		return words.T("error: {headline}", "headline", Explain(p.Err).Headline)
	}
	return words.T("unknown")
}

func localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05")
}
