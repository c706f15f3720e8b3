package window

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/internal/control"
)

// recorder stands in for the tray: it records what the window asks. The
// real control socket is exercised by the tray tests in package main.
type recorder struct {
	mu    sync.Mutex
	calls []string
	// token is the access token Inspect decodes; copied what CopyClaim
	// copied last.
	token, copied string
	// signInEnded: CancelSignIn finds no sign-in waiting (it ended as
	// the window asked).
	signInEnded bool
	// preview is what PreviewImport answers (zero: an unsigned file with
	// one plain profile).
	preview control.ImportPreview
}

func (r *recorder) note(s string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
	return nil
}

func (r *recorder) SignIn(_ context.Context, p, from string) error {
	return r.note("signin " + p + " from " + from)
}
func (r *recorder) CancelSignIn(_ context.Context, p string) (bool, error) {
	return !r.signInEnded, r.note("cancel " + p)
}
func (r *recorder) CopySignInLink(_ context.Context, p string) error { return r.note("copylink " + p) }
func (r *recorder) OpenSignInPage(_ context.Context, p string) error { return r.note("openpage " + p) }
func (r *recorder) Import(_ context.Context, f, _ string) ([]string, string, error) {
	return []string{"new"}, "", r.note("import " + f)
}
func (r *recorder) Remove(_ context.Context, p string) (control.LogoutResult, error) {
	return control.LogoutResult{}, r.note("remove " + p)
}
func (r *recorder) Show(_ context.Context, w, p string) error { return r.note("show " + w + " " + p) }
func (r *recorder) Copy(_ context.Context, p string, header bool) error {
	return r.note(fmt.Sprintf("copy %s header=%t", p, header))
}
func (r *recorder) Logout(_ context.Context, p string) (control.LogoutResult, error) {
	return control.LogoutResult{WasSignedIn: true, Revoked: true}, r.note("logout " + p)
}
func (r *recorder) PreviewImport(_ context.Context, f string) (control.ImportPreview, error) {
	p := r.preview
	if p.File == "" {
		p = control.ImportPreview{File: f, Sum: "sum", Signature: "unsigned",
			Profiles: []control.ImportedProfile{{Name: "x", Where: "sign-in at https://id.example"}}}
	}
	return p, r.note("preview " + f)
}
func (r *recorder) SetDefault(_ context.Context, p string) error { return r.note("default " + p) }
func (r *recorder) SetClipboardClear(_ context.Context, d time.Duration) error {
	return r.note("clear " + d.String())
}
func (r *recorder) SetAutostart(_ context.Context, on bool) error {
	if on {
		return r.note("autostart on")
	}
	return r.note("autostart off")
}

func (r *recorder) Inspect(_ context.Context, p string) (control.Inspection, error) {
	in := control.Inspect(control.ProfileView{Name: p, Issuer: "https://id.example", Grant: "authorization_code",
		State: control.Valid, Who: "alice@example.test", Expiry: time.Now().Add(time.Hour), HasRefreshToken: true,
		Scope: "openid api"}, r.token)
	return in, r.note("inspect " + p)
}

// CopyClaim looks the claim up as the tray does and keeps what it would
// copy in copied.
func (r *recorder) CopyClaim(ctx context.Context, p, claim string) error {
	in, _ := r.Inspect(ctx, p)
	text, ok := in.ClaimCopy(claim)
	if !ok {
		return fmt.Errorf("no claim %q", claim)
	}
	r.mu.Lock()
	r.copied = text
	r.mu.Unlock()
	return r.note("copyclaim " + p + " " + claim)
}

func (r *recorder) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.calls) == 0 {
		return ""
	}
	return r.calls[len(r.calls)-1]
}

// walk hands f every object of a window's tree, depth first, and goes
// into an object's children while f says so.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject) bool) {
	if !f(o) {
		return
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, f)
		}
	case *container.Scroll:
		walk(x.Content, f)
	}
}

