package window

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/internal/control"
)

// press is a key as the desktop driver delivers one that is no shortcut:
// to the focused widget, else to the canvas.
func press(w fyne.Window, key fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: key}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if on := w.Canvas().OnTypedKey(); on != nil {
		on(ev)
	}
}

// tabTo moves focus with Tab until the button labelled text has it.
func tabTo(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	for range 40 {
		test.FocusNext(w.Canvas())
		if b, ok := w.Canvas().Focused().(*keyButton); ok && b.Text == text {
			return
		}
	}
	t.Fatalf("Tab never reached %q", text)
}

// Every window works with the keyboard alone: Tab reaches each button,
// Enter does the window's main action or the focused button's, Escape
// cancels or closes — in a dialog over the window first.
func TestKeyboardOnly(t *testing.T) {
	signedIn := control.ProfileView{Name: "work", Provider: "login.example.com", State: control.Valid, Who: "alice", Expiry: time.Now().Add(time.Hour)}
	signedOut := control.ProfileView{Name: "work", Provider: "login.example.com", State: control.SignedOut}
	waiting := control.ProfileView{Name: "work", Provider: "login.example.com", State: control.SigningIn,
		SignIn: control.SignInView{Active: true, URL: "http://x/auth"}}
	cancelled := control.ProfileView{Name: "work", Provider: "login.example.com", State: control.SignedOut,
		SignIn: control.SignInView{Err: &control.Error{Kind: control.KindCanceled}}}
	both := control.View{Default: "work", Profiles: []control.ProfileView{signedIn,
		{Name: "spare", Provider: "id.example.net", State: control.SignedOut}}}

	for _, c := range []struct {
		name    string
		kind    string
		view    control.View
		keys    func(t *testing.T, w fyne.Window)
		want    string // the tray's last request ("" none, "*" any)
		closed  bool   // the window closed
		preview control.ImportPreview
	}{
		{"sign-in: Enter signs in", "signin", view(signedOut), func(t *testing.T, w fyne.Window) { press(w, fyne.KeyReturn) }, "signin work from signin", false, control.ImportPreview{}},
		{"sign-in: Escape cancels a waiting sign-in", "signin", view(waiting), func(t *testing.T, w fyne.Window) { press(w, fyne.KeyEscape) }, "cancel work", false, control.ImportPreview{}},
		{"sign-in: Tab, Enter on Cancel", "signin", view(waiting), func(t *testing.T, w fyne.Window) { tabTo(t, w, "Cancel"); press(w, fyne.KeyReturn) }, "cancel work", false, control.ImportPreview{}},
		{"sign-in: Escape closes once cancelled", "signin", view(cancelled), func(t *testing.T, w fyne.Window) { press(w, fyne.KeyEscape) }, "", true, control.ImportPreview{}},
		{"sign-in: Escape from a focused button", "signin", view(cancelled), func(t *testing.T, w fyne.Window) { tabTo(t, w, "Try again"); press(w, fyne.KeyEscape) }, "", true, control.ImportPreview{}},
		{"sign-out: Enter signs out", "signout", view(signedIn), func(t *testing.T, w fyne.Window) { press(w, fyne.KeyReturn) }, "logout work", true, control.ImportPreview{}},
		{"sign-out: Enter on a focused Cancel cancels", "signout", view(signedIn), func(t *testing.T, w fyne.Window) { tabTo(t, w, "Cancel"); press(w, fyne.KeyReturn) }, "", true, control.ImportPreview{}},
		{"sign-out: Escape cancels", "signout", view(signedIn), func(t *testing.T, w fyne.Window) { press(w, fyne.KeyEscape) }, "", true, control.ImportPreview{}},
		{"settings: Tab to Sign in, Enter", "settings", both, func(t *testing.T, w fyne.Window) { tabTo(t, w, "Sign in"); press(w, fyne.KeyReturn) }, "signin spare from settings", false, control.ImportPreview{}},
		{"settings: Escape closes", "settings", both, func(t *testing.T, w fyne.Window) { press(w, fyne.KeyEscape) }, "", true, control.ImportPreview{}},
		{"settings: Remove asks, Escape keeps", "settings", both, func(t *testing.T, w fyne.Window) {
			tabTo(t, w, "Remove")
			press(w, fyne.KeyReturn)
			if w.Canvas().Overlays().Top() == nil {
				t.Fatal("Remove asked nothing")
			}
			press(w, fyne.KeyEscape)
			if w.Canvas().Overlays().Top() != nil {
				t.Fatal("Escape left the question open")
			}
		}, "", false, control.ImportPreview{}},
		{"settings: Remove asks, Enter removes", "settings", both, func(t *testing.T, w fyne.Window) {
			tabTo(t, w, "Remove")
			press(w, fyne.KeyReturn)
			press(w, fyne.KeyReturn)
		}, "remove work", false, control.ImportPreview{}},
		{"import: Enter imports", "import", both, func(t *testing.T, w fyne.Window) { press(w, fyne.KeyReturn) }, "import /tmp/it.toml", false,
			control.ImportPreview{File: "/tmp/it.toml", Signature: "signed", Signer: "it@acme.example", Profiles: []control.ImportedProfile{{Name: "corp", Where: "sign-in at https://id.acme.example"}}}},
		{"import: Escape imports nothing", "import", both, func(t *testing.T, w fyne.Window) { press(w, fyne.KeyEscape) }, "preview /tmp/it.toml", false,
			control.ImportPreview{File: "/tmp/it.toml", Signature: "signed", Signer: "it@acme.example", Profiles: []control.ImportedProfile{{Name: "corp", Where: "sign-in at https://id.acme.example"}}}},
		{"import refused: Enter closes, imports nothing", "import", both, func(t *testing.T, w fyne.Window) { press(w, fyne.KeyReturn) }, "preview /tmp/evil.toml", false,
			control.ImportPreview{File: "/tmp/evil.toml", Signature: "unsigned", Refused: []string{"no"}, Profiles: []control.ImportedProfile{{Name: "corp", Where: "sign-in at https://id.evil.example"}}}},
		{"details: Escape closes", "details", view(signedIn), func(t *testing.T, w fyne.Window) { press(w, fyne.KeyEscape) }, "*", true, control.ImportPreview{}},
		{"panel stand-in: Tab to Copy, Enter", "tray", view(signedIn), func(t *testing.T, w fyne.Window) { tabTo(t, w, "Copy access token"); press(w, fyne.KeyReturn) }, "copy work header=false", false, control.ImportPreview{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			rec := &recorder{preview: c.preview}
			profile := "work"
			if c.kind == "import" {
				profile = c.preview.File
			}
			w, update, err := New(context.Background(), a, rec, c.kind, profile)
			if err != nil {
				t.Fatal(err)
			}
			closed := false
			w.SetOnClosed(func() { closed = true })
			w.Show()
			update(c.view)
			c.keys(t, w)
			if got := rec.last(); got != c.want && c.want != "*" {
				t.Errorf("the tray was last asked %q, want %q", got, c.want)
			}
			if closed != c.closed {
				t.Errorf("window closed %t, want %t", closed, c.closed)
			}
		})
	}
}

