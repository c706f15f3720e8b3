package app

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tokentray/tokentray/assets"
	"github.com/tokentray/tokentray/internal/control"
)

// The icon shows the most urgent state of the profiles in use.
func TestIconFor(t *testing.T) {
	v := func(states ...control.State) control.View {
		var out control.View
		for i, s := range states {
			out.Profiles = append(out.Profiles, control.ProfileView{Name: fmt.Sprint(i), State: s})
		}
		return out
	}
	cases := []struct {
		name string
		v    control.View
		want []byte
	}{
		{"no profile", v(), assets.TraySignedOut},
		{"signed out", v(control.SignedOut), assets.TraySignedOut},
		{"one signed in", v(control.Valid, control.SignedOut), assets.TrayValid},
		{"one renewing", v(control.Valid, control.Refreshing), assets.TrayRefreshing},
		{"one offline", v(control.Retrying, control.Refreshing), assets.TrayRetrying},
		{"one needs sign-in", v(control.Valid, control.NeedsSignIn, control.Retrying), assets.TraySignedOut},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := iconFor(c.v); &got[0] != &c.want[0] {
				t.Error("wrong icon")
			}
		})
	}
}

// The menu, as data, for the states a profile can be in.
func TestMenu(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	on, off := true, false
	cases := []struct {
		name                  string
		p                     control.ProfileView
		label                 string
		copy, header, refresh *bool // nil: hidden
		sign                  item
		next                  time.Duration
	}{
		{"signed in", control.ProfileView{State: control.Valid, Who: "alice", Expiry: now.Add(12 * time.Minute), HasRefreshToken: true},
			"work: alice · valid more than 10 min", &on, &on, &on, item{"Sign out of work…", true, true}, 2*time.Minute + time.Millisecond},
		{"no refresh token", control.ProfileView{State: control.Valid, Who: "alice", Expiry: now.Add(3 * time.Minute)},
			"work: alice · valid 3 min", &on, &on, &off, item{"Sign out of work…", true, true}, time.Millisecond},
		{"service account", control.ProfileView{State: control.Valid, ServiceAccount: true, Expiry: now.Add(62 * time.Minute)},
			"work: signed in · valid more than 1 h", &on, &on, &on, item{"Sign out of work…", true, true}, 2*time.Minute + time.Millisecond},
		{"signed out: its name and Sign in… only", control.ProfileView{State: control.SignedOut},
			"work: Signed out", nil, nil, nil, item{"Sign in to work…", true, true}, 0},
		{"needs sign-in", control.ProfileView{State: control.NeedsSignIn, Who: "alice", Expiry: now.Add(time.Hour)},
			"work: Sign-in needed", nil, nil, nil, item{"Sign in to work…", true, true}, 0},
		// Sign in… again starts it again; the sign-in can be cancelled.
		{"signing in", control.ProfileView{State: control.SigningIn},
			"work: Signing in…", nil, nil, nil, item{"Sign in to work…", true, true}, 0},
	}
	state := func(it item) *bool {
		if !it.shown {
			return nil
		}
		return &it.enabled
	}
	same := func(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.p.Name = "work"
			m := menu(control.View{Profiles: []control.ProfileView{c.p}}, now)
			if len(m.profiles) != 1 {
				t.Fatalf("%d sections", len(m.profiles))
			}
			p := m.profiles[0]
			if p.label != c.label || !same(state(p.copy), c.copy) || !same(state(p.header), c.header) || !same(state(p.refresh), c.refresh) || p.sign != c.sign {
				t.Errorf("got %q copy %+v header %+v refresh %+v sign %+v", p.label, p.copy, p.header, p.refresh, p.sign)
			}
			// Details… wherever there is a token to look inside.
			if !same(state(p.details), c.copy) || p.details.title != "Details of work…" {
				t.Errorf("details %+v, want it as copy %v", p.details, c.copy)
			}
			// Cancel only while a sign-in waits.
			if want := (item{"Signing in… — Cancel", true, c.p.State == control.SigningIn}); p.cancel != want {
				t.Errorf("cancel %+v, want %+v", p.cancel, want)
			}
			// Every item reads alone: it names its profile.
			for _, it := range []item{p.copy, p.header, p.refresh, p.details, p.sign} {
				if !strings.Contains(it.title, "work") {
					t.Errorf("%q does not name its profile", it.title)
				}
			}
			if m.next != c.next {
				t.Errorf("next render in %s, want %s", m.next, c.next)
			}
			if m.notice != "" {
				t.Errorf("notice %q with a profile", m.notice)
			}
		})
	}
	t.Run("the default comes first, marked", func(t *testing.T) {
		v := control.View{Default: "b", Profiles: []control.ProfileView{{Name: "a", State: control.SignedOut}, {Name: "b", State: control.SignedOut}}}
		m := menu(v, now)
		if m.profiles[0].name != "b" || m.profiles[0].label != "b (default): Signed out" || m.profiles[1].label != "a: Signed out" {
			t.Errorf("sections %q, %q", m.profiles[0].label, m.profiles[1].label)
		}
	})
	for _, c := range []struct {
		name string
		v    control.View
		want string
	}{
		{"no profile file", control.View{NoFile: true}, "No profile yet — Import profile file…"},
		{"broken file", control.View{ConfigErr: "p.toml:3: …"}, "The profile file has a problem — see Settings…"},
		{"a policy that cannot be read", control.View{PolicyErr: "policy.toml:1: …", Profiles: []control.ProfileView{{Name: "work", State: control.SignedOut}}},
			"This computer's tokentray policy has a problem — tell your IT team"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := menu(c.v, now).notice; got != c.want {
				t.Errorf("notice %q, want %q", got, c.want)
			}
		})
	}
}

