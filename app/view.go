package app

import (
	"fmt"
	"net/url"
	"time"

	"github.com/tokentray/tokentray/auth"
)

// View is a snapshot of the resident for people: the tray renders it and
// the windows receive it over the control socket.
type View struct {
	Profiles       []ProfileView `json:"profiles"`
	Default        string        `json:"default,omitempty"`
	ClipboardClear time.Duration `json:"clipboard_clear"`
	Autostart      bool          `json:"autostart"`
	ConfigPath     string        `json:"config_path"`
	// ConfigErr is set when the profile file cannot be read.
	ConfigErr string `json:"config_error,omitempty"`
}

// ProfileView is one profile in a View.
type ProfileView struct {
	Name            string         `json:"name"`
	Provider        string         `json:"provider"`
	Who             string         `json:"who,omitempty"`
	State           auth.StateKind `json:"state"`
	Until           time.Time      `json:"until,omitzero"`
	HasRefreshToken bool           `json:"refresh_token,omitempty"`
	ServiceAccount  bool           `json:"service_account,omitempty"`
	// Since is when refreshes started failing (Retrying).
	Since time.Time `json:"since,omitzero"`
	// Err says why sign-in is needed or what the last refresh hit.
	Err     string     `json:"error,omitempty"`
	ErrKind Kind       `json:"error_kind,omitempty"`
	SignIn  SignInView `json:"signin"`
}

// SignInView is the state of the latest browser sign-in of a profile.
type SignInView struct {
	Active bool   `json:"active,omitempty"`
	URL    string `json:"url,omitempty"`
	Done   bool   `json:"done,omitempty"`
	Err    string `json:"error,omitempty"`
	// ErrKind picks the advice the sign-in window gives.
	ErrKind Kind `json:"error_kind,omitempty"`
}

// HasToken tells whether the profile holds an access token to copy.
func (p ProfileView) HasToken() bool {
	switch p.State {
	case auth.Valid, auth.Refreshing, auth.Retrying:
		return true
	}
	return false
}

// Profile finds a profile by name ("" = the default, else the first).
func (v View) Profile(name string) (ProfileView, bool) {
	if name == "" {
		name = v.Default
	}
	for _, p := range v.Profiles {
		if p.Name == name || name == "" {
			return p, true
		}
	}
	return ProfileView{}, false
}

// providerName is how people know the provider: its host.
func providerName(p *auth.Profile) string {
	raw := p.Issuer
	switch {
	case p.JWTBearer(), raw == "" && p.AuthURL == "":
		raw = p.TokenURL
	case raw == "":
		raw = p.AuthURL
	}
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// HumanDuration says how long, as people say it: "3 h 58 min", "12 min",
// "45 s".
func HumanDuration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		d = d.Round(time.Minute)
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	case d >= time.Minute:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute))
	case d > 0:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	}
	return "0 s"
}

// countdownStep is how finely StatusLine shows the time left: to the
// minute in the last ten minutes, in five-minute steps (rounded down)
// before. The tray re-renders each time the line changes, and every
// wake-up of the idle tray costs dozens of context switches, so this is a
// dozen renders an hour rather than sixty.
func countdownStep(left time.Duration) time.Duration {
	if left < 10*time.Minute {
		return time.Minute
	}
	return 5 * time.Minute
}

// NextChange is how long the time left that StatusLine shows for a token
// valid until until stays the same; 0 once it has expired.
func NextChange(until, now time.Time) time.Duration {
	left := until.Sub(now)
	if until.IsZero() || left <= 0 {
		return 0
	}
	// Just past the boundary, where the rounded-down value drops.
	return left - left.Truncate(countdownStep(left)) + time.Millisecond
}

// StatusLine is the one line the tray menu and the windows show for a
// profile at time now.
func StatusLine(p ProfileView, now time.Time) string {
	who := p.Who
	if who == "" {
		who = "signed in"
	}
	left := p.Until.Sub(now)
	valid := ""
	if !p.Until.IsZero() {
		switch {
		case left >= time.Minute:
			valid = "valid " + HumanDuration(left.Truncate(countdownStep(left)))
		case left > 0:
			valid = "expires in less than a minute"
		default:
			valid = "expired"
		}
	}
	switch p.State {
	case auth.SigningIn:
		return "Signing in…"
	case auth.NeedsSignIn:
		return "Sign-in needed"
	case auth.SignedOut:
		return "Signed out"
	case auth.Refreshing:
		return who + " · renewing…"
	case auth.Retrying:
		if left > 0 {
			return who + " · offline, " + valid
		}
		return who + " · offline, token expired"
	}
	if valid == "" {
		return who
	}
	return who + " · " + valid
}
