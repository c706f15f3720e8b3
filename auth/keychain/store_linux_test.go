//go:build linux

package keychain

import (
	"errors"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/tokentray/tokentray/internal/testkit"
)

// The same split-and-rejoin against the real Secret Service (gnome-keyring).
func TestStoreOnSecretService(t *testing.T) {
	testkit.RequireSecretService(t)
	s := NewStore()
	s.Service = "tokentray-test-store"
	const profile = "big"
	t.Cleanup(func() { _ = s.Delete(profile) })
	for gen := 1; gen <= 3; gen++ {
		rec := cognitoSized(gen)
		if err := s.Save(profile, rec); err != nil {
			t.Fatalf("save: %v", err)
		}
		got, err := s.Load(profile)
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		if got.RefreshToken != rec.RefreshToken || got.AccessToken != rec.AccessToken || got.Name != rec.Name {
			t.Fatalf("generation %d did not round-trip", gen)
		}
	}
	const binding = "v1:0123456789abcdef"
	if err := s.SetSecret(profile, binding, "client-secret"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Secret(profile, binding); err != nil || v != "client-secret" {
		t.Errorf("secret = %q, %v", v, err)
	}
	if err := s.Delete(profile); err != nil {
		t.Fatal(err)
	}
	for _, item := range []string{profile, chunkItem(profile, "a", 0), chunkItem(profile, "b", 0)} {
		if _, err := keyring.Get(s.Service, item); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("after Delete, %s: %v", item, err)
		}
	}
	if err := s.DeleteSecret(profile); err != nil {
		t.Fatal(err)
	}
}