// texts lists the visible labels and buttons of a window.
func texts(w fyne.Window) (labels, buttons []string) {
	walk(w.Content(), func(o fyne.CanvasObject) bool {
		if !o.Visible() {
			return false
		}
		switch x := o.(type) {
		case *widget.Label:
			labels = append(labels, x.Text)
		default:
			if b, ok := asButton(o); ok {
				buttons = append(buttons, b.Text)
			}
		}
		return true
	})
	return labels, buttons
}

// asButton is o as a button: Fyne's, or one of the windows' own (which
// Enter fires and which show focus).
func asButton(o fyne.CanvasObject) (*widget.Button, bool) {
	switch x := o.(type) {
	case *widget.Button:
		return x, true
	case *keyButton:
		return &x.Button, true
	}
	return nil, false
}

func button(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(w.Content(), func(o fyne.CanvasObject) bool {
		if b, ok := asButton(o); ok && b.Text == text && o.Visible() {
			found = b
		}
		return true
	})
	if found == nil {
		_, buttons := texts(w)
		t.Fatalf("no button %q; buttons: %q", text, buttons)
	}
	return found
}

func view(p control.ProfileView) control.View {
	if p.Name == "" {
		p.Name = "work"
	}
	if p.Provider == "" {
		p.Provider = "login.example.com"
	}
	return control.View{Profiles: []control.ProfileView{p}, ClipboardClear: time.Minute, ConfigPath: "/home/a/.config/tokentray/profiles.toml"}
}

