package app

import (
	"strings"
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

// A sign-in whose end is known is announced three days ahead, at most once
// a day, with a click that signs in again; the menu line says it too.
func TestEndingNotice(t *testing.T) {
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.Local) // a Tuesday
	end := start.Add(4*24*time.Hour + 6*time.Hour)           // Saturday 15:00
	v := control.View{Profiles: []control.ProfileView{{Name: "lightfi", Provider: "LightFi", State: control.Valid,
		Expiry: start.Add(time.Hour), HasRefreshToken: true, RefreshExpiry: end}}}
	steps := []struct {
		name  string
		at    time.Duration
		want  string
		again time.Duration
	}{
		{"four days ahead", 0, "", 30 * time.Hour},
		{"three days ahead", 30 * time.Hour, "Your LightFi sign-in ends on Saturday", 0},
		{"an hour later", 31 * time.Hour, "", 23 * time.Hour},
		{"next morning, within the day", 48 * time.Hour, "", 6 * time.Hour},
		{"a day later", 54 * time.Hour, "Your LightFi sign-in ends on Saturday", 0},
		{"the day itself", 100 * time.Hour, "Your LightFi sign-in ends today at 15:00", 0},
		{"ended", 5 * 24 * time.Hour, "", 0},
	}
	var n notices
	for _, s := range steps {
		now := start.Add(s.at)
		out, again := n.update(v, now)
		got := ""
		if len(out) == 1 {
			got = out[0].summary
			if out[0].signIn != "lightfi" {
				t.Errorf("%s: a click signs in to %q", s.name, out[0].signIn)
			}
		}
		if got != s.want || len(out) > 1 || (s.want == "" && again != s.again) {
			t.Errorf("%s: sent %q (%d), ask again in %s; want %q, %s", s.name, got, len(out), again, s.want, s.again)
		}
	}
	p := v.Profiles[0]
	p.Expiry = start.Add(48*time.Hour + 30*time.Minute)
	if got := control.StatusLine(p, start.Add(48*time.Hour)); got != "signed in · valid more than 30 min · sign-in ends on Saturday" {
		t.Errorf("menu line %q", got)
	}
	if got := control.StatusLine(p, start.Add(78*time.Hour)); !strings.HasSuffix(got, " · sign-in ends tomorrow") {
		t.Errorf("menu line the day before: %q", got)
	}
	if got := control.StatusLine(p, start); strings.Contains(got, "ends") {
		t.Errorf("menu line four days ahead: %q", got)
	}
}
