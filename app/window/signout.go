package window

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// signOutUI asks before a sign-out: it revokes the tokens at the provider,
// and every program using them stops working until the next sign-in.
type signOutUI struct {
	ctx     context.Context
	w       fyne.Window
	tray    Tray
	profile string

	message *widget.Label
	detail  *widget.Label
	signOut *keyButton
	cancel  *keyButton
	keys    *keys
}

func newSignOut(ctx context.Context, a fyne.App, t Tray, profile string) *signOutUI {
	u := &signOutUI{ctx: ctx, w: a.NewWindow(words.T("Sign out of {profile}?", "profile", profile)), tray: t, profile: profile}
	u.message = widget.NewLabel("")
	u.message.Wrapping = fyne.TextWrapWord
	u.detail = widget.NewLabel("")
	u.detail.Wrapping = fyne.TextWrapWord
	u.keys = newKeys(u.w)
	u.cancel = u.keys.button(words.T("Cancel"), u.w.Close)
	u.signOut = u.keys.button(words.T("Sign out"), u.do)
	// Enter signs out while the question stands, else closes.
	u.keys.main(func() {
		if u.signOut.Visible() {
			u.do()
		} else {
			u.w.Close()
		}
	})
	u.signOut.Importance = widget.DangerImportance
	u.w.SetContent(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(words.T("Sign out of {profile}?", "profile", profile), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		u.message, u.detail, layout.NewSpacer(),
		container.NewHBox(layout.NewSpacer(), u.cancel, u.signOut))))
	u.w.Resize(fyne.NewSize(420, 180))
	return u
}

// do signs out and says how it went; the window closes when all is well.
func (u *signOutUI) do() {
	u.signOut.Disable()
	res, err := u.tray.Logout(u.ctx, u.profile)
	switch {
	case err != nil:
		w := control.Explain(errorOf(err))
		u.message.SetText(w.Headline)
		u.detail.SetText(w.Next)
		u.signOut.Enable()
	case res.WasSignedIn && !res.Revoked:
		u.message.SetText(words.T("Signed out on this computer. The provider was not told to revoke the tokens."))
		u.detail.SetText(res.RevokeErr)
		u.cancel.SetText(words.T("Close"))
		u.signOut.Hide()
	default:
		u.w.Close()
	}
}

func (u *signOutUI) update(v control.View) {
	p, ok := v.Profile(u.profile)
	if !ok {
		u.message.SetText(words.T("There is no profile named {profile}.", "profile", u.profile))
		u.signOut.Hide()
		return
	}
	if !p.HasToken() && u.signOut.Visible() {
		u.message.SetText(words.T("{profile} is not signed in.", "profile", u.profile))
		u.detail.SetText("")
		u.cancel.SetText(words.T("Close"))
		u.signOut.Hide()
		return
	}
	if u.signOut.Visible() {
		who := orDefault(p.Who, words.T("your account"))
		u.message.SetText(words.T("You are signed in to {profile} as {account}. Signing out revokes the tokens at {provider}.", "profile", p.Name, "account", who, "provider", p.Provider))
		u.detail.SetText(words.T("Programs using them stop working until you sign in again."))
	}
}
