package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/testkit"
)

// deviceServer is the strict server with OpenID discovery (which names its
// device endpoint) and a profile for it.
func deviceServer(t *testing.T, method string) (*testkit.OAuthServer, *profile.Profile) {
	p := testkit.NewOAuthServer(t, method)
	p.EnableOpenID(t)
	p.DeviceInterval = 1
	prof := &profile.Profile{Name: "work", Issuer: p.URL, ClientID: p.ClientID, ClientSecret: p.Secret, ClientAuth: method, Grant: "device_code"}
	return p, prof
}

// The device flow polls at the provider's pace and says each way it can
// end in its own words.
func TestDeviceCodePolling(t *testing.T) {
	cases := []struct {
		name  string
		polls []string
		// gap is the least time between the last two polls.
		gap  time.Duration
		want error
	}{
		{"pending, then signed in", []string{"authorization_pending", "authorization_pending"}, time.Second, nil},
		{"slow_down adds five seconds", []string{"slow_down"}, 6 * time.Second, nil},
		{"expired", []string{"authorization_pending", "expired_token"}, time.Second, ErrCodeExpired},
		{"declined", []string{"access_denied"}, 0, &ProviderError{Code: "access_denied"}},
		{"a client refused ends it", []string{"invalid_client"}, 0, ErrClientRefused},
		{"a page that is not the token endpoint ends it", []string{"404"}, 0, ErrProviderUnreachable},
		// A provider in trouble for a moment does not end a sign-in the
		// person may be finishing on their phone.
		{"server error, polling on", []string{"500", "authorization_pending"}, time.Second, nil},
		{"busy until Retry-After", []string{"503 Retry-After: 3"}, 3 * time.Second, nil},
		{"too many requests adds five seconds", []string{"429"}, 6 * time.Second, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p, prof := deviceServer(t, "none")
			p.DevicePolls = c.polls
			s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
			var shown DeviceCode
			rec, err := s.Login(context.Background(), LoginOptions{Device: func(d DeviceCode) { shown = d }, Timeout: time.Minute})
			if shown.UserCode != "WDJB-MJHT" || shown.VerificationURI != p.URL+"/activate" || shown.Why != "" {
				t.Errorf("shown %+v", shown)
			}
			var pe *ProviderError
			switch {
			case c.want == nil && err != nil:
				t.Fatalf("login: %v (provider: %v)", err, p.Rejections())
			case c.want == nil:
				if rec.RefreshToken == "" || rec.AccessToken == "" {
					t.Errorf("record %+v", rec)
				}
				if _, err := s.store.Load("work"); err != nil {
					t.Errorf("not saved: %v", err)
				}
			case errors.As(c.want, &pe):
				if !errors.As(err, &pe) || pe.Code != "access_denied" {
					t.Errorf("got %v, want access_denied", err)
				}
			case !errors.Is(err, c.want):
				t.Errorf("got %v, want %v", err, c.want)
			}
			n := len(p.PollTimes)
			if n != len(c.polls)+1 && c.want == nil || n != len(c.polls) && c.want != nil {
				t.Errorf("%d polls for answers %v", n, c.polls)
			}
			if c.gap > 0 && n >= 2 {
				if gap := p.PollTimes[n-1].Sub(p.PollTimes[n-2]); gap < c.gap {
					t.Errorf("polled again after %s, want at least %s", gap, c.gap)
				}
			}
		})
	}
}

// The client proves who it is at the device endpoint as at the token
// endpoint.
func TestDeviceCodeClientAuth(t *testing.T) {
	for _, method := range []string{"basic", "post", "private_key_jwt"} {
		t.Run(method, func(t *testing.T) {
			p, prof := deviceServer(t, method)
			var key string
			if method == "private_key_jwt" {
				prof.ClientSecret = ""
				key, p.ClientKey = newKey(t, "RS256")
			}
			s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
			if key != "" {
				handOver(t, s, key)
			}
			if _, err := s.Login(context.Background(), LoginOptions{Device: func(DeviceCode) {}}); err != nil {
				t.Fatalf("login: %v (provider: %v)", err, p.Rejections())
			}
			// Signing out revokes at a provider as strict as a certified
			// one: a client assertion's audience is the token endpoint's
			// URL at every endpoint, the revocation endpoint included.
			res, err := s.Logout(context.Background())
			if err != nil || !res.Revoked || p.Count("revoke") != 1 {
				t.Errorf("logout: %+v, %v (provider: %v)", res, err, p.Rejections())
			}
		})
	}
}

