package window

import (
	"image/color"

	"github.com/tokentray/tokentray/words"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// What Fyne 2.7 leaves out for people who use the keyboard alone: Enter
// and Escape mean nothing to a window or a dialog, a focused button fires
// on Space only, and focus on a button is a shade hardly different from
// the button (1.003:1 on the blue ones). keys gives every window the
// desktop's rules — Enter does the main action (or the focused button's),
// Escape cancels or closes, in a dialog over the window first — and its
// buttons a focus ring in the theme's text colour.

// keys is one window's keyboard: a scope for the window, then one for
// each dialog open over it; keys go to the topmost.
type keys struct {
	w      fyne.Window
	scopes []*keyScope
}

// keyScope is what Enter (nothing focused) and Escape do in a window or a
// dialog; nil does nothing.
type keyScope struct {
	enter, escape func()
}

func newKeys(w fyne.Window) *keys {
	k := &keys{w: w, scopes: []*keyScope{{escape: w.Close}}}
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { k.typed(ev, nil) })
	return k
}

// main sets what Enter does in the window when no button has focus.
func (k *keys) main(enter func()) { k.scopes[0].enter = enter }

// escape sets what Escape does in the window (by default it closes it).
func (k *keys) escape(f func()) { k.scopes[0].escape = f }

func (k *keys) top() *keyScope { return k.scopes[len(k.scopes)-1] }

// typed handles a key nothing else took: from the canvas (no focus) or
// from a focused button (b), which Enter fires as on every desktop.
func (k *keys) typed(ev *fyne.KeyEvent, b *keyButton) {
	s := k.top()
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		switch {
		case b != nil:
			if !b.Disabled() && b.OnTapped != nil {
				b.OnTapped()
			}
		case s.enter != nil:
			s.enter()
		}
	case fyne.KeyEscape:
		if s.escape != nil {
			s.escape()
		}
	}
}

// button is a button of this window: Enter fires it when it has focus,
// Escape goes to the window (or the dialog over it), and focus shows as a
// ring.
func (k *keys) button(label string, tapped func()) *keyButton {
	b := &keyButton{keys: k}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

// show shows d over the window with buttons: the first is the main
// action, which Enter does; Escape dismisses it (cancel). onClosed runs
// however it closes.
func (k *keys) show(title string, content fyne.CanvasObject, buttons []*keyButton, enter func()) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, content, k.w)
	objs := make([]fyne.CanvasObject, len(buttons))
	for i, b := range buttons {
		objs[i] = b
	}
	d.SetButtons(objs)
	k.push(d, enter)
	d.Show()
	return d
}

// push makes d's scope the topmost until it closes.
func (k *keys) push(d dialog.Dialog, enter func()) {
	s := &keyScope{enter: enter, escape: d.Hide}
	k.scopes = append(k.scopes, s)
	d.SetOnClosed(func() {
		for i, o := range k.scopes {
			if o == s && i > 0 {
				k.scopes = append(k.scopes[:i], k.scopes[i+1:]...)
				break
			}
		}
	})
}

// inform shows a message with a Close button.
func (k *keys) inform(title, msg string) {
	var d *dialog.CustomDialog
	closeBtn := k.button(words.T("Close"), func() { d.Hide() })
	closeBtn.Importance = widget.HighImportance
	d = k.show(title, wrapped(msg), []*keyButton{closeBtn}, func() { d.Hide() })
}

// report shows err in a dialog with a Close button.
func (k *keys) report(err error) {
	if err != nil {
		k.inform(words.T("Something went wrong"), err.Error())
	}
}

// confirm asks a question: Cancel (Escape) or the action (Enter).
func (k *keys) confirm(title string, content fyne.CanvasObject, action string, do func()) {
	var d *dialog.CustomDialog
	yes := func() { d.Hide(); do() }
	cancel := k.button(words.T("Cancel"), func() { d.Hide() })
	ok := k.button(action, yes)
	ok.Importance = widget.HighImportance
	d = k.show(title, content, []*keyButton{cancel, ok}, yes)
}

// keyButton is a widget.Button that Enter fires when focused, that hands
// Escape to its window, and that shows focus as a ring.
type keyButton struct {
	widget.Button
	keys    *keys
	focused bool
}

func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
		b.keys.typed(ev, b)
	default:
		b.Button.TypedKey(ev)
	}
}

func (b *keyButton) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
}

func (b *keyButton) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// focusRing is how wide the ring is: WCAG 2.4.13 asks for at least a
// 2 px perimeter.
const focusRing = 2

func (b *keyButton) CreateRenderer() fyne.WidgetRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = focusRing
	return &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), ring: ring, b: b}
}

// ringRenderer draws the button, then its ring in the theme's text colour
// (the colour the theme keeps readable on its background and on buttons,
// in light, dark and high-contrast themes) while it has focus.
type ringRenderer struct {
	fyne.WidgetRenderer
	ring *canvas.Rectangle
	b    *keyButton
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(r.WidgetRenderer.Objects(), r.ring)
}

// The ring goes just outside the button, on the window's background: on
// the button itself (blue) a ring in the text colour would stand out by
// less than 3:1 in the light theme. Rows of buttons keep a padding apart,
// which the ring fits in.
func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(-focusRing, -focusRing))
	r.ring.Resize(size.AddWidthHeight(2*focusRing, 2*focusRing))
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.ring.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.ring.StrokeColor = color.Transparent
	if r.b.focused && !r.b.Disabled() {
		r.ring.StrokeColor = th.Color(theme.ColorNameForeground, v)
	}
	r.ring.Refresh()
}