func TestSignInWindow(t *testing.T) {
	cases := []struct {
		name        string
		profile     control.ProfileView
		message     string // a visible label contains it
		buttons     []string
		tap, wantOp string
	}{
		{"fresh start", control.ProfileView{State: control.SignedOut},
			"You are not signed in. Click Sign in: your browser opens at login.example.com.",
			[]string{"Close", "Sign in"}, "Sign in", "signin work from signin"},
		{"waiting for the browser", control.ProfileView{State: control.SigningIn, SignIn: control.SignInView{Active: true, URL: "http://x/auth"}},
			"Sign in on the page that opened in your browser.",
			[]string{"Copy sign-in link", "Cancel"}, "Cancel", "cancel work"},
		{"copy the link", control.ProfileView{State: control.SigningIn, SignIn: control.SignInView{Active: true, URL: "http://x/auth"}},
			"If no page opened, click “Copy sign-in link”",
			[]string{"Copy sign-in link", "Cancel"}, "Copy sign-in link", "copylink work"},
		{"no browser", control.ProfileView{State: control.SigningIn, SignIn: control.SignInView{Active: true, URL: "http://x/auth", NoBrowser: true}},
			"No browser could be opened here.",
			[]string{"Copy sign-in link", "Cancel"}, "Copy sign-in link", "copylink work"},
		{"port in use", control.ProfileView{State: control.SignedOut, SignIn: control.SignInView{Err: &control.Error{Kind: control.KindPortInUse, Port: 3000,
			Msg: "profile work: port 3000 is in use by another program, and the sign-in callback (localhost:3000) needs it"}}},
			"Another program is using port 3000, which the sign-in needs.",
			[]string{"Close", "Try again"}, "Try again", "signin work from signin"},
		{"provider refused", control.ProfileView{State: control.SignedOut, SignIn: control.SignInView{Err: &control.Error{Kind: control.KindRefused,
			Msg: "the provider did not sign you in: the sign-in was declined or cancelled (access_denied)"}}},
			"The provider did not sign you in.", []string{"Close", "Try again"}, "", ""},
		// The provider's own words, not its error code nor what tokentray
		// was doing (the command line's detail).
		{"client refused", control.ProfileView{State: control.SignedOut, SignIn: control.SignInView{Err: &control.Error{Kind: control.KindClient,
			Msg:  "sign in to work: exchange the authorization code: the provider does not accept this client's id or secret; check client_id, client_secret and client_auth in the profile (invalid_client: client authentication failed)",
			Said: "client authentication failed"}}},
			"If you were given a client secret, save it again; otherwise ask your IT team to check the profile's client_id. The provider said: “client authentication failed.”",
			[]string{"Close", "Try again"}, "", ""},
		{"an example value left", control.ProfileView{State: control.SignedOut, SignIn: control.SignInView{Err: &control.Error{Kind: control.KindPlaceholder,
			Msg: `profile work: client_id is still the example value "YOUR-CLIENT-ID"; put in what your provider gave you`}}},
			`client_id is still the example value "YOUR-CLIENT-ID"`, []string{"Close"}, "", ""},
		// IT's to fix: the detail said, and no Try again that fails alike.
		{"a policy that cannot be read", control.ProfileView{State: control.SignedOut, SignIn: control.SignInView{Err: &control.Error{Kind: control.KindPolicy,
			Msg: "/etc/tokentray/policy.toml:1: require_signed takes true or false, not text"}}},
			"Tell your IT team; the detail below says what. (/etc/tokentray/policy.toml:1: require_signed takes true or false, not text)", []string{"Close"}, "", ""},
		{"keychain locked", control.ProfileView{State: control.SignedOut, SignIn: control.SignInView{Err: &control.Error{Kind: control.KindKeychain, Msg: "locked"}}},
			"The keychain is locked or not available.", []string{"Close", "Try again"}, "", ""},
		{"signed in", control.ProfileView{State: control.Valid, Who: "alice@example.com", Expiry: time.Now().Add(time.Hour), SignIn: control.SignInView{Done: true}},
			"You are signed in as alice@example.com.", []string{"Close"}, "", ""},
		{"sign-in ended", control.ProfileView{State: control.NeedsSignIn},
			"Your sign-in has ended.", []string{"Close", "Sign in"}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			rec := &recorder{}
			w, update, err := New(context.Background(), a, rec, "signin", "work")
			if err != nil {
				t.Fatal(err)
			}
			update(view(c.profile))
			labels, buttons := texts(w)
			if !strings.Contains(strings.Join(labels, "\n"), c.message) {
				t.Errorf("labels %q do not say %q", labels, c.message)
			}
			for _, code := range []string{"invalid_", "access_denied", "exchange the"} {
				if strings.Contains(strings.Join(labels, "\n"), code) {
					t.Errorf("labels %q show %q to someone who cannot act on it", labels, code)
				}
			}
			if strings.Join(buttons, ",") != strings.Join(c.buttons, ",") {
				t.Errorf("buttons %q, want %q", buttons, c.buttons)
			}
			if c.tap != "" {
				test.Tap(button(t, w, c.tap))
				if got := rec.last(); got != c.wantOp {
					t.Errorf("tapping %q asked %q, want %q", c.tap, got, c.wantOp)
				}
			}
		})
	}
}

