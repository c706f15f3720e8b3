package testkit

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// OAuthServer is a strict OAuth2 server for fault injection and for
// emulating what a provider documents. It enforces exactly one client
// authentication method, an exact redirect URI and PKCE S256, and rejects
// everything else — stricter than the real test provider (oidc-provider
// accepts basic or post alike). It is an emulation for tests, not a
// provider: see the Emulate* constructors for the documented behaviours it
// stands in for.
type OAuthServer struct {
	URL string

	ClientID, Secret string
	Method           string // "none", "basic" or "post"
	// RevokeMethod is the client authentication the revocation endpoint
	// demands; "" means Method.
	RevokeMethod   string
	RedirectURI    string // exact match; "" accepts any loopback URI
	Rotate         bool   // a new refresh token on every refresh
	RefreshSendsRT bool   // without Rotate: send the same refresh token back
	Lifetime       time.Duration
	// OfflineScope, when set, is the scope without which no refresh token
	// is issued (Frame.io's "offline").
	OfflineScope string
	// ScopeOnRefresh requires scope on refresh, equal to what was granted.
	ScopeOnRefresh bool
	// JWTAccess issues access tokens as JWTs (RFC 9068 shape) instead of
	// opaque strings.
	JWTAccess bool
	// Auth0: the issuer is published with a trailing slash (discovery and
	// ID tokens), and access tokens are JWTs for the API named by the
	// authorization request's audience parameter — opaque without one.
	// IssuerPath puts the issuer and its endpoints under a path (Okta's
	// custom authorization servers: /oauth2/default, endpoints in /v1/).
	IssuerPath string
	// Grace is how long a rotated-away refresh token still works (Okta).
	Grace     time.Duration
	rotated   map[string]rotation // refresh token → when it was rotated away, its scope
	Auth0     bool
	audiences map[string]string // Auth0: refresh token → the API it was granted for
	// Tenant makes the server Entra ID for that tenant (see EmulateEntra);
	// RequireOrigin is the Origin every token request must carry (a
	// single-page-app registration).
	Tenant, RequireOrigin string
	// GoogleOffline: refresh tokens as Google gives them to desktop apps —
	// only for access_type=offline, and after the first consent only with
	// prompt=consent again; the offline_access scope is refused.
	GoogleOffline bool
	consented     bool
	// RefreshExpiresIn, when set, is Keycloak's refresh_expires_in on every
	// answer with a refresh token: the session's idle timeout in seconds,
	// or 0 for an offline token (granted with the offline_access scope).
	RefreshExpiresIn int
	// AutoApprove answers /authorize with an immediate redirect; otherwise
	// a sign-in page with a form, for a real browser.
	AutoApprove bool

	// JWT-bearer service accounts: the assertion must be HS256 with this
	// kid, signed with JWTSecret, iss = JWTIssuer, aud = the token URL, and
	// live at most an hour.
	JWTKeyID, JWTIssuer, JWTSecret string
	// TokenPath is the token endpoint's path, for aud.
	TokenPath string
	// Now is the clock assertions are checked against; nil is time.Now.
	Now func() time.Time

	// IDTokenTamper, with OpenID enabled, spoils the ID token: "iss",
	// "aud", "nonce", "signature" or "expired".
	IDTokenTamper string

	// AuthError makes /authorize refuse with this error code.
	AuthError string

	// Device codes (RFC 8628) at /device: the token endpoint answers the
	// polls of a device code with DevicePolls in turn ("authorization_pending",
	// "slow_down", "expired_token", "access_denied"; or an HTTP status with
	// no OAuth error, "503" or "429 Retry-After: 3"), then with tokens.
	// DeviceInterval is the interval the server asks for (seconds).
	DevicePolls    []string
	DeviceInterval int
	// PollTimes are when the device code was polled.
	PollTimes []time.Time

	// Client credentials (RFC 6749 §4.4): the audience and resource
	// parameters the server demands ("" / nil: none allowed). ClientKey
	// is the public key of a private_key_jwt client (Method
	// "private_key_jwt").
	WantAudience string
	WantResource []string
	ClientKey    any
	// Fail, when set and returning true, has answered the token request.
	Fail func(w http.ResponseWriter) bool

	srv     *httptest.Server
	oidcKey *rsa.PrivateKey // set by EnableOpenID
	mu      sync.Mutex
	codes   map[string]codeGrant
	refresh map[string]string // live refresh token → granted scope
	used    map[string]bool   // rotated-away refresh tokens
	seq     int
	calls   map[string]int // by grant type, and "revoke"
	errors  []string
}