// Long names, accounts and errors are cut to a width a Win32 menu can
// show; short ones are left as they are.
func TestMenuLineWidth(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	long := strings.Repeat("x", 80)
	cases := []struct {
		name string
		p    control.ProfileView
		want string
	}{
		{"short", control.ProfileView{Name: "work", State: control.Valid, Who: "alice", Expiry: now.Add(12 * time.Minute)},
			"work: alice · valid more than 10 min"},
		{"long account", control.ProfileView{Name: "work", State: control.Valid, Who: long + "@example.test", Expiry: now.Add(12 * time.Minute)},
			"work: " + strings.Repeat("x", 53) + "…"},
		{"long name", control.ProfileView{Name: long, State: control.SignedOut},
			strings.Repeat("x", 23) + "…: Signed out"},
		{"an error's headline", control.ProfileView{Name: "a-rather-long-profile-name", Err: &control.Error{Kind: control.KindMisconfigured, Msg: long}},
			""},
		{"exactly 60 runes", control.ProfileView{Name: "work", State: control.Valid, Who: strings.Repeat("é", 54)},
			"work: " + strings.Repeat("é", 54)},
	}
	t.Run("a cut after a word", func(t *testing.T) {
		for _, c := range []struct{ in, want string }{
			{"The provider did not answer within 30 seconds; it is retried", "The provider did not answer within 30 seconds; it…"},
			{"work: alice · valid more than 10 min", "work: alice · valid more than 10 min"},
			{"work: " + long, "work: " + strings.Repeat("x", 45) + "…"},
			{"one two three four five six seven eight nine ten eleven twelve", "one two three four five six seven eight nine ten…"},
		} {
			if got := shorten(c.in, 52); got != c.want {
				t.Errorf("shorten(%q) = %q, want %q", c.in, got, c.want)
			}
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := menu(control.View{Profiles: []control.ProfileView{c.p}}, now).profiles[0].label
			if n := utf8.RuneCountInString(got); n > 60 {
				t.Errorf("%q: %d runes, want at most 60", got, n)
			}
			if c.want != "" && got != c.want {
				t.Errorf("label %q, want %q", got, c.want)
			}
		})
	}
}

// Where no window can ask (a Wayland desktop without XWayland), the menu
// asks itself: Sign out… becomes the question for a while, then goes back.
func TestMenuAsksToSignOut(t *testing.T) {
	now := time.Now()
	v := control.View{Profiles: []control.ProfileView{
		{Name: "work", State: control.Valid, Expiry: now.Add(time.Hour)},
		{Name: "home", State: control.SignedOut},
	}}
	for _, c := range []struct {
		name  string
		asked map[string]time.Time
		work  string
		home  string
	}{
		{"not asked", nil, "Sign out of work…", "Sign in to home…"},
		{"asked", map[string]time.Time{"work": now.Add(-time.Second)}, "Click again to sign out of work", "Sign in to home…"},
		{"asked too long ago", map[string]time.Time{"work": now.Add(-confirmSignOut)}, "Sign out of work…", "Sign in to home…"},
		{"a sign-in is no sign-out", map[string]time.Time{"home": now}, "Sign out of work…", "Sign in to home…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := menu(v, now)
			m.asking(c.asked, now)
			got := map[string]string{}
			for _, p := range m.profiles {
				got[p.name] = p.sign.title
			}
			if got["work"] != c.work || got["home"] != c.home {
				t.Errorf("work %q, home %q", got["work"], got["home"])
			}
		})
	}
}

// A request from elsewhere that waits is answered from the top of the
// menu: Allow and Refuse name what asks and for which profile; hidden
// while nothing waits.
func TestMenuAsksAboutARequestFromElsewhere(t *testing.T) {
	now := time.Now()
	v := control.View{Profiles: []control.ProfileView{{Name: "work", State: control.Valid, Expiry: now.Add(time.Hour)}}}
	if m := menu(v, now); m.allow.shown || m.refuse.shown {
		t.Errorf("nothing waits, but the menu shows %+v, %+v", m.allow, m.refuse)
	}
	v.Asking = &control.Asking{ID: "1", Who: "ssh me@devbox.example.com", Profile: "work", Until: now.Add(time.Minute)}
	m := menu(v, now)
	if want := (item{"Allow ssh me@devbox.example.com the access token of work", true, true}); m.allow != want {
		t.Errorf("allow: %+v, want %+v", m.allow, want)
	}
	if want := (item{"Refuse ssh me@devbox.example.com", true, true}); m.refuse != want {
		t.Errorf("refuse: %+v, want %+v", m.refuse, want)
	}
	v.Asking.Who = "ssh a-very-long-user-name@a-very-long-host-name.example.com"
	if m := menu(v, now); utf8.RuneCountInString(m.allow.title) > maxLineRunes || !strings.HasPrefix(m.allow.title, "Allow ssh ") {
		t.Errorf("a long name: %q", m.allow.title)
	}
}