func TestSettingsWindow(t *testing.T) {
	a := test.NewTempApp(t)
	rec := &recorder{}
	w, update, err := New(context.Background(), a, rec, "settings", "")
	if err != nil {
		t.Fatal(err)
	}
	v := control.View{
		Profiles: []control.ProfileView{
			{Name: "lightfi", Provider: "lightfiv2.auth.eu-west-2.amazoncognito.com", State: control.Valid, Who: "alice", Expiry: time.Now().Add(3 * time.Hour)},
			{Name: "frameio", Provider: "ims-na1.adobelogin.com", State: control.SignedOut},
		},
		Default: "lightfi", ClipboardClear: time.Minute, ConfigPath: "/home/a/.config/tokentray/profiles.toml",
	}
	update(v)
	labels, buttons := texts(w)
	all := strings.Join(labels, "\n")
	for _, want := range []string{"lightfi (default) — lightfiv2.auth.eu-west-2.amazoncognito.com", "frameio — ims-na1.adobelogin.com\nSigned out", "Profile file: /home/a/.config/tokentray/profiles.toml"} {
		if !strings.Contains(all, want) {
			t.Errorf("settings do not show %q:\n%s", want, all)
		}
	}
	if got := strings.Join(buttons, ","); got != "Sign out…,Default,Remove,Sign in,Make default,Remove,Import profile file…,Close" {
		t.Errorf("buttons %q", got)
	}
	if rec.last() != "" {
		t.Errorf("showing the view sent %q to the tray", rec.last())
	}
	// Each kind of button stands in one column, whatever its row's labels
	// ("Sign out…" above "Sign in", "Default" above "Make default").
	w.Resize(fyne.NewSize(700, 500))
	d := a.Driver()
	for _, pair := range [][2]string{{"Sign out…", "Sign in"}, {"Default", "Make default"}} {
		a, b := button(t, w, pair[0]), button(t, w, pair[1])
		if pa, pb := d.AbsolutePositionForObject(a), d.AbsolutePositionForObject(b); pa.X != pb.X || a.Size().Width != b.Size().Width {
			t.Errorf("%s at x %v, %v wide; %s below it at x %v, %v wide", pair[0], pa.X, a.Size().Width, pair[1], pb.X, b.Size().Width)
		}
	}
	for _, c := range []struct{ tap, want string }{
		{"Make default", "default frameio"},
		{"Sign in", "signin frameio from settings"},
		{"Sign out…", "show signout lightfi"},
	} {
		test.Tap(button(t, w, c.tap))
		if got := rec.last(); got != c.want {
			t.Errorf("%s asked %q, want %q", c.tap, got, c.want)
		}
	}
	var sel *widget.Select
	var check *widget.Check
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Select:
			sel = x
		case *widget.Check:
			check = x
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(w.Content())
	if sel.Selected != "after 1 minute" {
		t.Errorf("clipboard choice %q, want after 1 minute", sel.Selected)
	}
	sel.SetSelected("never")
	if got := rec.last(); got != "clear 0s" {
		t.Errorf("choosing never asked %q", got)
	}
	test.Tap(check)
	if got := rec.last(); got != "autostart on" {
		t.Errorf("the start-at-login box asked %q", got)
	}
}

// A profile file that cannot be read is repaired by importing IT's file,
// and Settings offers exactly that, in words without the file format's;
// IT's own managed file is theirs to mend.
func TestSettingsBrokenFile(t *testing.T) {
	for _, c := range []struct {
		name   string
		v      control.View
		want   []string
		repair bool
	}{
		{"the person's own file", control.View{ConfigErr: "profiles.toml:4: not valid TOML: array is incomplete", ConfigWhere: "line 4"},
			[]string{"Your profile file cannot be read.", "Import the corrected file your IT team sent you", "The mistake is at line 4."}, true},
		{"IT's managed file", control.View{ConfigErr: "/etc/tokentray/profiles.toml:2: not valid TOML: table is incomplete", ManagedErr: true},
			[]string{"tell your IT team"}, false},
		{"IT's policy", control.View{PolicyErr: "/etc/tokentray/policy.toml:1: require_signed takes true or false, not text"},
			[]string{"This computer's tokentray policy has a problem", "tell your IT team"}, false},
		{"IT's policy, with profiles", control.View{PolicyErr: "/etc/tokentray/policy.toml:1: require_signed takes true or false, not text",
			Profiles: []control.ProfileView{{Name: "work", State: control.SignedOut}}},
			[]string{"This computer's tokentray policy has a problem"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			w, update, err := New(context.Background(), a, &recorder{}, "settings", "")
			if err != nil {
				t.Fatal(err)
			}
			update(c.v)
			labels, buttons := texts(w)
			all := strings.Join(labels, "\n")
			for _, want := range c.want {
				if !strings.Contains(all, want) {
					t.Errorf("no %q in:\n%s", want, all)
				}
			}
			for _, word := range []string{"TOML", "array", "table"} {
				if strings.Contains(all, word) {
					t.Errorf("staff read %q:\n%s", word, all)
				}
			}
			const repair = "Import the corrected file from IT…"
			if got := slices.Contains(buttons, repair); got != c.repair {
				t.Errorf("%q shown %t, want %t; buttons %q", repair, got, c.repair, buttons)
			}
			// Every import is refused while the policy cannot be read.
			for _, b := range buttons {
				if c.v.PolicyErr != "" && strings.HasPrefix(b, "Import") {
					t.Errorf("%q offered while no import can work", b)
				}
			}
			if c.repair && button(t, w, repair).Importance != widget.HighImportance {
				t.Error("the repair is not the prominent button")
			}
		})
	}
}

