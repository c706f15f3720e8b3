package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/testkit"
)

func login(t *testing.T, s *Session) *keychain.Record {
	t.Helper()
	open, pages := browserSim(t)
	rec, err := s.Login(context.Background(), LoginOptions{Open: open, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if page := <-pages; !strings.HasPrefix(page, "200 ") || !strings.Contains(page, "You are signed in") {
		t.Errorf("callback page: %q", page)
	}
	return rec
}

// Client credentials go exactly where the profile says, on every request:
// code exchange, refresh and revocation.
func TestClientAuthPlacement(t *testing.T) {
	for _, method := range []string{"none", "basic", "post"} {
		t.Run(method, func(t *testing.T) {
			p := testkit.NewOAuthServer(t, method)
			kr := keychain.NewMemory(0)
			s, clock := newTestSession(t, p, kr)
			login(t, s)
			clock.Add(2 * time.Hour)
			if _, err := s.Get(context.Background(), time.Minute); err != nil {
				t.Fatalf("refresh: %v (provider saw %v)", err, p.Rejections())
			}
			rec, _ := s.store.Load("work")
			res, err := s.Logout(context.Background())
			if err != nil || !res.Revoked {
				t.Fatalf("logout: %+v, %v (provider saw %v)", res, err, p.Rejections())
			}
			// Counted at the provider, not taken from the result.
			if n := p.Count("revoke"); n != 1 || p.Live(rec.RefreshToken) {
				t.Errorf("the provider received %d revocations and the refresh token is live %t; want 1 and dead", n, p.Live(rec.RefreshToken))
			}
			if len(p.Rejections()) != 0 {
				t.Errorf("provider rejected: %v", p.Rejections())
			}
			if n := len(kr.Names()); n != 0 {
				t.Errorf("logout left %d keychain items", n)
			}
		})
	}
}

// A profile that puts the secret in the wrong place gets a plain-words
// configuration error, not "sign in again".
func TestWrongClientAuthSaysSo(t *testing.T) {
	p := testkit.NewOAuthServer(t, "post")
	prof := serverProfile(p, "work")
	prof.ClientAuth = "basic"
	s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
	open, pages := browserSim(t)
	_, err := s.Login(context.Background(), LoginOptions{Open: open, Timeout: 10 * time.Second})
	if err == nil || errors.Is(err, ErrSignInNeeded) || !strings.Contains(err.Error(), "client_auth") {
		t.Errorf("login with basic against a post-only provider: %v", err)
	}
	if page := <-pages; !strings.Contains(page, "could not sign you in") {
		t.Errorf("callback page: %q", page)
	}
}

func TestLoginProviderRefusal(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	p.AuthError = "access_denied"
	s, _ := newTestSession(t, p, keychain.NewMemory(0))
	open, pages := browserSim(t)
	_, err := s.Login(context.Background(), LoginOptions{Open: open, Timeout: 10 * time.Second})
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Code != "access_denied" || !strings.Contains(err.Error(), "declined") {
		t.Errorf("login refused by the provider: %v", err)
	}
	page := <-pages
	if strings.Contains(page, "<b>refusal</b>") || !strings.Contains(page, "&lt;b&gt;refusal&lt;/b&gt;") {
		t.Errorf("the provider's description must be shown escaped: %q", page)
	}
}

func TestLoginFixedRedirectSentVerbatim(t *testing.T) {
	p := testkit.NewOAuthServer(t, "post")
	port := freeTCPPort(t)
	p.RedirectURI = "http://localhost:" + port // no trailing slash: a different string to Cognito
	prof := serverProfile(p, "work")
	prof.RedirectURL = p.RedirectURI
	s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
	login(t, s)
	if len(p.Rejections()) != 0 {
		t.Errorf("provider rejected: %v", p.Rejections())
	}
}

func TestTokenReusesUntilMinValid(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	s, clock := newTestSession(t, p, keychain.NewMemory(0))
	first := login(t, s)
	for range 3 {
		r, err := s.Get(context.Background(), time.Minute)
		if err != nil || r.Refreshed || r.Token.AccessToken != first.AccessToken {
			t.Fatalf("within the lifetime: %+v, %v", r, err)
		}
	}
	if n := p.Count("refresh_token"); n != 0 {
		t.Fatalf("%d refreshes within the lifetime, want 0", n)
	}
	clock.Add(59*time.Minute + 30*time.Second) // 30 s left, less than the minute asked for
	r, err := s.Get(context.Background(), time.Minute)
	if err != nil || !r.Refreshed || r.Token.AccessToken == first.AccessToken {
		t.Fatalf("near expiry: %+v, %v", r, err)
	}
	if n := p.Count("refresh_token"); n != 1 {
		t.Errorf("%d refreshes near expiry, want 1", n)
	}
}

func TestRotatedRefreshTokenStoredFirst(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	kr := keychain.NewMemory(0)
	s, clock := newTestSession(t, p, kr)
	login(t, s)
	for i := range 20 {
		clock.Add(2 * time.Hour)
		r, err := s.Get(context.Background(), time.Minute)
		if err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		rec, _ := s.store.Load("work")
		if rec.AccessToken != r.Token.AccessToken || !p.Live(rec.RefreshToken) {
			t.Fatalf("cycle %d: the keychain does not hold the newest tokens", i)
		}
	}
}

// When the rotated refresh token cannot be stored, the new access token is
// not handed out and the stored record stays as it was.
func TestRotationNotUsedWhenStoreFails(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	kr := keychain.NewMemory(0)
	s, clock := newTestSession(t, p, kr)
	before := login(t, s)
	clock.Add(2 * time.Hour)
	kr.FailSets()
	_, err := s.Get(context.Background(), time.Minute)
	if err == nil || !strings.Contains(err.Error(), "could not be stored") {
		t.Fatalf("store failure: %v", err)
	}
	rec, _ := s.store.Load("work")
	if rec.RefreshToken != before.RefreshToken || rec.AccessToken != before.AccessToken {
		t.Error("a failed save changed the stored record")
	}
}

// Cognito answers a refresh without a refresh token: keep the old one.
func TestRefreshWithoutNewRefreshTokenKeepsOld(t *testing.T) {
	p := testkit.NewOAuthServer(t, "post")
	p.Rotate = false
	s, clock := newTestSession(t, p, keychain.NewMemory(0))
	first := login(t, s)
	clock.Add(2 * time.Hour)
	if _, err := s.Get(context.Background(), time.Minute); err != nil {
		t.Fatal(err)
	}
	rec, _ := s.store.Load("work")
	if rec.RefreshToken != first.RefreshToken || rec.AccessToken == first.AccessToken {
		t.Errorf("after a refresh without a new refresh token: %v", rec)
	}
}

func TestRefreshFailures(t *testing.T) {
	cases := []struct {
		name     string
		fail     func(w http.ResponseWriter) bool
		expired  bool
		wantErr  error // nil: the still-valid token with a warning
		wantText string
		// said is the provider's own words, for the windows (ProviderSaid).
		said string
	}{
		{"invalid_grant signs out", rejectWith(400, `{"error":"invalid_grant","error_description":"revoked"}`), true, ErrSignInNeeded, "no longer accepts", "revoked"},
		{"invalid_grant even with time left", rejectWith(400, `{"error":"invalid_grant"}`), false, ErrSignInNeeded, "invalid_grant", ""},
		{"503 with an expired token", rejectWith(503, `<html>down</html>`), true, ErrProviderUnreachable, "HTTP 503", ""},
		{"503 with time left", rejectWith(503, `oops`), false, nil, "HTTP 503", ""},
		{"garbage 200", rejectWith(200, `{"access_token": 12`), true, ErrProviderUnreachable, "", ""},
		{"200 without access_token", rejectWith(200, `{"token_type":"bearer"}`), true, ErrProviderUnreachable, "", ""},
		{"invalid_client is a configuration error", rejectWith(401, `{"error":"invalid_client","error_description":"client authentication failed\u0007"}`), true, nil, "client", "client authentication failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testkit.NewOAuthServer(t, "none")
			kr := keychain.NewMemory(0)
			s, clock := newTestSession(t, p, kr)
			rec := login(t, s)
			p.Fail = c.fail
			if c.expired {
				clock.Add(2 * time.Hour)
			} else {
				clock.Add(59 * time.Minute)
			}
			r, err := s.Get(context.Background(), 5*time.Minute)
			switch {
			case c.wantErr != nil:
				if !errors.Is(err, c.wantErr) || !strings.Contains(err.Error(), c.wantText) {
					t.Errorf("got %v, want %v mentioning %q", err, c.wantErr, c.wantText)
				}
			case c.name == "invalid_client is a configuration error":
				if err == nil || errors.Is(err, ErrSignInNeeded) || errors.Is(err, ErrProviderUnreachable) || !strings.Contains(err.Error(), c.wantText) {
					t.Errorf("got %v, want a configuration error", err)
				}
			default:
				if err != nil || r.Token.AccessToken != rec.AccessToken || r.Warning == nil || !strings.Contains(r.Warning.Error(), c.wantText) {
					t.Errorf("got %+v, %v; want the still-valid token and a warning", r, err)
				}
			}
			if got := ProviderSaid(errors.Join(err, r.Warning)); got != c.said {
				t.Errorf("the provider said %q, want %q", got, c.said)
			}
			for what, e := range map[string]error{"error": err, "warning": r.Warning} {
				if e != nil && (strings.Contains(e.Error(), rec.RefreshToken) || strings.Contains(e.Error(), rec.AccessToken)) {
					t.Errorf("the %s shows a token: %v", what, e)
				}
			}
			// What another process sees afterwards: the same state as this
			// one, from the keychain alone.
			stored, lerr := keychain.MemoryStore(kr).Load("work")
			if lerr != nil {
				t.Fatalf("a failed refresh deleted the stored sign-in: %v", lerr)
			}
			other, _ := newTestSession(t, p, kr)
			rejected := errors.Is(c.wantErr, ErrSignInNeeded)
			if got := other.Look().Kind; rejected && got != NeedsSignIn {
				t.Errorf("another process sees %s after invalid_grant, want %s", got, NeedsSignIn)
			}
			if got := s.State().Kind; rejected != (got == NeedsSignIn) {
				t.Errorf("state %s after the failure", got)
			}
			if rejected && (stored.RefreshToken != "" || stored.AccessToken != "" || stored.Who() != rec.Who()) {
				t.Errorf("after invalid_grant the keychain holds refresh token %v, access token %v, who %q; want the dead tokens gone, the account kept", stored.RefreshToken != "", stored.AccessToken != "", stored.Who())
			}
			// The provider ended the grant: the access token it revoked
			// with it is not served either, to a plain request here or
			// elsewhere (issue: `token --min-valid 10h` said sign in, the
			// next plain `token` printed the dead token).
			for who, sess := range map[string]*Session{"this process": s, "another process": other} {
				if r, err := sess.Get(context.Background(), time.Second); rejected && (err == nil || !errors.Is(err, ErrSignInNeeded) || r.Token != nil) {
					t.Errorf("%s, asked for any token after the rejection: %+v, %v", who, r, err)
				}
			}
			if !rejected && stored.RefreshToken != rec.RefreshToken {
				t.Error("a failure that is no rejection dropped the refresh token")
			}
		})
	}
}

func rejectWith(status int, body string) func(w http.ResponseWriter) bool {
	return func(w http.ResponseWriter) bool {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

func TestNotSignedIn(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	s, _ := newTestSession(t, p, keychain.NewMemory(0))
	if _, err := s.Token(); !errors.Is(err, ErrSignInNeeded) {
		t.Errorf("Token before login: %v", err)
	}
	res, err := s.Logout(context.Background())
	if err != nil || res.WasSignedIn {
		t.Errorf("Logout before login: %+v %v", res, err)
	}
}

// Without a refresh token, the access token is served until it expires, then
// sign-in is needed; no refresh is attempted.
func TestNoRefreshToken(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	kr := keychain.NewMemory(0)
	s, clock := newTestSession(t, p, kr)
	login(t, s)
	rec, _ := s.store.Load("work")
	rec.RefreshToken = ""
	if err := s.store.Save("work", rec); err != nil {
		t.Fatal(err)
	}
	clock.Add(58 * time.Minute)
	r, err := s.Get(context.Background(), 5*time.Minute)
	if err != nil || r.Warning == nil {
		t.Errorf("2 minutes left, no refresh token: %+v %v", r, err)
	} else if !strings.Contains(r.Warning.Error(), "the token expires in 2 min and") {
		// Said as people say it, not Go's 2m0s (issue 29).
		t.Errorf("warning %q, want it to say 2 min", r.Warning)
	}
	clock.Add(5 * time.Minute)
	if _, err := s.Get(context.Background(), time.Minute); !errors.Is(err, ErrSignInNeeded) {
		t.Errorf("expired without refresh token: %v", err)
	}
	if n := p.Count("refresh_token"); n != 0 {
		t.Errorf("%d refresh attempts without a refresh token", n)
	}
}

func TestLogoutWhenRevocationFails(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	kr := keychain.NewMemory(0)
	s, _ := newTestSession(t, p, kr)
	login(t, s)
	p.Handle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	res, err := s.Logout(context.Background())
	if err != nil || res.Revoked || res.RevokeErr == nil || !res.WasSignedIn {
		t.Errorf("logout with the provider down: %+v %v", res, err)
	}
	if n := len(kr.Names()); n != 0 {
		t.Errorf("the tokens must be deleted locally anyway; %d items left", n)
	}
}

func TestLogoutWithoutRevocationEndpoint(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	prof := serverProfile(p, "work")
	prof.RevocationURL = ""
	kr := keychain.NewMemory(0)
	s := NewSession(prof, Options{Store: keychain.MemoryStore(kr)})
	login(t, s)
	res, err := s.Logout(context.Background())
	if err != nil || !errors.Is(res.RevokeErr, ErrNoRevocation) || len(kr.Names()) != 0 {
		t.Errorf("logout without revocation endpoint: %+v %v", res, err)
	}
}

func TestClientSecretFromKeychainWins(t *testing.T) {
	p := testkit.NewOAuthServer(t, "post")
	prof := serverProfile(p, "work")
	prof.ClientSecret = "stale-secret-from-file"
	kr := keychain.NewMemory(0)
	s := NewSession(prof, Options{Store: keychain.MemoryStore(kr)})
	if err := s.store.SetSecret(s.Profile().Name, s.Profile().Binding(), p.Secret); err != nil {
		t.Fatal(err)
	}
	login(t, s)
}

// With TrustMemory (the tray) a fresh token is served from memory, and a
// refresh still starts from the keychain: another process's rotation is
// used, not presented again.
func TestTrustMemory(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	kr := keychain.NewMemory(0)
	clock := &fakeClock{now: time.Now()}
	tray := NewSession(serverProfile(p, "work"), Options{Store: keychain.MemoryStore(kr), Clock: clock, TrustMemory: true})
	other := NewSession(serverProfile(p, "work"), Options{Store: keychain.MemoryStore(kr), Clock: clock})
	first := login(t, tray)
	if err := other.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	r, err := tray.Get(context.Background(), time.Minute)
	if err != nil || r.Token.AccessToken != first.AccessToken {
		t.Fatalf("a fresh token in memory was not served from memory: %+v, %v", r, err)
	}
	clock.Add(59*time.Minute + 30*time.Second)
	r, err = tray.Get(context.Background(), time.Minute)
	if err != nil || !r.Refreshed {
		t.Fatalf("refresh after another process rotated: %+v, %v", r, err)
	}
	if n := p.Count("refresh_token"); n != 2 {
		t.Errorf("%d refreshes, want 2", n)
	}
	if len(p.Rejections()) != 0 {
		t.Errorf("the provider rejected: %v", p.Rejections())
	}
	if _, err := tray.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := tray.Get(context.Background(), time.Minute); !errors.Is(err, ErrSignInNeeded) {
		t.Errorf("after sign-out, memory still served a token: %v", err)
	}
}

// A saved sign-in belongs to every setting that decides where its tokens
// go: each bound field, changed alone — token_url on the same site at
// another path, say — makes it another profile's, refused and sent
// nowhere, and so is its secret.
func TestEveryBoundFieldBindsTheSignIn(t *testing.T) {
	base := profile.Profile{Name: "work", ClientID: "c", AuthURL: "https://id.example/auth", TokenURL: "https://id.example/token",
		RevocationURL: "https://id.example/revoke", UserinfoURL: "https://id.example/me"}
	sa := profile.Profile{Name: "work", Grant: "jwt-bearer", TokenURL: "https://id.example/token", KeyID: "k", Email: "sa@example", JWTAlg: "RS256"}
	for _, c := range []struct {
		field  string
		of     profile.Profile
		change func(p *profile.Profile)
	}{
		{"token_url", base, func(p *profile.Profile) { p.TokenURL = "https://id.example/other/token" }},
		{"auth_url", base, func(p *profile.Profile) { p.AuthURL = "https://id.example/other/auth" }},
		{"revocation_url", base, func(p *profile.Profile) { p.RevocationURL = "https://id.example/other/revoke" }},
		{"userinfo_url", base, func(p *profile.Profile) { p.UserinfoURL = "https://id.example/other/me" }},
		{"device_authorization_url", base, func(p *profile.Profile) { p.DeviceAuthURL = "https://id.example/device" }},
		{"issuer", base, func(p *profile.Profile) { p.Issuer = "https://id.example" }},
		{"client_id", base, func(p *profile.Profile) { p.ClientID = "d" }},
		{"grant", base, func(p *profile.Profile) { p.Grant = "device_code" }},
		{"ca_file", base, func(p *profile.Profile) { p.CAFile = "/etc/ssl/other.pem" }},
		{"send_tokens_to_other_origins", base, func(p *profile.Profile) { p.SendTokensToOtherOrigins = []string{"https://else.example"} }},
		{"service account token_url", sa, func(p *profile.Profile) { p.TokenURL = "https://id.example/other/token" }},
		{"key_id", sa, func(p *profile.Profile) { p.KeyID = "k2" }},
		{"email", sa, func(p *profile.Profile) { p.Email = "other@example" }},
		{"audience", sa, func(p *profile.Profile) { p.Audience = "https://id.example/aud" }},
		{"jwt_alg", sa, func(p *profile.Profile) { p.JWTAlg = "ES256" }},
		{"private_key_file", sa, func(p *profile.Profile) { p.PrivateKeyFile = "/etc/tokentray/k.pem" }},
	} {
		t.Run(c.field, func(t *testing.T) {
			kr := keychain.NewMemory(0)
			genuine := c.of
			s := NewSession(&genuine, Options{Store: keychain.MemoryStore(kr)})
			if err := s.save(&keychain.Record{AccessToken: "aaaa-genuine-access", RefreshToken: "rrrr-genuine-refresh", Expiry: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if err := s.store.SetSecret(genuine.Name, genuine.Binding(), "genuine-secret"); err != nil {
				t.Fatal(err)
			}
			other := c.of
			c.change(&other)
			lookalike := NewSession(&other, Options{Store: keychain.MemoryStore(kr)})
			if r, err := lookalike.Get(context.Background(), time.Minute); !errors.Is(err, errElsewhere) || r.Token != nil {
				t.Errorf("the sign-in made for the genuine settings: %+v, %v", r, err)
			}
			if _, err := lookalike.clientSecret(); !errors.Is(err, keychain.ErrSecretElsewhere) {
				t.Errorf("the genuine secret: %v", err)
			}
		})
	}
}