type rotation struct {
	at    time.Time
	scope string
}

type codeGrant struct {
	challenge, redirect, scope, nonce, audience string
	offline                                     bool // Google: a refresh token comes with this code
}

// NewOAuthServer starts a strict server for one client.
func NewOAuthServer(t testing.TB, method string) *OAuthServer {
	s := &OAuthServer{ClientID: "cid", Method: method, Rotate: true, Lifetime: time.Hour,
		AutoApprove: true, TokenPath: "/token",
		codes: map[string]codeGrant{}, refresh: map[string]string{}, used: map[string]bool{}, calls: map[string]int{}}
	if method != "none" {
		s.Secret = "s3cr:t/+" // characters Basic auth must form-encode
	}
	mux := http.NewServeMux()
	for _, path := range []string{"/authorize", "/oauth2/authorize", "/oauth2/auth"} {
		mux.HandleFunc(path, s.authorize)
	}
	mux.HandleFunc("/approve", s.approve)
	mux.HandleFunc("/device", s.device)
	mux.HandleFunc("/.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("/jwks", s.jwks)
	for _, path := range []string{"/token", "/oauth2/token"} {
		mux.HandleFunc(path, s.token)
	}
	for _, path := range []string{"/revoke", "/oauth2/revoke"} {
		mux.HandleFunc(path, s.revoke)
	}
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	s.URL = s.srv.URL
	return s
}

// EmulateCognito behaves as AWS Cognito's hosted UI documents, as LightFi
// uses it: client_secret_post at the token endpoint, PKCE, the redirect URI
// compared as an exact string, refresh answers without a refresh token —
// and HTTP Basic at /oauth2/revoke, which "The token revocation endpoint"
// requires whenever the app client has a secret.
func EmulateCognito(t testing.TB, redirectURI string) *OAuthServer {
	s := NewOAuthServer(t, "post")
	s.RedirectURI, s.Rotate, s.TokenPath, s.RevokeMethod = redirectURI, false, "/oauth2/token", "basic"
	return s
}

// EmulateEntra behaves as Microsoft Entra ID's v2 endpoints document for a
// public client (PKCE) of tenant: discovery at /{tenant}/v2.0 with the
// tenant's issuer, and at /organizations/v2.0 (and common, consumers) with
// the template issuer ".../{tenantid}/v2.0" while ID tokens carry the
// tenant's issuer and tid; a refresh token only with offline_access,
// rotated on every use; no revocation endpoint; and, for a single-page-app
// registration (spaOrigin != ""), token requests refused without that
// Origin header.
func EmulateEntra(t testing.TB, tenant, spaOrigin string) *OAuthServer {
	s := NewOAuthServer(t, "none")
	s.EnableOpenID(t)
	s.Tenant, s.RequireOrigin, s.OfflineScope = tenant, spaOrigin, "offline_access"
	mux := http.NewServeMux()
	mux.HandleFunc("/{seg}/v2.0/.well-known/openid-configuration", s.entraDiscovery)
	mux.HandleFunc("/{seg}/oauth2/v2.0/authorize", s.authorize)
	mux.HandleFunc("/approve", s.approve)
	mux.HandleFunc("/{seg}/oauth2/v2.0/token", s.token)
	mux.HandleFunc("/{seg}/discovery/v2.0/keys", s.jwks)
	s.Handle(mux)
	return s
}

func (s *OAuthServer) entraDiscovery(w http.ResponseWriter, r *http.Request) {
	seg := r.PathValue("seg")
	issuer := s.URL + "/" + seg + "/v2.0"
	switch seg {
	case "common", "organizations", "consumers":
		issuer = s.URL + "/{tenantid}/v2.0"
	case s.Tenant:
	default:
		http.NotFound(w, r)
		return
	}
	base := s.URL + "/" + seg
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": issuer, "authorization_endpoint": base + "/oauth2/v2.0/authorize", "token_endpoint": base + "/oauth2/v2.0/token",
		"jwks_uri": base + "/discovery/v2.0/keys", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
	})
}