// Escape pressed as the sign-in ends, before the window has heard (it
// still shows Cancel), closes the window: nothing was waiting to cancel.
// A CI run once pressed it in that moment and the window stayed.
func TestEscapeAsTheSignInEnds(t *testing.T) {
	waiting := control.ProfileView{Name: "work", Provider: "login.example.com", State: control.SigningIn,
		SignIn: control.SignInView{Active: true, URL: "http://x/auth"}}
	for _, ended := range []bool{false, true} {
		t.Run(fmt.Sprintf("ended %t", ended), func(t *testing.T) {
			a := test.NewTempApp(t)
			rec := &recorder{signInEnded: ended}
			w, update, err := New(context.Background(), a, rec, "signin", "work")
			if err != nil {
				t.Fatal(err)
			}
			closed := false
			w.SetOnClosed(func() { closed = true })
			w.Show()
			update(view(waiting))
			press(w, fyne.KeyEscape)
			if got := rec.last(); got != "cancel work" {
				t.Errorf("the tray was last asked %q, want cancel work", got)
			}
			if closed != ended {
				t.Errorf("window closed %t, want %t", closed, ended)
			}
		})
	}
}

// variant is a theme held to one variant, light or dark, whatever the
// test app's settings say.
type variant struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// A focused button can be told from an unfocused one at a glance: the
// pixels of its ring differ from what they show unfocused by at least
// 3:1 (WCAG 2.4.13), on the prominent and the plain buttons, in the light
// and the dark theme. Measured on the rendered window.
func TestFocusIsVisible(t *testing.T) {
	for _, th := range []struct {
		name string
		v    fyne.ThemeVariant
	}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}} {
		for _, label := range []string{"Sign in", "Close"} {
			t.Run(th.name+"/"+label, func(t *testing.T) {
				a := test.NewTempApp(t)
				a.Settings().SetTheme(variant{theme.DefaultTheme(), th.v})
				w, update, err := New(context.Background(), a, &recorder{}, "signin", "work")
				if err != nil {
					t.Fatal(err)
				}
				w.Resize(fyne.NewSize(460, 260))
				w.Show()
				update(view(control.ProfileView{State: control.SignedOut}))
				var b *keyButton
				walk(w.Content(), func(o fyne.CanvasObject) bool {
					if k, ok := o.(*keyButton); ok && k.Text == label && k.Visible() {
						b = k
					}
					return true
				})
				if b == nil || (label == "Sign in" && b.Importance != widget.HighImportance) {
					t.Fatalf("no button %q, or not the prominent one", label)
				}
				before := w.Canvas().Capture()
				tabTo(t, w, label)
				after := w.Canvas().Capture()
				// WCAG 2.4.13: an area at least a 2 px perimeter of the
				// button changes by at least 3:1. Counted over the whole
				// window, so no pixel position is assumed.
				changed := 0
				bounds := before.Bounds()
				for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
					for x := bounds.Min.X; x < bounds.Max.X; x++ {
						if contrast(before.At(x, y), after.At(x, y)) >= 3 {
							changed++
						}
					}
				}
				scale := w.Canvas().Scale()
				perimeter := 2 * (b.Size().Width + b.Size().Height) * scale
				if want := int(2 * perimeter * 0.9); changed < want {
					t.Errorf("focus changes %d pixels by 3:1 or more, want at least %d (a 2 px ring around %v)", changed, want, b.Size())
				}
			})
		}
	}
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// Windows fit what they show: Settings grows for a long line and shrinks
// back when it is gone (Fyne grows a window, never shrinks it); Details is
// as tall as its lines.
func TestWindowsFitTheirContent(t *testing.T) {
	t.Run("settings", func(t *testing.T) {
		a := test.NewTempApp(t)
		w, update, err := New(context.Background(), a, &recorder{}, "settings", "")
		if err != nil {
			t.Fatal(err)
		}
		w.Show()
		p := control.ProfileView{Name: "work", Provider: "login.example.com", State: control.Valid, Expiry: time.Now().Add(time.Hour)}
		update(view(p))
		short := w.Canvas().Size()
		p.Who = strings.Repeat("a-very-long-account-name", 6) + "@example.com"
		update(view(p))
		if long := w.Canvas().Size(); long.Width <= short.Width {
			t.Fatalf("a long line did not widen the window: %v then %v", short, long)
		}
		p.Who = "alice"
		update(view(p))
		if again := w.Canvas().Size(); again.Width > short.Width+1 {
			t.Errorf("the window stayed %v wide after the long line went; it was %v", again, short)
		}
	})
	t.Run("details", func(t *testing.T) {
		a := test.NewTempApp(t)
		d := newDetails(context.Background(), a, &recorder{token: "opaque-token-0001"}, "work")
		d.async = func(f func()) { f() }
		d.w.Show()
		d.update(view(control.ProfileView{State: control.Valid, Expiry: time.Now().Add(time.Hour)}))
		if h := d.w.Canvas().Size().Height; h >= detailsMaxHeight || h < 150 {
			t.Errorf("Details of a few lines is %v tall", h)
		}
	})
}
