package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/testkit"
)

func TestRefreshMargin(t *testing.T) {
	issued := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		life, override, want time.Duration
	}{
		{time.Hour, 0, 9 * time.Minute},               // 15 %
		{4 * time.Hour, 0, 36 * time.Minute},          // Cognito's default lifetime
		{5 * time.Minute, 0, time.Minute},             // at least a minute
		{90 * time.Second, 0, 45 * time.Second},       // never more than half
		{time.Hour, 5 * time.Minute, 5 * time.Minute}, // refresh_margin wins
		{time.Hour, 50 * time.Minute, 30 * time.Minute},
	}
	for _, c := range cases {
		s := &Session{profile: &profile.Profile{RefreshMargin: profile.Duration{Duration: c.override}}}
		rec := &keychain.Record{RefreshedAt: issued, Expiry: issued.Add(c.life)}
		if got := s.RefreshMargin(rec); got != c.want {
			t.Errorf("lifetime %s, refresh_margin %s: margin %s, want %s", c.life, c.override, got, c.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	b := backoff{min: time.Second, max: 5 * time.Minute}
	now := time.Now()
	want := time.Second
	for i := range 15 {
		d := b.next(now).Sub(now)
		if d < want/2 || d > want {
			t.Fatalf("attempt %d: %s, want between %s and %s", i, d, want/2, want)
		}
		want = min(want*2, 5*time.Minute)
	}
	b.reset()
	if d := b.next(now).Sub(now); d > time.Second {
		t.Errorf("after reset: %s", d)
	}
}

// runSession runs s in the background for the rest of the test.
func runSession(t *testing.T, s *Session) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// runPlanned runs s and waits for Run's first look (it publishes the state
// again), so that a clock moved afterwards finds the refresh planned from
// the sign-in, not drawn from what is left then.
func runPlanned(t *testing.T, s *Session) {
	t.Helper()
	ch, cancel := s.Subscribe()
	defer cancel()
	<-ch // the state the subscription starts with
	runSession(t, s)
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("Run published nothing")
	}
}

func waitState(t *testing.T, s *Session, want StateKind) State {
	t.Helper()
	return waitFor(t, s, want, func(State) bool { return true })
}

func waitFor(t *testing.T, s *Session, want StateKind, ok func(State) bool) State {
	t.Helper()
	ch, cancel := s.Subscribe()
	defer cancel()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case st := <-ch:
			if st.Kind == want && ok(st) {
				return st
			}
		case <-timeout:
			t.Fatalf("state %s, want %s", s.State().Kind, want)
		}
	}
}

// invalid_grant in the background means NeedsSignIn, once: the rejected
// refresh token is not presented again on every wake.
func TestRunInvalidGrant(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	s, clock := newTestSession(t, p, keychain.NewMemory(0))
	login(t, s)
	p.Fail = rejectWith(400, `{"error":"invalid_grant"}`)
	runPlanned(t, s)
	clock.Add(56 * time.Minute) // past the planned refresh (see runState.planned)
	s.wake()
	st := waitState(t, s, NeedsSignIn)
	if !errors.Is(st.Err, ErrSignInNeeded) {
		t.Errorf("reason: %v", st.Err)
	}
	for range 3 {
		s.wake()
		time.Sleep(20 * time.Millisecond)
	}
	if n := p.Count("refresh_token"); n != 1 {
		t.Errorf("%d refresh attempts, want 1", n)
	}
	// A new sign-in clears it.
	p.Fail = nil
	login(t, s)
	waitState(t, s, Valid)
}

// Without a refresh token the session shows the expiry, then needs sign-in,
// and never asks the provider.
func TestRunWithoutRefreshToken(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	s, clock := newTestSession(t, p, keychain.NewMemory(0))
	login(t, s)
	rec, _ := s.store.Load("work")
	rec.RefreshToken = ""
	if err := s.store.Save("work", rec); err != nil {
		t.Fatal(err)
	}
	runSession(t, s)
	st := waitFor(t, s, Valid, func(st State) bool { return !st.HasRefreshToken })
	if !st.Until.Equal(rec.Expiry) {
		t.Errorf("state %+v, want Valid until %s", st, rec.Expiry)
	}
	clock.Add(61 * time.Minute)
	s.wake()
	waitState(t, s, NeedsSignIn)
	if n := p.Count("refresh_token"); n != 0 {
		t.Errorf("%d refresh attempts without a refresh token", n)
	}
}

func TestRunSignedOutAndLogout(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	s, _ := newTestSession(t, p, keychain.NewMemory(0))
	runSession(t, s)
	waitState(t, s, SignedOut)
	login(t, s)
	waitState(t, s, Valid)
	if _, err := s.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, SignedOut)
}

// A keychain that cannot be read, with nothing known of a sign-in, is what
// the session shows — not an outage of a sign-in that may not exist.
func TestRunKeychainLocked(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	kr := keychain.NewMemory(0)
	kr.Lock(errors.New("the keychain is locked"))
	s, _ := newTestSession(t, p, kr)
	runSession(t, s)
	deadline := time.Now().Add(5 * time.Second)
	for st := s.State(); st.Kind != Unknown || st.Err == nil; st = s.State() {
		if time.Now().After(deadline) {
			t.Fatalf("state %v (%v), want Unknown with the keychain's error", st.Kind, st.Err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A provider that sends no expires_in: the token counts as valid for an
// hour, and Run waits for that hour's margin instead of spinning on the
// keychain (it once read it some 16,000 times in 200 ms).
func TestRunTokenWithoutExpiry(t *testing.T) {
	p := testkit.NewOAuthServer(t, "none")
	kr := keychain.NewMemory(0)
	s, clock := newTestSession(t, p, kr)
	login(t, s)
	rec, _ := s.store.Load("work")
	rec.Expiry = time.Time{}
	if err := s.store.Save("work", rec); err != nil {
		t.Fatal(err)
	}
	reads := kr.Gets
	before := reads()
	runSession(t, s)
	waitState(t, s, Valid)
	time.Sleep(200 * time.Millisecond)
	if n := reads() - before; n > 10 {
		t.Errorf("%d keychain reads in 200 ms while nothing was due", n)
	}
	// Due an hour after the last refresh, less the margin.
	clock.Add(time.Hour - 30*time.Second)
	s.wake()
	waitFor(t, s, Valid, func(st State) bool { return p.Count("refresh_token") == 1 })
}
