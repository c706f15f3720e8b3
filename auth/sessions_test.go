package auth

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/internal/testkit"
)

// writeFile replaces the profile file as editors and imports do, and makes
// sure its stamp changes even within one clock tick.
func writeFile(t *testing.T, path, body string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Duration(len(body)) * time.Millisecond)
	_ = os.Chtimes(path, later, later)
}

func profileText(p *testkit.OAuthServer, name, extra string) string {
	return fmt.Sprintf("[profile.%s]\nauth_url = %q\ntoken_url = %q\nclient_id = %q\n%s", name, p.URL+"/authorize", p.URL+"/token", p.ClientID, extra)
}

// Sessions is the one owner: a reload says what was added, changed and
// removed; an unchanged profile keeps its session; a kept profile file runs
// every session's background refresh, including one added later, and stops
// those removed or replaced.
func TestSessionsReload(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	path := filepath.Join(t.TempDir(), "profiles.toml")
	s := NewSessions(path, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})

	if ch, err := s.Reload(); err != nil || ch.Any() || !s.Missing() {
		t.Fatalf("no file: changes %+v, error %v, missing %t; want an empty file, no error", ch, err, s.Missing())
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.Keep(ctx)

	writeFile(t, path, profileText(p, "a", "")+profileText(p, "b", ""))
	ch, err := s.Reload()
	if err != nil || !slices.Equal(ch.Added, []string{"a", "b"}) {
		t.Fatalf("two profiles: %+v, %v", ch, err)
	}
	a, _ := s.Session("a")
	b, _ := s.Session("b")
	for _, x := range []*Session{a, b} {
		if !s.Running(x) || x.State().Kind == Unknown {
			t.Errorf("%s: running %t, state %s; want kept, the keychain read", x.Profile().Name, s.Running(x), x.State().Kind)
		}
	}

	// b changes, a moves down a line (no change), c is added.
	writeFile(t, path, "\n"+profileText(p, "a", "")+profileText(p, "b", "scopes = [\"x\"]\n")+profileText(p, "c", ""))
	ch, err = s.Reload()
	if err != nil || !slices.Equal(ch.Added, []string{"c"}) || !slices.Equal(ch.Changed, []string{"b"}) || len(ch.Removed) != 0 {
		t.Fatalf("edit: %+v, %v", ch, err)
	}
	a2, _ := s.Session("a")
	b2, _ := s.Session("b")
	c, _ := s.Session("c")
	if a2 != a || b2 == b || !s.Running(b2) || !s.Running(c) || s.Running(b) {
		t.Errorf("after the edit: a kept %t, b replaced %t and running %t, old b stopped %t, c running %t",
			a2 == a, b2 != b, s.Running(b2), !s.Running(b), s.Running(c))
	}

	// A broken file keeps the sessions running and says what is wrong.
	writeFile(t, path, profileText(p, "a", "bogus = 1\n"))
	if _, err := s.Reload(); err == nil || len(s.List()) != 3 || !s.Running(a) {
		t.Errorf("broken file: error %v, %d sessions, a running %t", err, len(s.List()), s.Running(a))
	}
	if _, err := s.Config(); err == nil {
		t.Error("Config hides the broken file")
	}

	// Removing a profile stops it; ending Keep stops the rest.
	writeFile(t, path, profileText(p, "a", ""))
	ch, err = s.Reload()
	if err != nil || !slices.Equal(ch.Removed, []string{"b", "c"}) || s.Running(b2) || s.Running(c) {
		t.Errorf("removal: %+v, %v; b running %t, c running %t", ch, err, s.Running(b2), s.Running(c))
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for s.Running(a) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s.Running(a) {
		t.Error("a still runs after Keep ended")
	}
}

// Subscribers hear of a changed file and of a kept session's new state.
func TestSessionsSubscribe(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	path := filepath.Join(t.TempDir(), "profiles.toml")
	writeFile(t, path, profileText(p, "a", ""))
	s := NewSessions(path, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.Keep(ctx)
	changes, stop := s.Subscribe()
	defer stop()
	wait := func(what string) {
		t.Helper()
		select {
		case <-changes:
		case <-time.After(5 * time.Second):
			t.Fatalf("no signal after %s", what)
		}
	}
	writeFile(t, path, profileText(p, "a", "")+"\n# a comment\n")
	_, _ = s.Reload()
	wait("an edit")
	a, _ := s.Session("a")
	login(t, a)
	deadline := time.Now().Add(5 * time.Second)
	for a.State().Kind != Valid && time.Now().Before(deadline) {
		wait("a sign-in")
	}
	if a.State().Kind != Valid {
		t.Errorf("state %s after sign-in", a.State().Kind)
	}
}

// A rewrite caught between its truncation and its write (os.WriteFile,
// editors) is no "every profile removed"; nor is an empty file that stays
// so (a writer held up, or a mistake): the profiles keep running and the
// file is said to be empty, until it holds profiles again.
func TestSessionsReloadMidWrite(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	path := filepath.Join(t.TempDir(), "profiles.toml")
	s := NewSessions(path, Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
	writeFile(t, path, profileText(p, "a", ""))
	if ch, err := s.Reload(); err != nil || len(ch.Added) != 1 {
		t.Fatalf("one profile: %+v, %v", ch, err)
	}
	writeFile(t, path, "") // the truncation, the write not yet done
	if ch, err := s.Reload(); ch.Any() || err != nil || len(s.List()) != 1 {
		t.Fatalf("mid-write: changes %+v, error %v, %d sessions; want none and the profile kept", ch, err, len(s.List()))
	}
	old := time.Now().Add(-2 * time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if ch, err := s.Reload(); ch.Any() || err == nil || !strings.Contains(err.Error(), "the file is empty") || len(s.List()) != 1 {
		t.Errorf("an empty file for two seconds: changes %+v, error %v, %d sessions; want none, the profile kept, and the file said to be empty", ch, err, len(s.List()))
	}
	writeFile(t, path, profileText(p, "b", ""))
	if ch, err := s.Reload(); err != nil || !slices.Equal(ch.Removed, []string{"a"}) || len(ch.Added) != 1 {
		t.Errorf("the file written again: %+v, %v; want a replaced by b", ch, err)
	}
}