// No profile yet is a welcome, not a problem: one line on what the file is
// and a large button to import it.
func TestSettingsWelcome(t *testing.T) {
	a := test.NewTempApp(t)
	w, update, err := New(context.Background(), a, &recorder{}, "settings", "")
	if err != nil {
		t.Fatal(err)
	}
	update(control.View{NoFile: true, ClipboardClear: time.Minute, ConfigPath: "/home/a/.config/tokentray/profiles.toml"})
	labels, buttons := texts(w)
	all := strings.Join(labels, "\n")
	if !strings.Contains(all, "No profile yet") || !strings.Contains(all, "Your IT team sends it") || strings.Contains(all, "problem") {
		t.Errorf("labels:\n%s", all)
	}
	if got := strings.Join(buttons, ","); got != "Import the profile file your IT team sent you…,Close" {
		t.Errorf("buttons %q", got)
	}
	if b := button(t, w, "Import the profile file your IT team sent you…"); b.Importance != widget.HighImportance {
		t.Error("the import button is not the prominent one")
	}
}

// Sign out asks first, says what it does, and signs out on the button.
func TestSignOutWindow(t *testing.T) {
	a := test.NewTempApp(t)
	rec := &recorder{}
	w, update, err := New(context.Background(), a, rec, "signout", "work")
	if err != nil {
		t.Fatal(err)
	}
	update(view(control.ProfileView{State: control.Valid, Who: "alice@example.com", Expiry: time.Now().Add(time.Hour)}))
	labels, buttons := texts(w)
	if all := strings.Join(labels, "\n"); !strings.Contains(all, "signed in to work as alice@example.com") || !strings.Contains(all, "revokes") {
		t.Errorf("labels:\n%s", all)
	}
	if got := strings.Join(buttons, ","); got != "Cancel,Sign out" {
		t.Errorf("buttons %q", got)
	}
	test.Tap(button(t, w, "Sign out"))
	if got := rec.last(); got != "logout work" {
		t.Errorf("Sign out asked %q", got)
	}
}

