package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/testkit"
)

// LightFi's Cognito: secret in the body, the redirect compared as a string,
// refresh answers without a refresh token.
func TestCognitoEmulation(t *testing.T) {
	port := freeTCPPort(t)
	for _, redirect := range []string{"http://localhost:" + port + "/", "http://localhost:" + port} {
		t.Run(redirect, func(t *testing.T) {
			p := testkit.EmulateCognito(t, "http://localhost:"+port+"/")
			prof := serverProfile(p, "lightfi")
			prof.RedirectURL = redirect
			s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(2560))})
			open, pages := browserSim(t)
			_, err := s.Login(context.Background(), LoginOptions{Open: open, Timeout: time.Second})
			if redirect != p.RedirectURI {
				// One character off: Cognito refuses, and so must the emulation.
				if err == nil {
					t.Fatal("a redirect one character off was accepted")
				}
				return
			}
			if err != nil {
				t.Fatalf("login: %v (%v)", err, p.Rejections())
			}
			<-pages
			first, _ := s.store.Load("lightfi")
			if err := s.Refresh(context.Background()); err != nil {
				t.Fatal(err)
			}
			cur, _ := s.store.Load("lightfi")
			if cur.RefreshToken != first.RefreshToken || cur.AccessToken == first.AccessToken {
				t.Error("after a refresh without a refresh token the old one must stay")
			}
		})
	}
}

// Frame.io: "offline" is what yields a refresh token, and scope must come
// again with each refresh.
func TestFrameIOEmulation(t *testing.T) {
	for _, c := range []struct {
		name           string
		method         string
		scopes         []string
		scopeOnRefresh bool
		wantRT         bool
		refreshErr     string
	}{
		{"public with offline", "none", []string{"asset.read", "offline"}, true, true, ""},
		{"confidential with offline", "basic", []string{"asset.read", "offline"}, true, true, ""},
		{"without offline", "none", []string{"asset.read"}, true, false, "cannot be renewed"},
		{"scope not resent", "none", []string{"asset.read", "offline"}, false, true, "scopes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := testkit.EmulateFrameIO(t, c.method)
			prof := serverProfile(p, "frameio")
			prof.Scopes, prof.ScopeOnRefresh = c.scopes, c.scopeOnRefresh
			s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
			var err error
			rec := login(t, s)
			if (rec.RefreshToken != "") != c.wantRT {
				t.Fatalf("refresh token after sign-in: %t, want %t", rec.RefreshToken != "", c.wantRT)
			}
			for range 3 {
				err = s.Refresh(context.Background())
				if err != nil {
					break
				}
				cur, _ := s.store.Load("frameio")
				if cur.RefreshToken == rec.RefreshToken || !p.Live(cur.RefreshToken) {
					t.Fatal("a new refresh token comes every time and must be stored")
				}
				rec = cur
			}
			if c.refreshErr == "" && err != nil {
				t.Errorf("refresh: %v (%v)", err, p.Rejections())
			}
			if c.refreshErr != "" && (err == nil || !strings.Contains(err.Error(), c.refreshErr)) {
				t.Errorf("refresh: %v, want an error about %q", err, c.refreshErr)
			}
		})
	}
}