// An authorization-code profile whose callback port is taken signs in with
// a code instead, and says why; asked never to, it names the port.
func TestDeviceCodeWhenThePortIsTaken(t *testing.T) {
	_, prof := deviceServer(t, "none")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	prof.Grant, prof.RedirectURL = "", "http://"+busy.Addr().String()+"/callback"
	s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
	var shown DeviceCode
	if _, err := s.Login(context.Background(), LoginOptions{Device: func(d DeviceCode) { shown = d }}); err != nil {
		t.Fatalf("login: %v", err)
	}
	if shown.UserCode == "" || !strings.Contains(shown.Why, "in use") {
		t.Errorf("shown %+v", shown)
	}
	_, err = s.Login(context.Background(), LoginOptions{Flow: FlowBrowser, Device: func(DeviceCode) { t.Error("a code with FlowBrowser") }})
	var pe *PortInUseError
	if !errors.As(err, &pe) {
		t.Errorf("FlowBrowser with the port taken: %v", err)
	}
}

// newKey makes a private key for alg (RS256 or ES256): its PEM, as the
// person hands it to tokentray, and its public key.
func newKey(t *testing.T, alg string) (string, any) {
	var (
		der []byte
		pub any
		err error
	)
	if alg == "ES256" {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		der, err = x509.MarshalPKCS8PrivateKey(k)
		pub = &k.PublicKey
	} else {
		k, _ := rsa.GenerateKey(rand.Reader, 2048)
		der, err = x509.MarshalPKCS8PrivateKey(k)
		pub = &k.PublicKey
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), pub
}

// handOver keeps key as s's profile's private key, as `tokentray secret
// set NAME --key FILE` does.
func handOver(t *testing.T, s *Session, key string) {
	t.Helper()
	if err := s.store.SetSecret(s.Profile().Name, s.Profile().Binding(), key); err != nil {
		t.Fatal(err)
	}
}

// A machine client gets tokens with its own credentials, where the profile
// says, with its audience and resources; a new one when the old nears its
// end, and never a refresh token.
func TestClientCredentials(t *testing.T) {
	for _, c := range []struct{ method, alg string }{{"basic", ""}, {"post", ""}, {"private_key_jwt", "RS256"}, {"private_key_jwt", "ES256"}} {
		t.Run(c.method+c.alg, func(t *testing.T) {
			p := testkit.NewOAuthServer(t, c.method)
			p.WantAudience, p.WantResource = "https://api.example", []string{"https://api.example/v1", "https://api.example/v2"}
			prof := &profile.Profile{Name: "robot", Grant: "client_credentials", ClientID: p.ClientID, ClientSecret: p.Secret, ClientAuth: c.method,
				TokenURL: p.URL + "/token", Scopes: []string{"api"}, Audience: p.WantAudience, Resource: p.WantResource}
			var key string
			if c.method == "private_key_jwt" {
				prof.ClientSecret, prof.JWTAlg = "", c.alg
				key, p.ClientKey = newKey(t, c.alg)
			}
			if err := prof.Check(); err != nil {
				t.Fatalf("profile: %v", err)
			}
			clock := &fakeClock{now: time.Now()}
			s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0)), Clock: clock})
			if key != "" {
				handOver(t, s, key)
			}
			rec, err := s.Login(context.Background(), LoginOptions{})
			if err != nil {
				t.Fatalf("login: %v (provider: %v)", err, p.Rejections())
			}
			if rec.RefreshToken != "" || rec.Who() != p.ClientID {
				t.Errorf("record: a refresh token %t, who %q; want none (client credentials)", rec.RefreshToken != "", rec.Who())
			}
			clock.Add(59*time.Minute + 30*time.Second)
			r, err := s.Get(context.Background(), time.Minute)
			if err != nil || !r.Refreshed || r.Token.AccessToken == rec.AccessToken {
				t.Fatalf("near expiry: %+v, %v (provider: %v)", r, err, p.Rejections())
			}
			if n := p.Count("client_credentials"); n != 2 {
				t.Errorf("%d client_credentials requests, want 2", n)
			}
		})
	}
}

// Asked for a code (--device) by a provider that offers none: the flag is
// the mistake, not the profile file.
func TestDeviceFlagWithoutADeviceEndpoint(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	prof := serverProfile(p, "work")
	s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
	_, err := s.Login(context.Background(), LoginOptions{Flow: FlowDevice, Device: func(DeviceCode) { t.Error("a code was shown") }})
	var ce *profile.ConfigError
	if !errors.Is(err, ErrNoDeviceSignIn) || errors.As(err, &ce) {
		t.Errorf("login --device: %v", err)
	}
}

// A client the provider refuses, whose profile left client_auth unset, is
// told the setting that usually fixes it: a client_secret_post client
// (Cognito with a secret) answered with Basic.
func TestRefusedClientIsToldClientAuth(t *testing.T) {
	p := testkit.NewOAuthServer(t, "post")
	prof := serverProfile(p, "work")
	prof.ClientAuth = ""
	s := NewSession(prof, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
	open, _ := browserSim(t)
	_, err := s.Login(context.Background(), LoginOptions{Open: open, Timeout: 10 * time.Second})
	if !errors.Is(err, ErrClientRefused) || !strings.Contains(Fix(err), `client_auth = "post"`) {
		t.Errorf("login: %v; fix %q", err, Fix(err))
	}
}
