package window

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/app"
	"github.com/tokentray/tokentray/auth"
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
	signIn   *widget.Button // "Sign in" / "Try again"
	copyLink *widget.Button
	cancel   *widget.Button
	close    *widget.Button
}

func newSignIn(ctx context.Context, a fyne.App, t Tray, profile string) *signInUI {
	u := &signInUI{ctx: ctx, w: a.NewWindow("Sign in"), tray: t, profile: profile}
	u.title = widget.NewLabelWithStyle("Sign in", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.provider = widget.NewLabel("")
	u.message = widget.NewLabel("")
	u.message.Wrapping = fyne.TextWrapWord
	u.detail = widget.NewLabel("")
	u.detail.Wrapping = fyne.TextWrapWord
	u.progress = widget.NewProgressBarInfinite()
	u.signIn = widget.NewButton("Sign in", func() { u.report(u.tray.SignIn(u.ctx, u.profile)) })
	u.signIn.Importance = widget.HighImportance
	u.copyLink = widget.NewButton("Copy sign-in link", func() {
		if err := u.tray.CopySignInLink(u.ctx, u.profile); err == nil {
			u.copyLink.SetText("Link copied")
		} else {
			u.report(err)
		}
	})
	u.cancel = widget.NewButton("Cancel", func() { u.report(u.tray.CancelSignIn(u.ctx, u.profile)) })
	u.close = widget.NewButton("Close", u.w.Close)
	buttons := container.NewHBox(layout.NewSpacer(), u.copyLink, u.cancel, u.close, u.signIn)
	u.w.SetContent(container.NewPadded(container.NewVBox(
		u.title, u.provider, widget.NewSeparator(), u.message, u.progress, u.detail, layout.NewSpacer(), buttons)))
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
	closeOnly       bool
}

func signInTextFor(p app.ProfileView) signInText {
	s := p.SignIn
	switch {
	case s.Active && s.URL == "":
		return signInText{message: "Starting the sign-in…", busy: true}
	case s.Active:
		return signInText{
			message:  "Finish signing in in your browser…",
			detail:   "A browser tab has opened at " + p.Provider + ". If none did, click “Copy sign-in link” and paste it into your browser.",
			busy:     true,
			copyLink: true,
		}
	case s.Done && p.HasToken():
		who := p.Who
		if who == "" {
			who = "your account"
		}
		return signInText{message: "You are signed in as " + who + ". You can close this window; tokentray keeps you signed in.", closeOnly: true}
	case s.Err != "":
		msg, todo := signInAdvice(s.ErrKind, s.Err)
		return signInText{message: msg, detail: todo, signIn: "Try again"}
	case p.HasToken():
		return signInText{message: "You are signed in as " + orDefault(p.Who, "your account") + ".", closeOnly: true}
	case p.State == auth.NeedsSignIn:
		return signInText{message: "Your sign-in has ended. Click Sign in: your browser opens at " + p.Provider + ".", signIn: "Sign in"}
	}
	return signInText{message: "You are not signed in. Click Sign in: your browser opens at " + p.Provider + ".", signIn: "Sign in"}
}

// signInAdvice says what went wrong and what to do, in plain words.
func signInAdvice(kind app.Kind, detail string) (msg, todo string) {
	switch kind {
	case app.KindPortInUse:
		port := "the sign-in port"
		if i := strings.Index(detail, "port "); i >= 0 {
			port = "port " + strings.Fields(detail[i+5:])[0]
		}
		return "Another program is using " + port + ", which the sign-in needs.",
			"Close that program (often an old sign-in script still running) and click Try again."
	case app.KindRefused:
		return "The provider did not sign you in.", detail + " If this keeps happening, ask your IT team."
	case app.KindKeychain:
		return "Your sign-in could not be saved: the keychain is locked or not available.",
			"Unlock your keychain (on Linux: log out and in again, or open Passwords and Keys), then click Try again."
	case app.KindTimeout:
		return "The sign-in took too long, so it was stopped.", "Click Try again when you are ready."
	case app.KindCanceled:
		return "The sign-in was cancelled.", ""
	case app.KindUnreachable:
		return "The provider could not be reached.", "Check your network connection, then click Try again."
	case app.KindConfig:
		return "The profile has a problem.", detail + " Ask your IT team for a corrected profile file."
	}
	return "The sign-in did not work.", detail
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (u *signInUI) update(v app.View) {
	p, ok := v.Profile(u.profile)
	if !ok {
		u.message.SetText("There is no profile named " + u.profile + ".")
		return
	}
	u.profile = p.Name
	u.title.SetText("Sign in to " + p.Name)
	u.provider.SetText(fmt.Sprintf("Provider: %s", p.Provider))
	if p.Who != "" {
		u.provider.SetText(fmt.Sprintf("Provider: %s · Account: %s", p.Provider, p.Who))
	}
	t := signInTextFor(p)
	u.message.SetText(t.message)
	u.detail.SetText(t.detail)
	show(u.progress, t.busy)
	show(u.copyLink, t.copyLink)
	if !t.copyLink {
		u.copyLink.SetText("Copy sign-in link")
	}
	show(u.cancel, t.busy)
	show(u.close, t.closeOnly)
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