// Where no panel shows tray icons, a small window offers what the menu
// would: per profile, copy or sign in.
func TestCompactWindow(t *testing.T) {
	a := test.NewTempApp(t)
	rec := &recorder{}
	w, update, err := New(context.Background(), a, rec, "tray", "")
	if err != nil {
		t.Fatal(err)
	}
	update(control.View{Default: "work", Profiles: []control.ProfileView{
		{Name: "work", State: control.Valid, Who: "alice", Expiry: time.Now().Add(time.Hour)},
		{Name: "frameio", State: control.SignedOut},
	}})
	labels, buttons := texts(w)
	if all := strings.Join(labels, "\n"); !strings.Contains(all, "AppIndicator") || !strings.Contains(all, "work (default): alice · valid") || !strings.Contains(all, "frameio: Signed out") {
		t.Errorf("labels:\n%s", all)
	}
	if got := strings.Join(buttons, ","); got != "Copy access token,Copy header,Details…,Sign out…,Sign in,Settings…,Close" {
		t.Errorf("buttons %q", got)
	}
	for _, c := range []struct{ tap, want string }{
		{"Copy access token", "copy work header=false"},
		{"Copy header", "copy work header=true"},
		{"Sign in", "signin frameio from tray"},
		{"Details…", "show details work"},
		{"Sign out…", "show signout work"},
	} {
		test.Tap(button(t, w, c.tap))
		if got := rec.last(); got != c.want {
			t.Errorf("%s asked %q, want %q", c.tap, got, c.want)
		}
	}
	// Signed out, the token the tray had copied is gone from the clipboard
	// (the tray cleared it): the window no longer says it is there.
	test.Tap(button(t, w, "Copy access token"))
	if labels, _ := texts(w); !strings.Contains(strings.Join(labels, "\n"), "The access token of work is on the clipboard.") {
		t.Errorf("after Copy: %q", labels)
	}
	update(control.View{Default: "work", Profiles: []control.ProfileView{{Name: "work", State: control.SignedOut}}})
	if labels, _ := texts(w); strings.Contains(strings.Join(labels, "\n"), "is on the clipboard") {
		t.Errorf("after the sign-out the window still says the token is on the clipboard: %q", labels)
	}
	// A broken profile file is said, as the menu and Settings say it; the
	// profiles the tray still serves stay.
	update(control.View{Default: "work", ConfigErr: "profiles.toml:3: key \"isuer\": not a profile key", ConfigWhere: "line 3, key isuer of profile work",
		Profiles: []control.ProfileView{{Name: "work", State: control.SignedOut}}})
	labels, _ = texts(w)
	if all := strings.Join(labels, "\n"); !strings.Contains(all, "Your profile file cannot be read. Import the corrected file") || !strings.Contains(all, "line 3, key isuer") || !strings.Contains(all, "work: Signed out") {
		t.Errorf("labels with a broken file:\n%s", all)
	}
}

