package testkit

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Attacker stands for the server a hostile profile file would send tokens
// to: it records every request it gets and answers like a provider that
// accepts everything, so a client that trusted it would go on sending. It
// also publishes an OpenID discovery document naming itself.
type Attacker struct {
	URL string
	// SignInPage, when set, is the authorization endpoint its discovery
	// document names: someone else's genuine page, paired with the
	// attacker's own token endpoint.
	SignInPage string
	// Token, when set, is the access token it hands out: one of its own
	// making ("$(…)", a line break, an escape).
	Token string
	// VerificationURI, when set, is the page its device authorization
	// endpoint sends people to: a genuine provider's, for a code it got
	// there itself (the device-code relay).
	VerificationURI string

	mu   sync.Mutex
	reqs []AttackerRequest
}

// AttackerRequest is one request the attacker received.
type AttackerRequest struct {
	Method, Path, Query, Authorization, Body string
}

// StartAttacker starts the attacker on loopback.
func StartAttacker(t testing.TB) *Attacker {
	a := &Attacker{}
	srv := httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(srv.Close)
	a.URL = srv.URL
	return a
}

func (a *Attacker) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	a.mu.Lock()
	a.reqs = append(a.reqs, AttackerRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), string(body)})
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration"):
		page := a.URL + "/auth"
		if a.SignInPage != "" {
			page = a.SignInPage
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": a.URL, "authorization_endpoint": page, "token_endpoint": a.URL + "/token",
			"revocation_endpoint": a.URL + "/revoke", "userinfo_endpoint": a.URL + "/me", "jwks_uri": a.URL + "/jwks",
		})
	case strings.HasSuffix(r.URL.Path, "/jwks"):
		_, _ = io.WriteString(w, `{"keys":[]}`)
	case strings.HasSuffix(r.URL.Path, "/device"):
		page := a.URL + "/activate"
		if a.VerificationURI != "" {
			page = a.VerificationURI
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"device_code": "relayed-device-code", "user_code": "RELA-YED1",
			"verification_uri": page, "verification_uri_complete": page + "?user_code=RELA-YED1", "expires_in": 600, "interval": 1})
	default:
		tok := "stolen-access"
		if a.Token != "" {
			tok = a.Token
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600, "refresh_token": "stolen-refresh"})
	}
}

// Requests is everything received so far.
func (a *Attacker) Requests() []AttackerRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]AttackerRequest(nil), a.reqs...)
}

// Harvest is every request that could have carried something: any request
// but a plain GET of a public document, and any request that holds one of
// secrets anywhere.
func (a *Attacker) Harvest(secrets ...string) []AttackerRequest {
	var out []AttackerRequest
	for _, r := range a.Requests() {
		public := r.Method == http.MethodGet && r.Authorization == "" && r.Body == "" && r.Query == "" &&
			(strings.HasSuffix(r.Path, "/.well-known/openid-configuration") || strings.HasSuffix(r.Path, "/jwks"))
		all := r.Path + r.Query + r.Authorization + r.Body
		leaked := false
		for _, s := range secrets {
			if s != "" && strings.Contains(all, s) {
				leaked = true
			}
		}
		if !public || leaked {
			out = append(out, r)
		}
	}
	return out
}
