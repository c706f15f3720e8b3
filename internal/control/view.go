package control

import "time"

// View is a snapshot of a profile file's sessions for people: the tray
// menu renders it, the windows receive it, and `status` prints it.
type View struct {
	Profiles []ProfileView `json:"profiles"`
	// Default is the profile a command without a name uses, and a click
	// on the tray icon copies.
	Default        string        `json:"default,omitempty"`
	ClipboardClear time.Duration `json:"clipboard_clear"`
	Autostart      bool          `json:"autostart"`
	ConfigPath     string        `json:"config_path"`
	// NoFile: there is no profile file yet (a first start), which is no
	// problem.
	NoFile bool `json:"no_file,omitempty"`
	// ConfigErr is set when the profile file cannot be used as it is; the
	// profiles shown are those of the last good read. ManagedErr: it is
	// the file of the profiles IT manages (IT's to fix, not the person's).
	ConfigErr  string `json:"config_error,omitempty"`
	ManagedErr bool   `json:"managed_error,omitempty"`
	// ConfigWhere is where the mistake is, for staff: a line and a key,
	// never the file format's words ("line 3, key issuer of profile
	// work"); "" when the file gives no line.
	ConfigWhere string `json:"config_where,omitempty"`
	// Organization is who manages this computer's tokentray, as machine
	// policy names it ("Managed by ACME Corp"); "" without a policy.
	Organization string `json:"organization,omitempty"`
	// PolicyErr is why the machine's policy cannot be read (IT's to fix):
	// its managed profiles and organisation are then not shown, and no
	// profile file can be imported.
	PolicyErr string `json:"policy_error,omitempty"`
	// Asking is the oldest request from elsewhere (the forwarding socket)
	// that waits for the person to allow or refuse it; nil when none
	// waits. Only a tray has one.
	Asking *Asking `json:"asking,omitempty"`
}

// Asking is a question the tray puts to the person: a request that came
// through the forwarding socket wants a profile's access token.
type Asking struct {
	// ID names the question in the answer.
	ID string `json:"id"`
	// Who asks, as far as this computer can tell: "ssh devbox" for a
	// request forwarded by `ssh -R`, else the program that connected.
	Who     string `json:"who"`
	Profile string `json:"profile"`
	// Until is when the question is refused unanswered.
	Until time.Time `json:"until"`
}

// State is where a profile's session stands.
type State string

const (
	Unknown     State = "unknown" // the keychain has not been read (or could not be)
	SignedOut   State = "signed-out"
	SigningIn   State = "signing-in"
	Valid       State = "valid"
	Refreshing  State = "refreshing"
	Retrying    State = "retrying" // the provider does not answer; the token is served while it lasts
	NeedsSignIn State = "needs-sign-in"
)

// ProfileView is one profile in a View: its session's one state, the same
// for the menu, `status` (its JSON is `status --json`'s), the windows and
// the notifications. Times are to the second.
type ProfileView struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
	// Issuer is the issuer, or for profiles without one the token
	// endpoint's origin; Grant how the profile signs in.
	Issuer string `json:"issuer,omitempty"`
	Grant  string `json:"grant"`
	State  State  `json:"state"`
	Who    string `json:"who,omitempty"`
	// Expiry is when the access token expires.
	Expiry          time.Time `json:"expiry,omitzero"`
	HasRefreshToken bool      `json:"refresh_token"`
	// RefreshExpiry is when the refresh token ends, when known.
	RefreshExpiry  time.Time `json:"refresh_expiry,omitzero"`
	ServiceAccount bool      `json:"service_account,omitempty"`
	// Scope is what the provider granted, when it said.
	Scope       string    `json:"scope,omitempty"`
	SignedInAt  time.Time `json:"signed_in_at,omitzero"`
	RefreshedAt time.Time `json:"refreshed_at,omitzero"`
	// Since is when refreshes started failing (Retrying).
	Since time.Time `json:"retrying_since,omitzero"`
	// Err says why sign-in is needed, what the last refresh hit, or why
	// the keychain could not be read.
	Err *Error `json:"error,omitempty"`
	// SignIn is the tray's latest sign-in of this profile.
	SignIn SignInView `json:"signin,omitzero"`
	// Managed: the profile comes from the profile file IT manages; it
	// cannot be removed here. Organization is who manages it (every
	// profile's, where machine policy names one).
	Managed      bool   `json:"managed,omitempty"`
	Organization string `json:"organization,omitempty"`
	// Store is where its sign-in is kept, in words ("the system keychain
	// (Secret Service)", "a sealed file (no desktop keychain; key in the
	// kernel keyring)"), for a profile that has one.
	Store string `json:"store,omitempty"`
}

// SignInView is the latest browser sign-in a tray ran for a profile.
type SignInView struct {
	Active bool   `json:"active,omitempty"`
	URL    string `json:"url,omitempty"`
	// NoBrowser: no browser could be opened for URL.
	NoBrowser bool `json:"no_browser,omitempty"`
	// Device is the code to enter, for a sign-in with a device code.
	Device *DeviceCode `json:"device,omitempty"`
	Done   bool        `json:"done,omitempty"`
	Err    *Error      `json:"error,omitempty"`
}

// HasToken tells whether the profile holds an access token to copy.
func (p ProfileView) HasToken() bool {
	switch p.State {
	case Valid, Refreshing, Retrying:
		return true
	}
	return false
}

// Profile finds a profile by name ("" = the default).
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