// Disruptive Technologies service accounts: an HS256 assertion with the
// documented header and claims, nothing else accepted.
func TestDisruptiveEmulation(t *testing.T) {
	ecKey := ecKeyPEM(t)
	cases := []struct {
		name    string
		change  func(p *profile.Profile, secret *string)
		wantErr string
		wantIs  error
	}{
		{"as documented", func(*profile.Profile, *string) {}, "", nil},
		{"wrong secret", func(_ *profile.Profile, s *string) { *s = "not-it" }, "refused the service account", ErrSignInNeeded},
		{"wrong kid", func(p *profile.Profile, _ *string) { p.KeyID = "other" }, "refused the service account", ErrSignInNeeded},
		{"wrong iss", func(p *profile.Profile, _ *string) { p.Email = "else@example.test" }, "refused the service account", ErrSignInNeeded},
		{"wrong aud", func(p *profile.Profile, _ *string) { p.Audience = "https://elsewhere.example/token" }, "refused the service account", ErrSignInNeeded},
		{"wrong alg", func(p *profile.Profile, s *string) { p.JWTAlg, *s = "ES256", ecKey }, "refused the service account", ErrSignInNeeded},
		{"no secret", func(_ *profile.Profile, s *string) { *s = "" }, "secret set", ErrNoSecret},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testkit.EmulateDisruptive(t, "key-1", "sa@project.serviceaccount.d21s.com", "dt-secret")
			prof := &profile.Profile{Name: "dt", Grant: "jwt-bearer", TokenURL: p.URL + "/oauth2/token", KeyID: "key-1", Email: "sa@project.serviceaccount.d21s.com"}
			secret := "dt-secret"
			c.change(prof, &secret)
			kr := keychain.NewMemory(0)
			clock := &fakeClock{now: time.Now()}
			p.Now = clock.Now
			s := NewSession(prof, Options{Store: keychain.MemoryStore(kr), Clock: clock})
			if secret != "" {
				if err := s.store.SetSecret(s.Profile().Name, s.Profile().Binding(), secret); err != nil {
					t.Fatal(err)
				}
			}
			rec, err := s.Login(context.Background(), LoginOptions{})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !errors.Is(err, c.wantIs) {
					t.Fatalf("got %v, want %v with %q", err, c.wantIs, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("login: %v (%v)", err, p.Rejections())
			}
			if rec.RefreshToken != "" || rec.Expiry.Sub(clock.Now()) != time.Hour {
				t.Errorf("record %v", rec)
			}
			// Reused while more than 60 s remain; a new assertion after.
			clock.Add(58 * time.Minute)
			if r, err := s.Get(context.Background(), defaults.MinValid); err != nil || r.Refreshed {
				t.Fatalf("2 minutes left: %+v %v", r, err)
			}
			clock.Add(90 * time.Second)
			r, err := s.Get(context.Background(), defaults.MinValid)
			if err != nil || !r.Refreshed || r.Token.AccessToken == rec.AccessToken {
				t.Fatalf("30 s left: %+v %v", r, err)
			}
			if n := p.Count("urn:ietf:params:oauth:grant-type:jwt-bearer"); n != 2 {
				t.Errorf("%d token requests, want 2", n)
			}
			if m := s.RefreshMargin(rec); m != time.Minute {
				t.Errorf("background margin %s, want the documented 60 s", m)
			}
		})
	}
}

// ecKeyPEM is an ES256 private key: a valid key of the wrong kind for
// a provider that wants HS256.
func ecKeyPEM(t *testing.T) string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
}

// ID tokens are checked: signature, issuer, audience, expiry and nonce. A
// bad one ends the sign-in with an error and stores nothing.
func TestIDTokenVerification(t *testing.T) {
	for _, tamper := range []string{"", "iss", "aud", "nonce", "signature", "expired"} {
		t.Run("tamper="+tamper, func(t *testing.T) {
			p := testkit.NewOAuthServer(t, "basic")
			p.EnableOpenID(t)
			p.IDTokenTamper = tamper
			prof := &profile.Profile{Name: "oidc", Issuer: p.URL, ClientID: p.ClientID, ClientSecret: p.Secret, Scopes: []string{"openid", "email"}}
			kr := keychain.NewMemory(0)
			s := NewSession(prof, Options{Store: keychain.MemoryStore(kr)})
			open, pages := browserSim(t)
			rec, err := s.Login(context.Background(), LoginOptions{Open: open, Timeout: 5 * time.Second})
			page := <-pages
			if tamper == "" {
				if err != nil || rec.Email != "user@example.test" || rec.Subject != "user-1" {
					t.Fatalf("good ID token: %v %v", rec, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("an ID token with a bad %s was accepted", tamper)
			}
			if !strings.Contains(page, "could not sign you in") {
				t.Errorf("the browser was told %q", page)
			}
			if n := len(kr.Names()); n != 0 {
				t.Errorf("a rejected sign-in stored %d items", n)
			}
			t.Logf("%s: %v", tamper, err)
		})
	}
}

// selfSigned is a new CA certificate (DER) that signed nothing.
func selfSigned(t *testing.T) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "another CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// A provider behind a private CA: trusted through ca_file, and without it a
// TLS failure is an outage, never a sign-out.
func TestCAFile(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	target, _ := url.Parse(p.URL)
	tlsSrv := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	defer tlsSrv.Close()
	caPath := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	kr := keychain.NewMemory(0)
	tlsProf := *serverProfile(p, "work")
	tlsProf.TokenURL = tlsSrv.URL + "/token"
	tlsProf.SendTokensToOtherOrigins = []string{tlsSrv.URL}
	tlsProf.CAFile = caPath
	trusted := NewSession(&tlsProf, Options{Store: keychain.MemoryStore(kr)})
	login(t, trusted)
	if err := trusted.Refresh(context.Background()); err != nil {
		t.Errorf("with ca_file: %v", err)
	}

	// The CA file now holds another certificate: the provider's no longer
	// verifies.
	if err := os.WriteFile(caPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: selfSigned(t)}), 0o600); err != nil {
		t.Fatal(err)
	}
	untrusted := NewSession(&tlsProf, Options{Store: keychain.MemoryStore(kr)})
	err := untrusted.Refresh(context.Background())
	if !errors.Is(err, ErrProviderUnreachable) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("with an untrusted certificate: %v, want an unreachable provider over a certificate error", err)
	}
	if st := untrusted.State(); st.Kind != Retrying || !st.HasRefreshToken {
		t.Errorf("a TLS failure left the session %s, want %s with its refresh token", st.Kind, Retrying)
	}
}

