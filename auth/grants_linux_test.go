//go:build linux

package auth

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/testkit"
)

// A device-code sign-in at the real provider, finished by Chromium entering
// the code on the provider's own page; then the tokens live as a browser
// sign-in's do: refreshed with rotation, revoked at sign-out. Declining on
// the page ends the sign-in in its own words.
func TestDeviceCodeAtTheProvider(t *testing.T) {
	testkit.RequireSecretService(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	b := testkit.NewBrowser(t)
	for _, c := range []struct {
		client   string
		complete bool // open verification_uri_complete, not type the code
		abort    bool
	}{{"public", true, false}, {"basic", false, false}, {"public", true, true}} {
		name := c.client
		if c.abort {
			name += "-declined"
		}
		t.Run(name, func(t *testing.T) {
			prof := providerProfile(p, "device-"+name)
			prof.ClientID, prof.Grant = c.client, "device_code"
			if c.client == "basic" {
				prof.ClientSecret, prof.ClientAuth = "basic-secret", "basic"
			}
			store := keychain.NewStore()
			store.Service = "tokentray-test-engine"
			s := NewSession(prof, Options{Store: store})
			t.Cleanup(func() { _, _ = s.Logout(context.Background()) })
			page := make(chan error, 1)
			rec, err := s.Login(context.Background(), LoginOptions{Timeout: time.Minute, Device: func(d DeviceCode) {
				go func() {
					u := d.VerificationURIComplete
					if !c.complete {
						u = d.VerificationURI
					}
					_, err := b.EnterCode(u, d.UserCode, "dora", c.abort)
					page <- err
				}()
			}})
			if perr := <-page; perr != nil {
				t.Fatal(perr)
			}
			if c.abort {
				var pe *ProviderError
				if !errors.As(err, &pe) || pe.Code != "access_denied" {
					t.Fatalf("declined on the page: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			if rec.Email != "dora@example.test" || rec.RefreshToken == "" {
				t.Fatalf("signed in as %q, refresh token %t", rec.Email, rec.RefreshToken != "")
			}
			before := p.Stats(t)
			if err := s.Refresh(context.Background()); err != nil {
				t.Fatalf("refresh: %v", err)
			}
			after, _ := s.store.Load(prof.Name)
			if after.RefreshToken == rec.RefreshToken || p.Stats(t).Token["refresh_token"] != before.Token["refresh_token"]+1 {
				t.Errorf("the refresh did not rotate through the provider")
			}
			res, err := s.Logout(context.Background())
			if err != nil || !res.Revoked || p.Stats(t).Revoked != before.Revoked+1 {
				t.Errorf("logout: %+v, %v", res, err)
			}
		})
	}
}

// Machine clients at the real provider: a client secret in HTTP Basic, and
// a private_key_jwt assertion checked against the client's registered
// keys. A new token comes from the credentials when the old one nears its
// end.
func TestClientCredentialsAtTheProvider(t *testing.T) {
	testkit.RequireSecretService(t)
	key, pub := newKey(t, "RS256")
	rsaPub := pub.(*rsa.PublicKey)
	jwks, _ := json.Marshal(map[string]any{"keys": []map[string]string{{"kty": "RSA", "use": "sig", "alg": "RS256",
		"n": base64.RawURLEncoding.EncodeToString(rsaPub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(rsaPub.E)).Bytes())}}})
	p := testkit.StartProvider(t, testkit.ProviderOptions{ClientJWKS: string(jwks)})
	for _, prof := range []*profile.Profile{
		{Name: "machine", Grant: "client_credentials", Issuer: p.Issuer, ClientID: "machine", ClientSecret: "machine-secret", Scopes: []string{"api"}},
		{Name: "keyed", Grant: "client_credentials", Issuer: p.Issuer, ClientID: "keyed", ClientAuth: "private_key_jwt", Scopes: []string{"api"}},
	} {
		t.Run(prof.Name, func(t *testing.T) {
			if err := prof.Check(); err != nil {
				t.Fatalf("profile: %v", err)
			}
			store := keychain.NewStore()
			store.Service = "tokentray-test-engine"
			clock := &fakeClock{now: time.Now()}
			s := NewSession(prof, Options{Store: store, Clock: clock})
			if prof.SignsWithKey() {
				handOver(t, s, key)
			}
			t.Cleanup(func() { _, _ = s.Logout(context.Background()) })
			before := p.Stats(t).Token["client_credentials"]
			rec, err := s.Login(context.Background(), LoginOptions{})
			if err != nil {
				t.Fatalf("login: %v (provider: %v)", err, p.Stats(t).GrantErrors)
			}
			clock.Add(time.Until(rec.Expiry) - 30*time.Second)
			tok, err := s.Token()
			if err != nil || tok.AccessToken == rec.AccessToken {
				t.Fatalf("near expiry: %v", err)
			}
			if n := p.Stats(t).Token["client_credentials"] - before; n != 2 {
				t.Errorf("%d client_credentials grants, want 2", n)
			}
		})
	}
}
