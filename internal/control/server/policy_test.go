package server

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/internal/control"
)

// A machine policy that cannot be read is in the View (the tray's menu and
// Settings say it is IT's to fix), and an import under it is refused as
// the policy's fault, not a profile file's.
func TestPolicyThatCannotBeRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "profiles.toml")
	write(t, path, "[profile.work]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n")
	sent := filepath.Join(dir, "sent.toml")
	write(t, sent, "[profile.other]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n")
	pol := &policy.Policy{Source: map[string]string{}, Err: &policy.UnreadableError{Err: errors.New("/etc/tokentray/policy.toml:1: require_signed takes true or false, not text")}}
	s := New(auth.NewSessions(path, auth.Options{Store: keychain.MemoryStore(keychain.NewMemory(0)), Policy: pol}), nil)
	if v := s.View(); v.PolicyErr == "" || len(v.Profiles) != 1 {
		t.Errorf("View: policy error %q, %d profiles; want the policy's error and the person's profile", v.PolicyErr, len(v.Profiles))
	}
	_, err := s.Handle(t.Context(), control.Request{Op: control.OpImport, Config: path, File: sent}, nil)
	if e := ErrorOf(err); e == nil || e.Kind != control.KindPolicy {
		t.Errorf("import: %v, want %s", e, control.KindPolicy)
	}
}