// Keycloak: offline_access gives an offline token, whose answer says
// refresh_expires_in 0 (no end of its own): it signs in, its end is the
// profile's refresh_token_lifetime (the realm's offline session idle);
// without offline_access the refresh token ends with the SSO session idle
// timeout the answer gives. Refresh tokens rotate.
func TestKeycloakEmulation(t *testing.T) {
	for _, c := range []struct {
		name   string
		scopes []string
		want   time.Duration
	}{
		{"offline", []string{"email", "offline_access"}, 720 * time.Hour},
		{"online", []string{"email"}, 1800 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := testkit.EmulateKeycloak(t)
			prof := serverProfile(p, "keycloak")
			prof.Scopes, prof.RefreshTokenLifetime = c.scopes, profile.Duration{Duration: 720 * time.Hour}
			clock := &fakeClock{now: time.Now()}
			s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0)), Clock: clock})
			first := login(t, s)
			if got := first.RefreshExpiry.Sub(clock.Now()); got != c.want {
				t.Errorf("refresh token ends in %s, want %s", got, c.want)
			}
			clock.Add(time.Minute)
			if err := s.Refresh(context.Background()); err != nil {
				t.Fatalf("refresh: %v (%v)", err, p.Rejections())
			}
			cur, _ := s.store.Load("keycloak")
			if cur.RefreshToken == first.RefreshToken || cur.RefreshExpiry.Sub(clock.Now()) != c.want {
				t.Errorf("after a refresh: rotated %t, ends in %s", cur.RefreshToken != first.RefreshToken, cur.RefreshExpiry.Sub(clock.Now()))
			}
		})
	}
}

// Google (desktop app): access_type=offline with prompt=consent, as the
// example profile sets, gets a refresh token on every sign-in, and keeps
// it across refreshes (no rotation); without prompt=consent a second
// sign-in gets none; offline_access is refused in plain words.
func TestGoogleEmulation(t *testing.T) {
	cfg, err := profile.LoadConfig("../examples/google.toml")
	if err != nil {
		t.Fatal(err)
	}
	example := cfg.Profiles["google"]
	p := testkit.EmulateGoogle(t)
	prof := serverProfile(p, "google")
	prof.AuthParams, prof.Scopes = example.AuthParams, []string{"email"}
	s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
	for i := range 2 {
		if rec := login(t, s); rec.RefreshToken == "" {
			t.Fatalf("sign-in %d with the example's auth_params: no refresh token", i+1)
		}
	}
	first, _ := s.store.Load("google")
	if err := s.Refresh(context.Background()); err != nil {
		t.Fatalf("refresh: %v (%v)", err, p.Rejections())
	}
	if cur, _ := s.store.Load("google"); cur.RefreshToken != first.RefreshToken || cur.AccessToken == first.AccessToken {
		t.Error("a refresh must keep Google's refresh token and bring a new access token")
	}

	noPrompt := *prof
	noPrompt.AuthParams = map[string]string{"access_type": "offline"}
	if rec := login(t, NewSession(&noPrompt, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})); rec.RefreshToken != "" {
		t.Error("a second consent without prompt=consent got a refresh token; Google gives none")
	}

	offline := *prof
	offline.Scopes = []string{"email", "offline_access"}
	open, pages := browserSim(t)
	_, err = NewSession(&offline, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))}).Login(context.Background(), LoginOptions{Open: open, Timeout: 5 * time.Second})
	<-pages
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Code != "invalid_scope" {
		t.Errorf("offline_access at Google: %v", err)
	}
}

