package window

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// signInUI is the sign-in window, made for people who are not developers:
// which account, what is happening, one obvious button, and errors in plain
// words with what to do.
type signInUI struct {
	ctx     context.Context
	w       fyne.Window
	tray    Tray
	profile string

	title    *widget.Label
	provider *widget.Label
	message  *widget.Label
	detail   *widget.Label
	progress *widget.ProgressBarInfinite
	code     *canvas.Text // a device code, large enough to read across a desk
	signIn   *keyButton   // "Sign in" / "Try again"
	copyLink *keyButton   // "Copy sign-in link" / "Copy code"
	// copyKind is what copyLink copies ("link", "code"); copied: it has.
	copyKind string
	copied   bool
	openPage *keyButton
	cancel   *keyButton
	close    *keyButton
	keys     *keys
}

func newSignIn(ctx context.Context, a fyne.App, t Tray, profile string) *signInUI {
	u := &signInUI{ctx: ctx, w: a.NewWindow(signInTitle(profile)), tray: t, profile: profile}
	u.title = widget.NewLabelWithStyle(words.T("Sign in"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.provider = widget.NewLabel("")
	u.message = widget.NewLabel("")
	u.message.Wrapping = fyne.TextWrapWord
	u.detail = widget.NewLabel("")
	u.detail.Wrapping = fyne.TextWrapWord
	u.progress = widget.NewProgressBarInfinite()
	u.code = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	u.code.TextSize = 3 * theme.TextSize()
	u.code.TextStyle = fyne.TextStyle{Monospace: true}
	u.code.Alignment = fyne.TextAlignCenter
	u.keys = newKeys(u.w)
	u.openPage = u.keys.button(words.T("Open page"), func() { u.report(u.tray.OpenSignInPage(u.ctx, u.profile)) })
	u.signIn = u.keys.button(words.T("Sign in"), func() { u.report(u.tray.SignIn(u.ctx, u.profile, "signin")) })
	u.signIn.Importance = widget.HighImportance
	u.copyLink = u.keys.button(words.T("Copy sign-in link"), func() {
		if err := u.tray.CopySignInLink(u.ctx, u.profile); err == nil {
			u.copied = true
			u.copyLink.SetText(copyLabel(u.copyKind, true))
		} else {
			u.report(err)
		}
	})
	u.cancel = u.keys.button(words.T("Cancel"), func() {
		_, err := u.tray.CancelSignIn(u.ctx, u.profile)
		u.report(err)
	})
	u.close = u.keys.button(words.T("Close"), u.w.Close)
	// Enter: the one obvious button (Sign in, Try again), else Close;
	// Escape: Cancel while a sign-in waits, else Close — also when the
	// sign-in ended just before and the window has not heard yet.
	u.keys.main(func() {
		switch {
		case u.signIn.Visible():
			u.signIn.OnTapped()
		case u.close.Visible():
			u.w.Close()
		}
	})
	u.keys.escape(func() {
		if u.cancel.Visible() {
			stopped, err := u.tray.CancelSignIn(u.ctx, u.profile)
			if err != nil || stopped {
				u.report(err)
				return
			}
		}
		u.w.Close()
	})
	buttons := container.NewHBox(layout.NewSpacer(), u.copyLink, u.openPage, u.cancel, u.close, u.signIn)
	u.w.SetContent(container.NewPadded(container.NewVBox(
		u.title, u.provider, widget.NewSeparator(), u.message, u.code, u.progress, u.detail, layout.NewSpacer(), buttons)))
	u.w.Resize(fyne.NewSize(460, 260))
	return u
}

// report shows a failure to ask the tray in the window.
func (u *signInUI) report(err error) {
	if err != nil {
		u.detail.SetText(err.Error())
	}
}

// signInText is what the window says for a profile: a message, a detail
// line, and which of its buttons make sense.
type signInText struct {
	message, detail string
	busy            bool // a sign-in waits for the browser
	signIn          string
	copyLink        bool
	// code is a device code to show; openPage offers its page again.
	code     string
	openPage bool
}

func signInTextFor(p control.ProfileView) signInText {
	s := p.SignIn
	switch {
	case s.Active && s.Device != nil:
		d := s.Device
		page := d.URI
		msg := words.T("Enter this code at {page} — on this computer or your phone:", "page", page)
		if d.URIComplete != "" {
			msg = words.T("Check that the page of {provider} shows this code, then sign in there:", "provider", p.Provider)
		}
		detail := words.T("The page opened in your browser. If it did not, click “Open page”, or go to {page} on any device.", "page", page)
		if !d.Expires.IsZero() {
			detail += " " + words.T("The code works until {time}.", "time", d.Expires.Local().Format("15:04"))
		}
		if d.Why != "" {
			detail = words.T("Signing in with a code, since {why}.", "why", d.Why) + " " + detail
		}
		return signInText{message: msg, detail: detail, busy: true, copyLink: true, code: d.UserCode, openPage: true}
	case s.Active && s.URL == "":
		return signInText{message: words.T("Starting the sign-in…"), busy: true}
	case s.Active && s.NoBrowser:
		w := control.Explain(&control.Error{Kind: control.KindNoBrowser})
		return signInText{message: w.Headline, detail: w.Next + " " + words.T("The sign-in waits for it."), busy: true, copyLink: true}
	case s.Active:
		return signInText{
			message:  words.T("Sign in on the page that opened in your browser."),
			detail:   words.T("It is the page of {provider}. If no page opened, click “Copy sign-in link” and paste the link into your browser.", "provider", p.Provider),
			busy:     true,
			copyLink: true,
		}
	case s.Done && p.HasToken():
		who := p.Who
		if who == "" {
			who = words.T("your account")
		}
		return signInText{message: words.T("You are signed in as {account}. You can close this window; tokentray keeps you signed in.", "account", who)}
	case s.Err != nil:
		msg, todo := signInAdvice(s.Err)
		if fixedInAFile(s.Err.Kind) {
			// Trying again fails the same way until the file is fixed;
			// the menu signs in once it is.
			return signInText{message: msg, detail: todo}
		}
		return signInText{message: msg, detail: todo, signIn: words.T("Try again")}
	case p.HasToken():
		return signInText{message: words.T("You are signed in as {account}.", "account", orDefault(p.Who, words.T("your account")))}
	case p.State == control.NeedsSignIn:
		return signInText{message: words.T("Your sign-in has ended. Click Sign in: your browser opens at {provider}.", "provider", p.Provider), signIn: words.T("Sign in")}
	}
	return signInText{message: words.T("You are not signed in. Click Sign in: your browser opens at {provider}.", "provider", p.Provider), signIn: words.T("Sign in")}
}

// fixedInAFile tells whether a failure of kind k is mended in a file (the
// profile file, or IT's policy), not by trying again: the window then
// shows the file's own detail, where the mistake is.
func fixedInAFile(k control.Kind) bool {
	switch k {
	case control.KindConfig, control.KindPlaceholder, control.KindMisconfigured, control.KindPolicy:
		return true
	}
	return false
}

// signInAdvice is what the window says about a failed sign-in: the
// catalogue's words; then the detail where it tells what to fix (file,
// line and key), or else the provider's own words — never its error codes
// or the chain of what tokentray was doing.
func signInAdvice(e *control.Error) (msg, todo string) {
	w := control.Explain(e)
	todo = w.Next
	switch {
	case fixedInAFile(e.Kind):
		todo = strings.TrimSpace(todo + " (" + e.Msg + ")")
	case e.Said != "":
		todo = strings.TrimSpace(todo + " " + words.T("The provider said: “{said}.”", "said", strings.TrimSuffix(e.Said, ".")))
	case e.Kind == control.KindOther:
		todo = strings.TrimSpace(todo + " (" + e.Msg + ")")
	}
	return w.Headline, todo
}

// signInTitle names the window after its profile: with two open, the
// taskbar tells them apart.
func signInTitle(profile string) string {
	if profile == "" {
		return words.T("Sign in")
	}
	return words.T("Sign in to {profile}", "profile", profile)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (u *signInUI) update(v control.View) {
	p, ok := v.Profile(u.profile)
	if !ok {
		u.message.SetText(words.T("There is no profile named {profile}.", "profile", u.profile))
		return
	}
	u.profile = p.Name
	u.title.SetText(signInTitle(p.Name))
	u.w.SetTitle(signInTitle(p.Name))
	u.provider.SetText(words.T("Provider: {provider}", "provider", p.Provider))
	if p.Who != "" {
		u.provider.SetText(words.T("Provider: {provider} · Account: {account}", "provider", p.Provider, "account", p.Who))
	}
	t := signInTextFor(p)
	u.message.SetText(t.message)
	u.detail.SetText(t.detail)
	show(u.progress, t.busy)
	show(u.copyLink, t.copyLink)
	kind := "link"
	if t.code != "" {
		kind = "code"
	}
	if !t.copyLink || kind != u.copyKind {
		u.copyKind, u.copied = kind, false
	}
	u.copyLink.SetText(copyLabel(u.copyKind, u.copied))
	u.code.Text = t.code
	u.code.Refresh()
	show(u.code, t.code != "")
	show(u.openPage, t.openPage)
	show(u.cancel, t.busy)
	// Every state but a waiting sign-in (which has Cancel) can be closed:
	// "Cancelled." and "took too long" had only Try again.
	show(u.close, !t.busy)
	show(u.signIn, t.signIn != "")
	u.signIn.SetText(t.signIn)
	if t.busy {
		u.progress.Start()
	} else {
		u.progress.Stop()
	}
}

func show(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// copyLabel is the copy button's label: what it copies, and whether it has.
func copyLabel(kind string, copied bool) string {
	switch {
	case kind == "code" && copied:
		return words.T("Copied: code")
	case kind == "code":
		return words.T("Copy code")
	case copied:
		return words.T("Copied: sign-in link")
	}
	return words.T("Copy sign-in link")
}
