package app

import (
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/control"
)

// Notifications come once per episode: one "sign-in needed" each time a
// profile gets there, one "cannot reach" once an outage has lasted three
// minutes, and none for a blip.
func TestNotices(t *testing.T) {
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	p := func(s control.State, since time.Time) control.View {
		return control.View{Profiles: []control.ProfileView{{Name: "work", State: s, Since: since, Expiry: start.Add(20 * time.Minute)}}}
	}
	steps := []struct {
		name  string
		v     control.View
		at    time.Duration
		want  string // the summary sent, "" for none
		again time.Duration
	}{
		{"signed in", p(control.Valid, time.Time{}), 0, "", 0},
		{"outage starts", p(control.Retrying, start), 0, "", retryNotice},
		{"a minute in", p(control.Retrying, start), time.Minute, "", 2 * time.Minute},
		{"three minutes in", p(control.Retrying, start), retryNotice, "Cannot reach the provider for work", 0},
		{"still out", p(control.Retrying, start), 10 * time.Minute, "", 0},
		{"back", p(control.Valid, time.Time{}), 11 * time.Minute, "", 0},
		{"a blip", p(control.Retrying, start.Add(12*time.Minute)), 12 * time.Minute, "", retryNotice},
		{"rejected", p(control.NeedsSignIn, time.Time{}), 13 * time.Minute, "Sign-in needed: work", 0},
		{"still rejected", p(control.NeedsSignIn, time.Time{}), 14 * time.Minute, "", 0},
		{"signed in again", p(control.Valid, time.Time{}), 15 * time.Minute, "", 0},
		{"rejected again", p(control.NeedsSignIn, time.Time{}), 16 * time.Minute, "Sign-in needed: work", 0},
	}
	var n notices
	for _, s := range steps {
		out, again := n.update(s.v, start.Add(s.at))
		got := ""
		if len(out) > 1 {
			t.Fatalf("%s: %d notices", s.name, len(out))
		}
		if len(out) == 1 {
			got = out[0].summary
			if (out[0].signIn != "") != (s.v.Profiles[0].State == control.NeedsSignIn) {
				t.Errorf("%s: a click signs in to %q", s.name, out[0].signIn)
			}
		}
		if got != s.want || again != s.again {
			t.Errorf("%s: sent %q, ask again in %s; want %q, %s", s.name, got, again, s.want, s.again)
		}
	}
}
