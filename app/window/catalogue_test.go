package window

import (
	"context"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// Every word a window shows comes from the catalogue: in the test
// language each text of the catalogue is marked ⟦…⟧, so a label or button
// without the mark was built outside it — and would stay English in
// German. What the windows show of the data (names, addresses, claims,
// times) is not translated and is allowed as it is.
func TestEveryTextFromTheCatalogue(t *testing.T) {
	words.Use(words.Pseudo)
	defer words.Use("en")
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"user-1","scope":"openid api"}`))
	now := time.Now()
	signedIn := control.ProfileView{Name: "work", Provider: "login.example.com", State: control.Valid, Who: "alice", Expiry: now.Add(time.Hour), HasRefreshToken: true}
	device := control.ProfileView{Name: "work", Provider: "login.example.com", State: control.SigningIn, SignIn: control.SignInView{Active: true,
		Device: &control.DeviceCode{UserCode: "WDJB-MJHT", URI: "https://login.example.com/device", Expires: now.Add(10 * time.Minute)}}}
	states := []control.View{
		view(control.ProfileView{State: control.SignedOut}),
		view(control.ProfileView{State: control.NeedsSignIn}),
		view(control.ProfileView{State: control.SigningIn, SignIn: control.SignInView{Active: true, URL: "http://x/auth"}}),
		view(control.ProfileView{State: control.SigningIn, SignIn: control.SignInView{Active: true, URL: "http://x/auth", NoBrowser: true}}),
		view(device),
		view(control.ProfileView{State: control.SignedOut, SignIn: control.SignInView{Err: &control.Error{Kind: control.KindTimeout}}}),
		view(control.ProfileView{State: control.SignedOut, SignIn: control.SignInView{Err: &control.Error{Kind: control.KindPortInUse, Port: 3000}}}),
		view(control.ProfileView{State: control.Retrying, Who: "alice", Expiry: now.Add(20 * time.Minute)}),
		view(signedIn),
		{Profiles: []control.ProfileView{signedIn, {Name: "spare", Provider: "id.example.net", State: control.SignedOut}}, Default: "work", Organization: "ACME Corp",
			ClipboardClear: time.Minute, ConfigPath: "/home/a/profiles.toml"},
		{ConfigErr: "profiles.toml:4: not valid TOML", ConfigWhere: "line 4", ConfigPath: "/home/a/profiles.toml"},
		{NoFile: true, ConfigPath: "/home/a/profiles.toml"},
	}
	data := regexp.MustCompile(`^(|work|spare|alice|user-1|sub|scope|openid api|WDJB-MJHT|login\.example\.com|id\.example\.net|ACME Corp|https?://\S+|[\d:\- ]+|…|"[^"]*"|\S+@\S+|(work|spare) — \S+)$`)
	for _, kind := range []string{"signin", "settings", "signout", "details", "tray"} {
		for i, v := range states {
			a := test.NewTempApp(t)
			rec := &recorder{token: "eyJhbGciOiJSUzI1NiJ9." + payload + ".sig"}
			var w fyne.Window
			var update func(control.View)
			var settings *settingsUI
			switch kind {
			case "details":
				d := newDetails(context.Background(), a, rec, "work")
				d.async = func(f func()) { f() }
				w, update = d.w, d.update
			case "settings":
				settings = newSettings(context.Background(), a, rec)
				w, update = settings.w, settings.update
			default:
				var err error
				if w, update, err = New(context.Background(), a, rec, kind, "work"); err != nil {
					t.Fatal(err)
				}
			}
			w.Show()
			update(v)
			check := func(where string, o fyne.CanvasObject) {
				labels, buttons := deep(o)
				for _, b := range buttons {
					labels = append(labels, b.Text)
				}
				for _, s := range labels {
					for _, line := range strings.Split(s, "\n") {
						if !strings.Contains(line, "⟦") && !data.MatchString(line) {
							t.Errorf("%s, state %d: %q is not from the catalogue", where, i, line)
						}
					}
				}
			}
			check(kind, w.Content())
			if title := w.Title(); !strings.Contains(title, "⟦") && title != "tokentray" {
				t.Errorf("%s: the title %q is not from the catalogue", kind, title)
			}
			if kind == "settings" && i == 9 {
				u := settings
				for _, p := range []control.ImportPreview{
					{File: "/tmp/it.toml", Signature: "signed", Signer: "it@acme.example", Organization: "ACME Corp", Profiles: []control.ImportedProfile{{Name: "corp", Where: "x", Powers: []string{"y"}}}},
					{File: "/tmp/evil.toml", Signature: "unsigned", Refused: []string{"z"}, Profiles: []control.ImportedProfile{{Name: "corp", Where: "x"}}},
				} {
					rec.preview = p
					u.importPath(p.File)
					// The profile's name, where and powers are the tray's words
					// (translated there): here x, y, z.
					labels, buttons := deep(w.Canvas().Overlays().Top())
					for _, b := range buttons {
						labels = append(labels, b.Text)
					}
					for _, s := range labels {
						if !strings.Contains(s, "⟦") && !regexp.MustCompile(`^(corp|x|• y|z)$`).MatchString(s) {
							t.Errorf("import dialog: %q is not from the catalogue", s)
						}
					}
					w.Canvas().Overlays().Top().Hide()
					w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
				}
			}
		}
	}
}