// endpoint is where the server answers name ("token", …) as published.
// tokenEndpoint is the token endpoint's URL, as discovery names it.
func (s *OAuthServer) tokenEndpoint() string {
	if s.IssuerPath != "" {
		return s.endpoint("token")
	}
	return s.URL + s.TokenPath
}

func (s *OAuthServer) endpoint(name string) string {
	if s.IssuerPath == "" {
		return s.URL + "/" + name
	}
	if name == "jwks" {
		name = "keys"
	}
	return s.URL + s.IssuerPath + "/v1/" + name
}

// issuer is the issuer as published: Auth0 ends it with a slash.
func (s *OAuthServer) issuer() string {
	if s.Auth0 {
		return s.URL + "/"
	}
	return s.URL + s.IssuerPath
}

// EmulateAuth0 behaves as Auth0 documents for a native application:
// the issuer published as "https://TENANT.auth0.com/" (with the slash);
// PKCE; an access token for an API only when the authorization request
// names it with audience (a JWT with that aud), else an opaque one good for
// userinfo alone; a refresh token only with offline_access, rotated on
// every use.
func EmulateAuth0(t testing.TB) *OAuthServer {
	s := NewOAuthServer(t, "none")
	s.EnableOpenID(t)
	s.Auth0, s.OfflineScope, s.audiences = true, "offline_access", map[string]string{}
	return s
}

// EmulateOkta behaves as Okta documents for a native app (PKCE) on a
// custom authorization server: the issuer "https://ORG.okta.com/oauth2/
// default", its endpoints under /v1/, a refresh token only with
// offline_access, rotated on every use with a grace period in which the
// previous refresh token still works once more (a lost answer retried) —
// after it, its reuse revokes the family.
func EmulateOkta(t testing.TB, grace time.Duration) *OAuthServer {
	s := NewOAuthServer(t, "none")
	s.EnableOpenID(t)
	s.OfflineScope, s.IssuerPath, s.Grace = "offline_access", "/oauth2/default", grace
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth2/default/.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("/oauth2/default/v1/authorize", s.authorize)
	mux.HandleFunc("/approve", s.approve)
	mux.HandleFunc("/oauth2/default/v1/token", s.token)
	mux.HandleFunc("/oauth2/default/v1/revoke", s.revoke)
	mux.HandleFunc("/oauth2/default/v1/keys", s.jwks)
	s.Handle(mux)
	return s
}

// EmulateGoogle behaves as Google's OAuth 2.0 for desktop apps documents:
// a client secret that is not secret, sent in the body; a refresh token
// only with access_type=offline, and on a later sign-in only with
// prompt=consent; offline_access refused as an invalid scope; refreshes
// answered without a new refresh token (no rotation).
func EmulateGoogle(t testing.TB) *OAuthServer {
	s := NewOAuthServer(t, "post")
	s.GoogleOffline, s.Rotate = true, false
	return s
}

// EmulateKeycloak behaves as Keycloak documents for a realm's public
// client: PKCE, rotating refresh tokens (a reused one is refused), and
// refresh_expires_in on every answer — the SSO session idle timeout (30
// minutes by default), or 0 for an offline token, which the
// offline_access scope asks for and whose end is the realm's offline
// session idle timeout (30 days by default), not said in the answer.
func EmulateKeycloak(t testing.TB) *OAuthServer {
	s := NewOAuthServer(t, "none")
	s.RefreshExpiresIn = 1800
	return s
}

// EmulateFrameIO behaves as Frame.io's OAuth documents: a refresh token only
// with the "offline" scope, expires_in 3600, a new refresh token on every
// refresh, scope sent again on refresh; public PKCE clients put client_id
// in the body, confidential ones use HTTP Basic.
func EmulateFrameIO(t testing.TB, method string) *OAuthServer {
	s := NewOAuthServer(t, method)
	s.OfflineScope, s.ScopeOnRefresh, s.TokenPath = "offline", true, "/oauth2/token"
	return s
}

