package app

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tokentray/tokentray/assets"
	"github.com/tokentray/tokentray/auth"
)

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3*time.Hour + 58*time.Minute + 10*time.Second: "3 h 58 min",
		2 * time.Hour:                   "2 h",
		59*time.Minute + 29*time.Second: "59 min",
		45 * time.Second:                "45 s",
		0:                               "0 s",
	} {
		if got := HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestStatusLine(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		p    ProfileView
		want string
	}{
		{ProfileView{State: auth.Valid, Who: "alice", Until: now.Add(3*time.Hour + 58*time.Minute)}, "alice · valid 3 h 55 min"},
		{ProfileView{State: auth.Valid, Who: "alice", Until: now.Add(12*time.Minute + 50*time.Second)}, "alice · valid 10 min"},
		{ProfileView{State: auth.Valid, Who: "alice", Until: now.Add(9*time.Minute + 59*time.Second)}, "alice · valid 9 min"},
		{ProfileView{State: auth.Valid, Until: now.Add(30 * time.Second)}, "signed in · expires in less than a minute"},
		{ProfileView{State: auth.Retrying, Who: "alice", Until: now.Add(20 * time.Minute)}, "alice · offline, valid 20 min"},
		{ProfileView{State: auth.Retrying, Who: "alice", Until: now.Add(-time.Minute)}, "alice · offline, token expired"},
		{ProfileView{State: auth.Refreshing, Who: "alice"}, "alice · renewing…"},
		{ProfileView{State: auth.NeedsSignIn}, "Sign-in needed"},
		{ProfileView{State: auth.SignedOut}, "Signed out"},
		{ProfileView{State: auth.SigningIn}, "Signing in…"},
	}
	for _, c := range cases {
		if got := StatusLine(c.p, now); got != c.want {
			t.Errorf("StatusLine(%v) = %q, want %q", c.p.State, got, c.want)
		}
	}
}

// NextChange lands just after the moment the line changes, and not before:
// the tray re-renders then and only then.
func TestNextChange(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, left := range []time.Duration{3*time.Hour + 58*time.Minute + 7*time.Second, time.Hour, 12*time.Minute + 50*time.Second,
		10 * time.Minute, 9*time.Minute + 59*time.Second, 61 * time.Second, 45 * time.Second, time.Millisecond} {
		p := ProfileView{State: auth.Valid, Who: "alice", Until: now.Add(left)}
		next := NextChange(p.Until, now)
		if next <= 0 || next > 5*time.Minute+time.Second {
			t.Fatalf("left %s: next change in %s", left, next)
		}
		line := StatusLine(p, now)
		if before := StatusLine(p, now.Add(next-2*time.Millisecond)); before != line {
			t.Errorf("left %s: the line changed before %s: %q → %q", left, next, line, before)
		}
		if after := StatusLine(p, now.Add(next)); after == line {
			t.Errorf("left %s: the line did not change at %s: %q", left, next, line)
		}
	}
	if next := NextChange(now.Add(-time.Second), now); next != 0 {
		t.Errorf("expired: next change in %s, want none", next)
	}
}

// The icon shows the most urgent state of the profiles in use.
func TestIconFor(t *testing.T) {
	v := func(kinds ...auth.StateKind) View {
		var out View
		for i, k := range kinds {
			out.Profiles = append(out.Profiles, ProfileView{Name: fmt.Sprint(i), State: k})
		}
		return out
	}
	cases := []struct {
		v    View
		want []byte
	}{
		{v(), assets.TraySignedOut},
		{v(auth.SignedOut), assets.TraySignedOut},
		{v(auth.Valid, auth.SignedOut), assets.TrayValid},
		{v(auth.Valid, auth.Refreshing), assets.TrayRefreshing},
		{v(auth.Retrying, auth.Refreshing), assets.TrayRetrying},
		{v(auth.Valid, auth.NeedsSignIn, auth.Retrying), assets.TraySignedOut},
	}
	for i, c := range cases {
		if got := iconFor(c.v); &got[0] != &c.want[0] {
			t.Errorf("case %d: wrong icon", i)
		}
	}
}

// An error keeps its Kind across the control socket, so the command line
// exits alike through the tray and directly.
func TestKindSurvivesTheSocket(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("refresh w: %w", auth.ErrSignInNeeded),
		fmt.Errorf("refresh w: %w", auth.ErrProviderUnreachable),
		&auth.ConfigError{File: "p.toml", Line: 3, Key: "issuer", Msg: "bad"},
		&auth.KeychainError{Op: "read", Hint: "unlock it", Err: errors.New("locked")},
		&auth.PortInUseError{Profile: "w", Addr: "127.0.0.1:3000"},
		context.Canceled,
		errors.New("something else"),
	} {
		w := toWire(err)
		back := &Error{Kind: w.Kind, Msg: w.Msg}
		if KindOf(back) != KindOf(err) || back.Error() != err.Error() {
			t.Errorf("%v: kind %s → %s", err, KindOf(err), KindOf(back))
		}
		for _, target := range []error{auth.ErrSignInNeeded, auth.ErrProviderUnreachable, context.Canceled} {
			if errors.Is(back, target) != errors.Is(err, target) {
				t.Errorf("%v: errors.Is(%v) differs after the socket", err, target)
			}
		}
	}
}