// Entra ID v2: a tenant's issuer; the multi-tenant "organizations" issuer,
// whose discovery publishes a {tenantid} template that each ID token fills
// with its tid (a token whose issuer is not its tenant's is refused); a
// single-page-app registration, which refuses token requests without the
// Origin the profile's token_headers sets; offline_access for a refresh
// token, rotated on every refresh.
func TestEntraEmulation(t *testing.T) {
	const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	cases := []struct {
		name, path, spa, origin, tamper string
		want                            string // in the error; "" for a sign-in
	}{
		{"tenant", tenant, "", "", "", ""},
		{"organizations", "organizations", "", "", "", ""},
		{"common", "common", "", "", "", ""},
		{"another tenant's issuer", "organizations", "", "", "iss", "not its tenant's"},
		{"single-page app without Origin", tenant, "http://localhost:3000", "", "", "AADSTS9002327"},
		{"single-page app", tenant, "http://localhost:3000", "http://localhost:3000", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testkit.EmulateEntra(t, tenant, c.spa)
			p.IDTokenTamper = c.tamper
			prof := &profile.Profile{Name: "entra", Issuer: p.URL + "/" + c.path + "/v2.0", ClientID: p.ClientID,
				Scopes: []string{"openid", "profile", "offline_access", "api://tokentray-test/.default"}}
			if c.origin != "" {
				prof.TokenHeaders = map[string]string{"Origin": c.origin}
			}
			if err := prof.Check(); err != nil {
				t.Fatalf("profile: %v", err)
			}
			s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
			open, pages := browserSim(t)
			rec, err := s.Login(context.Background(), LoginOptions{Open: open, Timeout: 5 * time.Second})
			select {
			case <-pages:
			case <-time.After(5 * time.Second): // refused before any page
			}
			if c.want != "" {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("got %v, want an error with %q", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("login: %v (%v)", err, p.Rejections())
			}
			if rec.Who() != "user@example.test" || rec.RefreshToken == "" {
				t.Errorf("signed in as %q, refresh token %t", rec.Who(), rec.RefreshToken != "")
			}
			if err := s.Refresh(context.Background()); err != nil {
				t.Fatalf("refresh: %v (%v)", err, p.Rejections())
			}
			// Entra's refresh answer carries no ID token: the account named
			// at sign-in stays.
			if cur, _ := s.store.Load("entra"); cur.RefreshToken == rec.RefreshToken || cur.Who() != "user@example.test" {
				t.Errorf("after a refresh: rotated %t, account %q", cur.RefreshToken != rec.RefreshToken, cur.Who())
			}
		})
	}
}

// Auth0: the example's issuer written without Auth0's trailing slash still
// verifies ID tokens; the audience in auth_params brings a JWT for that
// API, on sign-in and after each rotating refresh.
func TestAuth0Emulation(t *testing.T) {
	cfg, err := profile.LoadConfig("../examples/auth0.toml")
	if err != nil {
		t.Fatal(err)
	}
	example := cfg.Profiles["auth0"]
	p := testkit.EmulateAuth0(t)
	prof := &profile.Profile{Name: "auth0", Issuer: p.URL, ClientID: p.ClientID, Scopes: example.Scopes, AuthParams: example.AuthParams}
	s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
	rec := login(t, s)
	aud := func(tok string) string {
		parts := strings.Split(tok, ".")
		if len(parts) != 3 {
			return "(opaque)"
		}
		b, _ := base64.RawURLEncoding.DecodeString(parts[1])
		var c struct {
			Aud string `json:"aud"`
		}
		_ = json.Unmarshal(b, &c)
		return c.Aud
	}
	if got := aud(rec.AccessToken); got != example.AuthParams["audience"] || rec.Who() != "user@example.test" || rec.RefreshToken == "" {
		t.Fatalf("access token for %q, account %q, refresh token %t", got, rec.Who(), rec.RefreshToken != "")
	}
	if err := s.Refresh(context.Background()); err != nil {
		t.Fatalf("refresh: %v (%v)", err, p.Rejections())
	}
	cur, _ := s.store.Load("auth0")
	if aud(cur.AccessToken) != example.AuthParams["audience"] || cur.RefreshToken == rec.RefreshToken {
		t.Errorf("after a refresh: access token for %q, rotated %t", aud(cur.AccessToken), cur.RefreshToken != rec.RefreshToken)
	}
}

// Okta's custom authorization server: the issuer under /oauth2/default
// with its endpoints under /v1/ (discovery finds them, on the issuer's
// site); the refresh token rotates with a grace period — tokentray uses the
// newest, so refreshes long after the grace still work; sign-out revokes at
// /v1/revoke.
func TestOktaEmulation(t *testing.T) {
	cfg, err := profile.LoadConfig("../examples/okta.toml")
	if err != nil {
		t.Fatal(err)
	}
	p := testkit.EmulateOkta(t, 30*time.Second)
	clock := &fakeClock{now: time.Now()}
	p.Now = clock.Now
	prof := &profile.Profile{Name: "okta", Issuer: p.URL + "/oauth2/default", ClientID: p.ClientID, Scopes: cfg.Profiles["okta"].Scopes}
	s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0)), Clock: clock})
	rec := login(t, s)
	if rec.Who() != "user@example.test" || rec.RefreshToken == "" {
		t.Fatalf("signed in as %q, refresh token %t", rec.Who(), rec.RefreshToken != "")
	}
	for i := range 3 {
		clock.Add(10 * time.Minute) // well past the grace period each time
		if err := s.Refresh(context.Background()); err != nil {
			t.Fatalf("refresh %d: %v (%v)", i+1, err, p.Rejections())
		}
	}
	res, err := s.Logout(context.Background())
	if err != nil || !res.Revoked || p.Count("revoke") != 1 {
		t.Errorf("logout: %+v, %v, %d revocations", res, err, p.Count("revoke"))
	}
}