// EmulateDisruptive behaves as Disruptive Technologies documents for
// service accounts: a JWT-bearer grant with an HS256 assertion (kid = key
// id, iss = email, aud = token URL, one hour), expires_in 3600, no refresh
// token.
func EmulateDisruptive(t testing.TB, keyID, email, secret string) *OAuthServer {
	s := NewOAuthServer(t, "none")
	s.JWTKeyID, s.JWTIssuer, s.JWTSecret, s.TokenPath = keyID, email, secret, "/oauth2/token"
	return s
}

// Count is how many requests of a grant type (or "revoke") arrived.
func (s *OAuthServer) Count(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[kind]
}

// Rejections lists every refusal, for diagnosis.
func (s *OAuthServer) Rejections() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.errors)
}

// Live tells whether a refresh token is currently accepted.
func (s *OAuthServer) Live(rt string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.refresh[rt]
	return ok
}

// Handle replaces the whole server's behaviour, e.g. to take it down.
func (s *OAuthServer) Handle(h http.Handler) { s.srv.Config.Handler = h }

func (s *OAuthServer) reject(w http.ResponseWriter, status int, code, why string) {
	s.errors = append(s.errors, code+": "+why)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": why})
}

func isLoopback(h string) bool {
	ip := net.ParseIP(h)
	return h == "localhost" || (ip != nil && ip.IsLoopback())
}

var signInPage = template.Must(template.New("").Parse(`<!doctype html><title>Sign in (emulated provider)</title>
<form method="get" action="/approve">{{range $k, $v := .}}<input type="hidden" name="{{$k}}" value="{{index $v 0}}">{{end}}
<input name="login" placeholder="user"> <input name="password" type="password"> <button type="submit">Sign in</button></form>`))

