package window

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// detailsUI is a look inside a profile's sign-in, as `tokentray inspect`
// shows it: the facts, and the access token's claims (decoded, not
// verified) each with a button that copies its value. The tray decodes the
// token; the window never holds it.
type detailsUI struct {
	ctx     context.Context
	a       fyne.App
	w       fyne.Window
	tray    Tray
	profile string

	facts, claims *fyne.Container
	note, status  *widget.Label
	keys          *keys
	scroll        *container.Scroll
	bottom        fyne.CanvasObject
	// shown is what the window was filled for: a new token refills it.
	shown string
	// async runs a request to the tray off the UI thread (a renewal can
	// take seconds); tests run it in place.
	async func(func())
}

func newDetails(ctx context.Context, a fyne.App, t Tray, profile string) *detailsUI {
	u := &detailsUI{ctx: ctx, a: a, w: a.NewWindow(words.T("Details of {profile}", "profile", profile)), tray: t, profile: profile,
		async: func(f func()) { go f() }}
	u.facts = container.New(layout.NewFormLayout())
	u.claims = container.New(layout.NewFormLayout())
	u.note = widget.NewLabel("")
	u.note.Wrapping = fyne.TextWrapWord
	u.status = widget.NewLabel("")
	u.keys = newKeys(u.w)
	u.keys.main(u.w.Close)
	done := u.keys.button(words.T("Close"), u.w.Close)
	u.bottom = container.NewHBox(u.status, layout.NewSpacer(), done)
	u.scroll = container.NewVScroll(container.NewVBox(u.facts, u.note, u.claims))
	u.w.SetContent(container.NewBorder(nil, u.bottom, nil, nil, u.scroll))
	u.w.Resize(fyne.NewSize(detailsWidth, 240))
	return u
}

// update refills the window when the profile's token changed.
func (u *detailsUI) update(v control.View) {
	p, ok := v.Profile(u.profile)
	if !ok {
		u.fill(control.Inspection{}, &control.Error{Kind: control.KindUnknownProfile, Profile: u.profile})
		return
	}
	shown := string(p.State) + p.Expiry.String() + p.RefreshedAt.String()
	if shown == u.shown {
		return
	}
	u.shown = shown
	u.async(func() {
		in, err := u.tray.Inspect(u.ctx, u.profile)
		fyne.Do(func() { u.fill(in, err) })
	})
}

// copyClaim has the tray copy the claim: on X11 the clipboard is the
// copying program's, and this window's would be gone once it closes.
func (u *detailsUI) copyClaim(label string) {
	u.async(func() {
		err := u.tray.CopyClaim(u.ctx, u.profile, label)
		fyne.Do(func() {
			if err != nil {
				w := control.Explain(errorOf(err))
				u.status.SetText(words.T("Nothing was copied: {reason}", "reason", w.Headline))
				return
			}
			u.status.SetText(words.T("Copied {claim}.", "claim", label))
		})
	})
}

// detailsWidth and detailsMaxHeight bound the Details window: as tall as
// its lines, up to what a laptop screen holds; then it scrolls.
const (
	detailsWidth     = 600
	detailsMaxHeight = 680
)

func (u *detailsUI) fill(in control.Inspection, err error) {
	defer u.fit()
	defer u.facts.Refresh() // as compactUI.update: a rebuild is not a redraw
	defer u.claims.Refresh()
	u.facts.RemoveAll()
	u.claims.RemoveAll()
	if err != nil {
		w := control.Explain(errorOf(err))
		u.note.SetText(w.Headline + " " + w.Next)
		return
	}
	for _, f := range in.Facts() {
		value := widget.NewLabel(f.Value)
		value.Wrapping = fyne.TextWrapWord
		u.facts.Add(widget.NewLabelWithStyle(f.Label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		u.facts.Add(value)
	}
	u.note.SetText(in.ClaimsNote())
	for _, f := range in.ClaimFacts() {
		value := widget.NewLabel(f.Value)
		value.Truncation = fyne.TextTruncateEllipsis
		copyIt := u.keys.button(words.T("Copy"), func() { u.copyClaim(f.Label) })
		copyIt.Icon = theme.ContentCopyIcon()
		u.claims.Add(widget.NewLabelWithStyle(f.Label, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true}))
		u.claims.Add(container.NewBorder(nil, nil, nil, copyIt, value))
	}
}

// fit makes the window as tall as what it shows (11 lines were shown in
// 680 px), within detailsMaxHeight.
func (u *detailsUI) fit() {
	inner := u.scroll.Content
	inner.Resize(fyne.NewSize(detailsWidth-2*theme.Padding(), inner.MinSize().Height))
	h := inner.MinSize().Height + u.bottom.MinSize().Height + 4*theme.Padding()
	u.w.Resize(fyne.NewSize(detailsWidth, min(h, detailsMaxHeight)))
}
