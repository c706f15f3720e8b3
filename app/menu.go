package app

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tokentray/tokentray/assets"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// menuModel is the tray for a View at a moment, as plain data: the icon,
// the tooltip and what every menu item says. menu computes it; tray.go
// only copies it into the system tray, so everything the tray shows is
// tested here without D-Bus.
type menuModel struct {
	icon     []byte
	tooltip  string
	profiles []profileMenu
	// notice is the line shown when there is nothing else ("" = hidden).
	notice    string
	autostart bool
	// footer says who manages this tokentray ("" = hidden).
	footer string
	// next is when a countdown line changes (0: no countdown shown).
	next time.Duration
	// allow and refuse answer the question a request from elsewhere
	// (the forwarding socket) waits on; hidden when none waits.
	allow, refuse item
}

// profileMenu is one profile's section. Each item names its profile, so
// that it reads alone: a screen reader says "Copy access token for work",
// not a bare "Copy" under a separator (Fyne's windows are not read by
// them before Fyne 2.8; the native menu is).
type profileMenu struct {
	name                  string
	label                 string // disabled: who and how long
	copy, header, refresh item
	details               item // "Details of work…": a look inside the sign-in
	sign                  item // "Sign in to work…" or "Sign out of work…"
	// cancel ends a sign-in that waits for the browser (one abandoned
	// there would hold the profile for five minutes); Sign in… starts
	// it again.
	cancel item
	// signOut: sign is Sign out… (the menu may ask it in place).
	signOut bool
}

type item struct {
	title          string
	enabled, shown bool
}

// menu is the tray for v at now. The default profile — the one a click on
// the icon copies — comes first and says so, so that where a click opens
// the menu (GNOME, Cinnamon) its "Copy access token" is the first thing to
// click. A profile without a token shows only its line and "Sign in…".
func menu(v control.View, now time.Time) menuModel {
	m := menuModel{icon: iconFor(v), tooltip: tooltipFor(v, now), autostart: v.Autostart}
	def, _ := v.Profile("")
	for _, p := range defaultFirst(v.Profiles, def.Name) {
		has := p.HasToken()
		name := shorten(p.Name, maxNameRunes)
		label := name
		if p.Name == def.Name && len(v.Profiles) > 1 {
			label += " " + words.T("(default)")
		}
		pm := profileMenu{
			name:    p.Name,
			label:   shorten(label+": "+control.StatusLine(p, now), maxLineRunes),
			copy:    item{words.T("Copy access token for {profile}", "profile", name), has, has},
			header:  item{words.T("Copy as Authorization header for {profile}", "profile", name), has, has},
			refresh: item{words.T("Refresh {profile} now", "profile", name), has && (p.HasRefreshToken || p.ServiceAccount), has},
			details: item{words.T("Details of {profile}…", "profile", name), has, has},
			sign:    item{words.T("Sign in to {profile}…", "profile", name), true, true},
			cancel:  item{words.T("Signing in… — Cancel"), true, p.State == control.SigningIn},
			signOut: has,
		}
		if has {
			pm.sign.title = words.T("Sign out of {profile}…", "profile", name)
			if d := control.NextChange(p.Expiry, now); d > 0 && (m.next == 0 || d < m.next) {
				m.next = d
			}
		}
		m.profiles = append(m.profiles, pm)
	}
	if a := v.Asking; a != nil {
		who, name := shorten(a.Who, maxWhoRunes), shorten(a.Profile, maxNameRunes)
		m.allow = item{shorten(words.T("Allow {who} the access token of {profile}", "who", who, "profile", name), maxLineRunes), true, true}
		m.refuse = item{shorten(words.T("Refuse {who}", "who", who), maxLineRunes), true, true}
	}
	if v.Organization != "" {
		m.footer = shorten(words.T("Managed by {organization}", "organization", v.Organization), maxLineRunes)
	}
	switch {
	case v.PolicyErr != "":
		m.notice = words.T("This computer's tokentray policy has a problem — tell your IT team")
	case v.ConfigErr != "" && v.ManagedErr:
		m.notice = words.T("Your organisation's profile file has a problem — tell your IT team")
	case v.ConfigErr != "":
		m.notice = words.T("The profile file has a problem — see Settings…")
	case len(v.Profiles) == 0:
		m.notice = words.T("No profile yet — Import profile file…")
	}
	return m
}

// confirmSignOut is how long the menu's own sign-out question stands
// (where no window can ask it): a second click within it signs out.
const confirmSignOut = 10 * time.Second

// asking turns the Sign out… of each profile asked about (at the time in
// asked, still standing at now) into the question itself: where no window
// can open, the native menu confirms instead.
func (m *menuModel) asking(asked map[string]time.Time, now time.Time) {
	for i := range m.profiles {
		p := &m.profiles[i]
		if at, ok := asked[p.name]; ok && now.Sub(at) < confirmSignOut && p.signOut {
			p.sign.title = words.T("Click again to sign out of {profile}", "profile", shorten(p.name, maxNameRunes))
		}
	}
}

// Menu lines are capped: a Win32 menu is as wide as its longest line, so
// a long account or error would stretch it across the screen (D-Bus hosts
// and macOS differ only in where they cut). The name gets a share of its
// own, so that a long one leaves room for the state.
const (
	maxNameRunes = 24
	maxLineRunes = 60
	// maxWhoRunes: what asks from elsewhere, "ssh me@devbox.example".
	maxWhoRunes = 32
)

// shorten is s cut to at most n runes, the cut marked with an ellipsis:
// after a whole word where one ends in the last third, not mid-word.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	for i := len(r) - 1; i >= (n-1)*2/3; i-- {
		if r[i] == ' ' {
			return strings.TrimRight(string(r[:i]), " ·,:—-") + "…"
		}
	}
	return string(r) + "…"
}

// defaultFirst is ps with the profile named def moved to the front.
func defaultFirst(ps []control.ProfileView, def string) []control.ProfileView {
	out := make([]control.ProfileView, 0, len(ps))
	for _, p := range ps {
		if p.Name == def {
			out = append(out, p)
		}
	}
	for _, p := range ps {
		if p.Name != def {
			out = append(out, p)
		}
	}
	return out
}

// iconFor is the tray icon of a View: the most urgent state among the
// profiles in use; signed out only when no profile is signed in.
func iconFor(v control.View) []byte {
	rank := func(s control.State) int {
		switch s {
		case control.NeedsSignIn:
			return 4
		case control.Retrying:
			return 3
		case control.Refreshing, control.SigningIn:
			return 2
		case control.Valid:
			return 1
		}
		return 0
	}
	worst := control.SignedOut
	for _, p := range v.Profiles {
		if rank(p.State) > rank(worst) {
			worst = p.State
		}
	}
	switch worst {
	case control.Valid:
		return assets.TrayValid
	case control.Refreshing, control.SigningIn:
		return assets.TrayRefreshing
	case control.Retrying:
		return assets.TrayRetrying
	}
	return assets.TraySignedOut
}

// tooltipFor says in words what the icon says in colour.
func tooltipFor(v control.View, now time.Time) string {
	s := "tokentray"
	for _, p := range v.Profiles {
		s += "\n" + p.Name + ": " + control.StatusLine(p, now)
	}
	return s
}