// The Details window: the facts and the claims the tray decoded, a copy
// button per claim that puts the claim's value on the clipboard, and the
// opaque-token sentence when there are no claims.
func TestDetailsWindow(t *testing.T) {
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"user-1","aud":"https://api.example.test","scope":"openid api","exp":1796058916,"groups":["a","b"]}`))
	for _, c := range []struct {
		name, token string
		claims      map[string]string
		note        string
	}{
		{"jwt", "eyJhbGciOiJSUzI1NiJ9." + payload + ".sig", map[string]string{
			"sub": "user-1", "groups": `["a","b"]`, "aud": "https://api.example.test", "exp": "1796058916",
		}, "decoded, NOT verified"},
		{"opaque", "mUUInyjDl5J1LlNffjmA", nil, "The access token is opaque"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			rec := &recorder{token: c.token}
			d := newDetails(context.Background(), a, rec, "work")
			d.async = func(f func()) { f() }
			d.update(view(control.ProfileView{State: control.Valid, Expiry: time.Now().Add(time.Hour)}))
			w, u := d.w, d.w.Content()
			labels, buttons := texts(w)
			all := strings.Join(labels, "\n")
			if want := map[bool]int{true: 5, false: 0}[c.claims != nil]; strings.Count(strings.Join(buttons, ","), "Copy") != want || !strings.Contains(all, c.note) {
				t.Errorf("want %q and %d copy buttons, one per claim; labels %q, buttons %q", c.note, want, labels, buttons)
			}
			for _, want := range []string{"alice@example.test", "https://id.example", "openid api", "signed in", "sign-in in the browser (authorization_code)"} {
				if !strings.Contains(all, want) {
					t.Errorf("no %q in:\n%s", want, all)
				}
			}
			if strings.Contains(all, c.token) {
				t.Error("the window shows the token itself")
			}
			for claim, value := range c.claims {
				b := findCopy(t, u, claim)
				test.Tap(b)
				if got := rec.last(); got != "copyclaim work "+claim || rec.copied != value {
					t.Errorf("Copy of %s: the tray was asked %q and copied %q, want %q", claim, got, rec.copied, value)
				}
				if got := a.Clipboard().Content(); got != "" {
					t.Errorf("the window's own clipboard got %q: gone with the window on X11", got)
				}
			}
		})
	}
}

// findCopy is the copy button on the claim's line: the row after the
// claim's label.
func findCopy(t *testing.T, o fyne.CanvasObject, claim string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) bool {
		x, ok := o.(*fyne.Container)
		if !ok {
			return true
		}
		for i, c := range x.Objects[:max(len(x.Objects)-1, 0)] {
			if l, ok := c.(*widget.Label); ok && l.Text == claim {
				walk(x.Objects[i+1], func(o fyne.CanvasObject) bool {
					if b, ok := asButton(o); ok {
						found = b
					}
					return true
				})
			}
		}
		return true
	})
	if found == nil {
		t.Fatalf("no copy button for the claim %q", claim)
	}
	return found
}

// deep lists the labels and buttons under o, through widgets' renderers
// too: a dialog's content sits inside its own widget.
func deep(o fyne.CanvasObject) (labels []string, buttons []*widget.Button) {
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			labels = append(labels, x.Text)
			return
		case *widget.Button, *keyButton:
			b, _ := asButton(x)
			buttons = append(buttons, b)
			return
		case *fyne.Container:
			for _, c := range x.Objects {
				visit(c)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				visit(c)
			}
		}
	}
	visit(o)
	return labels, buttons
}

// The import dialog says who vouches for the file before anything else,
// shows each profile's powers, and offers Import only when the file may
// be imported; a refused file gets its reasons and Close.
func TestImportDialog(t *testing.T) {
	signed := control.ImportPreview{File: "/tmp/it.toml", Sum: "s1", Signature: "signed", Signer: "it@acme.example", Organization: "ACME Corp",
		Profiles: []control.ImportedProfile{{Name: "corp", Where: "sign-in at https://id.acme.example", Powers: []string{"gives its token to git for https://git.acme.example"}}}}
	refused := control.ImportPreview{File: "/tmp/evil.toml", Sum: "s2", Signature: "unsigned",
		Profiles: []control.ImportedProfile{{Name: "corp", Where: "sign-in at https://id.acme.example", Powers: []string{"gives its token to git for https://git.evil.example"}}},
		Refused:  []string{"Profile corp: gives its token to git for https://git.evil.example (git_urls) — only a file your IT team signed may do that."}}
	for _, c := range []struct {
		name    string
		preview control.ImportPreview
		first   string
		button  string
		imports bool
	}{
		{"signed", signed, "Signed by it@acme.example (ACME Corp) ✓", "Import", true},
		{"refused", refused, "Not signed.", "Close", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			rec := &recorder{preview: c.preview}
			u := newSettings(context.Background(), a, rec)
			u.w.Show()
			u.importPath(c.preview.File)
			labels, buttons := deep(u.w.Canvas().Overlays().Top())
			if len(labels) == 0 || !slices.Contains(labels, c.first) {
				t.Fatalf("labels %q, want %q", labels, c.first)
			}
			all := strings.Join(labels, "\n")
			for _, want := range append(c.preview.Profiles[0].Powers, c.preview.Refused...) {
				if !strings.Contains(all, want) {
					t.Errorf("the dialog does not say %q:\n%s", want, all)
				}
			}
			var names []string
			var target *widget.Button
			for _, b := range buttons {
				names = append(names, b.Text)
				if b.Text == c.button {
					target = b
				}
			}
			if target == nil || c.imports != slices.Contains(names, "Import") {
				t.Fatalf("buttons %q", names)
			}
			test.Tap(target)
			if got, want := rec.last() == "import "+c.preview.File, c.imports; got != want {
				t.Errorf("after %s the tray was last asked %q", c.button, rec.last())
			}
		})
	}
}
