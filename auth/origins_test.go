package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
)

// serveDiscovery publishes doc (with the issuer filled in, and ORIGIN
// replaced by the server's origin) at any path under path, and returns the
// issuer.
func serveDiscovery(t *testing.T, doc map[string]any, pad int, path string) string {
	var issuer, orig string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := map[string]any{"issuer": issuer, "jwks_uri": issuer + "/jwks", "pad": strings.Repeat("x", pad)}
		for k, v := range doc {
			d[k] = strings.ReplaceAll(strings.ReplaceAll(v.(string), "ISSUER", issuer), "ORIGIN", orig)
		}
		_ = json.NewEncoder(w).Encode(d)
	}))
	t.Cleanup(srv.Close)
	orig, issuer = srv.URL, srv.URL+path
	return issuer
}

// Endpoints found by discovery obey the rules a profile's own URLs do: no
// plain http off loopback, the sign-in page's origin for whatever receives
// codes and tokens unless the same document names both, and an answer of
// bounded size.
func TestDiscoveredEndpoints(t *testing.T) {
	cases := []struct {
		name, path string
		doc        map[string]any
		extra      func(p *profile.Profile)
		pad        int
		want       string // in the error; "" = accepted
	}{
		{"all from the document", "", map[string]any{"authorization_endpoint": "ISSUER/auth", "token_endpoint": "ISSUER/token"}, nil, 0, ""},
		{"the site's own document pairs other origins (Google)", "", map[string]any{"authorization_endpoint": "ISSUER/auth", "token_endpoint": "https://tokens.example/token"}, nil, 0, ""},
		{"plain http off loopback", "", map[string]any{"authorization_endpoint": "ISSUER/auth", "token_endpoint": "http://tokens.example/token"}, nil, 0, "plain http"},
		{"a genuine page with the document's token endpoint", "", map[string]any{"authorization_endpoint": "ISSUER/auth", "token_endpoint": "ISSUER/token"},
			func(p *profile.Profile) { p.AuthURL = "https://id.example/auth" }, 0, "send_tokens_to_other_origins"},
		{"an endless document", "", map[string]any{"authorization_endpoint": "ISSUER/auth", "token_endpoint": "ISSUER/token"}, nil, 2 << 20, "larger than"},
		// Found by review: a file a user published on the provider's own
		// site (a self-hosted GitLab's raw files) pairing the genuine page
		// with someone else's token endpoint.
		{"a document under a path sends tokens elsewhere", "/user/proj/-/raw/main", map[string]any{"authorization_endpoint": "ORIGIN/auth", "token_endpoint": "https://tokens.example/token"}, nil, 0, "send_tokens_to_other_origins"},
		{"a document under a path, all on its site (Keycloak)", "/realms/corp", map[string]any{"authorization_endpoint": "ORIGIN/auth", "token_endpoint": "ORIGIN/token"}, nil, 0, ""},
		{"a userinfo elsewhere under a path is dropped (Entra)", "/tenant/v2.0", map[string]any{"authorization_endpoint": "ORIGIN/auth", "token_endpoint": "ORIGIN/token", "userinfo_endpoint": "https://graph.example/oidc/userinfo"}, nil, 0, ""},
		// Found by review: a document of the attacker's own site names a
		// genuine token endpoint, and keeps the endpoints that receive
		// tokens for itself — or a device endpoint, to relay a code.
		{"a genuine token endpoint, the document's userinfo and revocation", "", map[string]any{"authorization_endpoint": "ISSUER/auth",
			"token_endpoint": "https://genuine.example/token", "userinfo_endpoint": "ISSUER/me", "revocation_endpoint": "ISSUER/revoke"}, nil, 0, ""},
		{"a genuine token endpoint, the document's device endpoint", "", map[string]any{"authorization_endpoint": "ISSUER/auth",
			"token_endpoint": "https://genuine.example/token", "device_authorization_endpoint": "ISSUER/device"}, nil, 0, ""},
		{"a genuine token endpoint, the document's device endpoint, a code only", "", map[string]any{"authorization_endpoint": "ISSUER/auth",
			"token_endpoint": "https://genuine.example/token", "device_authorization_endpoint": "ISSUER/device"},
			func(p *profile.Profile) { p.Grant = "device_code" }, 0, "a code is only good where the tokens come from"},
		{"a sign-in page on another site", "", map[string]any{"authorization_endpoint": "https://elsewhere.example/auth", "token_endpoint": "ISSUER/token"},
			nil, 0, "sends sign-ins to https://elsewhere.example, another site"},
		{"another issuer", "", map[string]any{"issuer": "https://other.example", "authorization_endpoint": "ISSUER/auth", "token_endpoint": "ISSUER/token"},
			nil, 0, `the provider there says its issuer is "https://other.example"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &profile.Profile{Name: "d", Issuer: serveDiscovery(t, c.doc, c.pad, c.path), ClientID: "c"}
			if c.extra != nil {
				c.extra(p)
			}
			s := NewSession(p, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
			ep, err := s.endpoints(context.Background())
			if err == nil && (strings.Contains(ep.Userinfo, "graph.example") || ep.Userinfo != "" && profile.Origin(ep.Userinfo) != profile.Origin(ep.Token)) {
				t.Errorf("the access token would go to %s", ep.Userinfo)
			}
			if err == nil && ep.Revocation != "" && profile.Origin(ep.Revocation) != profile.Origin(ep.Token) {
				t.Errorf("the refresh token would go to %s at sign-out", ep.Revocation)
			}
			if err == nil && ep.Device != "" && profile.Origin(ep.Device) != profile.Origin(ep.Token) {
				t.Errorf("a code would be asked of %s for tokens from %s", ep.Device, ep.Token)
			}
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v, want an error saying %q", err, c.want)
			}
			// Staff read these (issue 29): what the provider says, not
			// the protocol's name for where it says it.
			if err != nil && strings.Contains(strings.ToLower(err.Error()), "discovery") {
				t.Errorf("the error says \"discovery\": %v", err)
			}
		})
	}
}

// A request carrying credentials is never redirected; a public GET may be,
// to an address a profile could name.
func TestCheckRedirect(t *testing.T) {
	get := func(u, auth string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, u, nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		return r
	}
	post, _ := http.NewRequest(http.MethodPost, "https://id.example/token", nil)
	cases := []struct {
		name     string
		next     string
		first    *http.Request
		followed bool
	}{
		{"a token request", "https://id.example/token2", post, false},
		{"userinfo with a token", "https://id.example/me2", get("https://id.example/me", "Bearer x"), false},
		{"discovery", "https://id.example/.well-known/x", get("https://id.example/.well-known/openid-configuration", ""), true},
		{"discovery to plain http", "http://id.example/x", get("https://id.example/.well-known/openid-configuration", ""), false},
		{"discovery to another site (an open redirect)", "https://evil.example/.well-known/openid-configuration", get("https://id.example/logout?next=x", ""), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkRedirect(get(c.next, ""), []*http.Request{c.first})
			if (err == nil) != c.followed {
				t.Errorf("followed %t (%v), want %t", err == nil, err, c.followed)
			}
		})
	}
}

// An issuer written without the trailing slash its provider publishes
// (Auth0) is the same issuer, and ID tokens are checked against the
// published one; any other difference is a setting to fix, not an outage.
func TestIssuerAsPublished(t *testing.T) {
	for _, c := range []struct {
		name, published string // "" = the profile's issuer as is
		profileSuffix   string
		wantErr         bool
	}{
		{"the same", "", "", false},
		{"the provider adds a slash", "/", "", false},
		{"the profile adds a slash", "", "/", false},
		{"another issuer", "/tenant-b", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var base string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = json.NewEncoder(w).Encode(map[string]any{"issuer": base + c.published, "authorization_endpoint": base + "/auth",
					"token_endpoint": base + "/token", "jwks_uri": base + "/jwks"})
			}))
			defer srv.Close()
			base = srv.URL
			p := &profile.Profile{Name: "a0", Issuer: base + c.profileSuffix, ClientID: "c"}
			s := NewSession(p, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
			ep, err := s.endpoints(context.Background())
			var me *MisconfiguredError
			switch {
			case c.wantErr && (!errors.As(err, &me) || errors.Is(err, ErrProviderUnreachable) || !strings.Contains(err.Error(), base+"/tenant-b")):
				t.Errorf("got %v, want a configuration error naming both issuers", err)
			case !c.wantErr && err != nil:
				t.Errorf("refused: %v", err)
			case !c.wantErr && ep.Issuer != base+c.published && c.published != "":
				t.Errorf("ID tokens would be checked against %q, not the published %q", ep.Issuer, base+c.published)
			}
		})
	}
}