func (s *OAuthServer) authorize(w http.ResponseWriter, r *http.Request) {
	if s.AutoApprove {
		s.approve(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = signInPage.Execute(w, r.URL.Query())
}

func (s *OAuthServer) approve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	u, err := url.Parse(redirect)
	if err != nil || (s.RedirectURI != "" && redirect != s.RedirectURI) || !isLoopback(u.Hostname()) {
		s.mu.Lock()
		s.errors = append(s.errors, "redirect_uri mismatch: "+redirect)
		s.mu.Unlock()
		http.Error(w, "redirect_mismatch: the redirect URI is not registered", http.StatusBadRequest)
		return
	}
	back := u.Query()
	back.Set("state", q.Get("state"))
	switch {
	case s.AuthError != "":
		back.Set("error", s.AuthError)
		back.Set("error_description", "emulated <b>refusal</b>")
	case q.Get("client_id") != s.ClientID || q.Get("response_type") != "code":
		back.Set("error", "unauthorized_client")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "":
		back.Set("error", "invalid_request")
		back.Set("error_description", "PKCE S256 and state are required")
	case s.GoogleOffline && slices.Contains(strings.Fields(q.Get("scope")), "offline_access"):
		back.Set("error", "invalid_scope")
		back.Set("error_description", "Some requested scopes were invalid. {invalid=[offline_access]}")
	default:
		s.mu.Lock()
		s.seq++
		code := fmt.Sprintf("code-%d", s.seq)
		g := codeGrant{challenge: q.Get("code_challenge"), redirect: redirect, scope: q.Get("scope"), nonce: q.Get("nonce"), audience: q.Get("audience")}
		if s.GoogleOffline && q.Get("access_type") == "offline" && (!s.consented || q.Get("prompt") == "consent") {
			g.offline = true
		}
		s.consented = true
		s.codes[code] = g
		s.mu.Unlock()
		back.Set("code", code)
	}
	u.RawQuery = back.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// clientAuth enforces the one configured method.
func (s *OAuthServer) clientAuth(w http.ResponseWriter, r *http.Request) bool {
	return s.clientAuthAs(w, r, s.Method)
}

func (s *OAuthServer) clientAuthAs(w http.ResponseWriter, r *http.Request, method string) bool {
	user, pass, hasBasic := r.BasicAuth()
	bodyID, bodySecret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	ok := false
	switch method {
	case "none":
		ok = !hasBasic && bodyID == s.ClientID && bodySecret == ""
	case "basic":
		u, _ := url.QueryUnescape(user)
		p, _ := url.QueryUnescape(pass)
		ok = hasBasic && u == s.ClientID && p == s.Secret && bodySecret == ""
	case "post":
		ok = !hasBasic && bodyID == s.ClientID && bodySecret == s.Secret
	case "private_key_jwt":
		ok = !hasBasic && bodySecret == "" && s.clientAssertionOK(r)
	}
	if !ok {
		s.reject(w, http.StatusUnauthorized, "invalid_client", "client authentication must be "+method)
	}
	return ok
}

func (s *OAuthServer) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		s.reject(w, 400, "invalid_request", "POST a form")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	grant := r.PostForm.Get("grant_type")
	s.calls[grant]++
	if s.Fail != nil && s.Fail(w) {
		return
	}
	if s.RequireOrigin != "" && r.Header.Get("Origin") != s.RequireOrigin {
		s.reject(w, 400, "invalid_request", "AADSTS9002327: Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.")
		return
	}
	if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		s.jwtBearer(w, r)
		return
	}
	if !s.clientAuth(w, r) {
		return
	}
	resp := map[string]any{"token_type": "Bearer", "expires_in": int(s.Lifetime / time.Second)}
	s.seq++
	switch grant {
	case "authorization_code":
		c, ok := s.codes[r.PostForm.Get("code")]
		delete(s.codes, r.PostForm.Get("code"))
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		switch {
		case !ok:
			s.reject(w, 400, "invalid_grant", "unknown code")
			return
		case r.PostForm.Get("redirect_uri") != c.redirect:
			s.reject(w, 400, "invalid_grant", "redirect_uri differs from the authorization request")
			return
		case base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
			s.reject(w, 400, "invalid_grant", "PKCE verification failed")
			return
		}
		if (s.OfflineScope == "" || slices.Contains(strings.Fields(c.scope), s.OfflineScope)) && (!s.GoogleOffline || c.offline) {
			rt := fmt.Sprintf("rt-%06d", s.seq)
			s.refresh[rt] = c.scope
			resp["refresh_token"] = rt
			if s.Auth0 {
				s.audiences[rt] = c.audience
			}
		}
		resp["scope"] = c.scope
		if s.Auth0 && c.audience != "" {
			resp["access_token"] = s.accessJWT(fmt.Sprintf("at-%06d", s.seq), c.scope, c.audience)
		}
		if s.oidcKey != nil && slices.Contains(strings.Fields(c.scope), "openid") {
			resp["id_token"] = s.idToken(c.nonce)
		}
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if old, ok := s.rotated[rt]; ok && s.now().Sub(old.at) <= s.Grace {
			// Okta's grace period: the previous token works once more.
			delete(s.rotated, rt)
			delete(s.used, rt)
			s.refresh[rt] = old.scope
		}
		if s.used[rt] {
			// Reuse detection: the whole family dies.
			s.refresh = map[string]string{}
			s.reject(w, 400, "invalid_grant", "refresh token reused")
			return
		}
		scope, ok := s.refresh[rt]
		if !ok {
			s.reject(w, 400, "invalid_grant", "unknown refresh token")
			return
		}
		if s.ScopeOnRefresh && r.PostForm.Get("scope") != scope {
			s.reject(w, 400, "invalid_scope", "scope must be sent again on refresh")
			return
		}
		switch {
		case s.Rotate:
			delete(s.refresh, rt)
			s.used[rt] = true
			if s.Grace > 0 {
				if s.rotated == nil {
					s.rotated = map[string]rotation{}
				}
				s.rotated[rt] = rotation{s.now(), scope}
			}
			next := fmt.Sprintf("rt-%06d", s.seq)
			s.refresh[next] = scope
			resp["refresh_token"] = next
			if s.Auth0 {
				s.audiences[next] = s.audiences[rt]
			}
		case s.RefreshSendsRT:
			resp["refresh_token"] = rt
		}
		if aud := s.audiences[rt]; s.Auth0 && aud != "" {
			resp["access_token"] = s.accessJWT(fmt.Sprintf("at-%06d", s.seq), scope, aud)
		}
	case "urn:ietf:params:oauth:grant-type:device_code":
		if r.PostForm.Get("device_code") != "dc-1" {
			s.reject(w, 400, "invalid_grant", "unknown device code")
			return
		}
		s.PollTimes = append(s.PollTimes, time.Now())
		if len(s.DevicePolls) > 0 {
			next := s.DevicePolls[0]
			s.DevicePolls = s.DevicePolls[1:]
			var status int
			if _, err := fmt.Sscan(next, &status); err == nil {
				if _, after, ok := strings.Cut(next, "Retry-After: "); ok {
					w.Header().Set("Retry-After", after)
				}
				http.Error(w, http.StatusText(status), status)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": next})
			return
		}
		rt := fmt.Sprintf("rt-%06d", s.seq)
		s.refresh[rt] = "openid"
		resp["refresh_token"] = rt
	case "client_credentials":
		if r.PostForm.Get("audience") != s.WantAudience || !slices.Equal(r.PostForm["resource"], s.WantResource) {
			s.reject(w, 400, "invalid_target", fmt.Sprintf("audience %q and resource %q are not what this client may ask", r.PostForm.Get("audience"), r.PostForm["resource"]))
			return
		}
	default:
		s.reject(w, 400, "unsupported_grant_type", grant)
		return
	}
	if _, ok := resp["refresh_token"]; ok && s.RefreshExpiresIn > 0 {
		resp["refresh_expires_in"] = s.RefreshExpiresIn
		if strings.Contains(" "+s.refresh[resp["refresh_token"].(string)]+" ", " offline_access ") {
			resp["refresh_expires_in"] = 0
		}
	}
	if _, set := resp["access_token"]; !set {
		resp["access_token"] = fmt.Sprintf("at-%06d", s.seq)
	}
	if s.JWTAccess {
		resp["access_token"] = s.accessJWT(fmt.Sprintf("at-%06d", s.seq), resp["scope"], "https://api.example.test")
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// accessJWT is an access token in JWT form (unsigned: what it says is for
// reading, as a client may, not for trusting).
func (s *OAuthServer) accessJWT(id string, scope any, aud string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	now := s.now()
	claims := map[string]any{"iss": s.issuer(), "sub": "user-1", "aud": aud, "jti": id,
		"iat": now.Unix(), "exp": now.Add(s.Lifetime).Unix()}
	if scope != nil {
		claims["scope"] = scope
	}
	return enc(map[string]string{"alg": "none", "typ": "at+jwt"}) + "." + enc(claims) + ".sig"
}

func (s *OAuthServer) jwtBearer(w http.ResponseWriter, r *http.Request) {
	if s.JWTKeyID == "" {
		s.reject(w, 400, "unsupported_grant_type", "no service accounts here")
		return
	}
	if r.PostForm.Get("client_id") != "" || r.PostForm.Get("client_secret") != "" {
		s.reject(w, 400, "invalid_request", "the assertion is the only credential")
		return
	}
	aud := s.URL + s.TokenPath
	tok, err := jwt.Parse(r.PostForm.Get("assertion"), func(t *jwt.Token) (any, error) {
		if t.Header["kid"] != s.JWTKeyID {
			return nil, fmt.Errorf("unknown kid %v", t.Header["kid"])
		}
		return []byte(s.JWTSecret), nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithAudience(aud), jwt.WithIssuer(s.JWTIssuer),
		jwt.WithIssuedAt(), jwt.WithExpirationRequired(), jwt.WithLeeway(5*time.Second), jwt.WithTimeFunc(s.now))
	if err != nil {
		s.reject(w, 400, "invalid_grant", "bad assertion: "+err.Error())
		return
	}
	iat, _ := tok.Claims.GetIssuedAt()
	exp, _ := tok.Claims.GetExpirationTime()
	if iat == nil || exp.Sub(iat.Time) > time.Hour {
		s.reject(w, 400, "invalid_grant", "the assertion must live at most an hour")
		return
	}
	s.seq++
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("dt-at-%06d", s.seq), "token_type": "bearer", "expires_in": 3600})
}

// device is RFC 8628's device authorization endpoint: one device code,
// with the client authenticated as at the token endpoint.
func (s *OAuthServer) device(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		s.reject(w, 400, "invalid_request", "POST a form")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["device"]++
	if !s.clientAuth(w, r) {
		return
	}
	resp := map[string]any{"device_code": "dc-1", "user_code": "WDJB-MJHT", "verification_uri": s.URL + "/activate", "expires_in": 900}
	if s.DeviceInterval > 0 {
		resp["interval"] = s.DeviceInterval
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// clientAssertionOK checks a private_key_jwt client assertion (RFC 7523
// §3) as strictly as the strictest certified provider: signed by
// ClientKey, iss = sub = the client, aud exactly the token endpoint's URL
// (one string, at every endpoint: token, device, revocation), short-lived,
// with a jti never seen before.
func (s *OAuthServer) clientAssertionOK(r *http.Request) bool {
	if r.PostForm.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || s.ClientKey == nil {
		return false
	}
	tok, err := jwt.Parse(r.PostForm.Get("client_assertion"), func(*jwt.Token) (any, error) { return s.ClientKey, nil },
		jwt.WithValidMethods([]string{"RS256", "ES256"}), jwt.WithIssuer(s.ClientID),
		jwt.WithSubject(s.ClientID), jwt.WithExpirationRequired(), jwt.WithTimeFunc(s.now))
	if err != nil {
		return false
	}
	if aud, _ := tok.Claims.(jwt.MapClaims)["aud"].(string); aud != s.tokenEndpoint() {
		return false
	}
	jti, _ := tok.Claims.(jwt.MapClaims)["jti"].(string)
	if jti == "" || s.used["jti:"+jti] {
		return false
	}
	s.used["jti:"+jti] = true
	return r.PostForm.Get("client_id") == "" || r.PostForm.Get("client_id") == s.ClientID
}

func (s *OAuthServer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *OAuthServer) revoke(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil {
		s.reject(w, 400, "invalid_request", "form")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["revoke"]++
	method := s.RevokeMethod
	if method == "" {
		method = s.Method
	}
	if !s.clientAuthAs(w, r, method) {
		return
	}
	delete(s.refresh, r.PostForm.Get("token"))
	w.WriteHeader(http.StatusOK)
}

// EnableOpenID makes the server an OpenID provider too: discovery at its
// URL, a JWKS, and an RS256 ID token when openid is requested.
func (s *OAuthServer) EnableOpenID(t testing.TB) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s.oidcKey = k
}

func (s *OAuthServer) discovery(w http.ResponseWriter, r *http.Request) {
	if s.oidcKey == nil {
		http.NotFound(w, r)
		return
	}
	method := map[string]string{"none": "none", "basic": "client_secret_basic", "post": "client_secret_post"}[s.Method]
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": s.issuer(), "authorization_endpoint": s.endpoint("authorize"), "token_endpoint": s.endpoint("token"),
		"jwks_uri": s.endpoint("jwks"), "revocation_endpoint": s.endpoint("revoke"),
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "token_endpoint_auth_methods_supported": []string{method},
		"device_authorization_endpoint": s.URL + "/device",
	})
}

func (s *OAuthServer) jwks(w http.ResponseWriter, r *http.Request) {
	if s.oidcKey == nil {
		http.NotFound(w, r)
		return
	}
	pub := s.oidcKey.PublicKey
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

func (s *OAuthServer) idToken(nonce string) string {
	now := s.now()
	claims := jwt.MapClaims{"iss": s.issuer(), "aud": s.ClientID, "sub": "user-1", "email": "user@example.test",
		"nonce": nonce, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	if s.Tenant != "" {
		// Entra v2: the tenant's issuer and its id; the address in
		// preferred_username, no email claim without optional claims.
		claims["iss"], claims["tid"] = s.URL+"/"+s.Tenant+"/v2.0", s.Tenant
		claims["preferred_username"] = claims["email"]
		delete(claims, "email")
	}
	key := s.oidcKey
	switch s.IDTokenTamper {
	case "iss":
		claims["iss"] = "https://evil.example"
	case "aud":
		claims["aud"] = "someone-else"
	case "nonce":
		claims["nonce"] = "replayed"
	case "expired":
		claims["iat"], claims["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
	case "signature":
		key, _ = rsa.GenerateKey(rand.Reader, 2048)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = "k1"
	signed, _ := tok.SignedString(key)
	return signed
}
