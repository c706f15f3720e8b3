package window

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// compactUI stands in for the tray menu on a desktop that shows no tray
// icons (stock GNOME): the same actions per profile, and one line on how
// to get the icon. The tray closes it once a panel shows the icon.
type compactUI struct {
	ctx      context.Context
	w        fyne.Window
	tray     Tray
	profiles *fyne.Container
	result   *widget.Label
	keys     *keys
	// copiedFrom is the profile whose token result says is on the clipboard.
	copiedFrom string
}

func newCompact(ctx context.Context, a fyne.App, t Tray) *compactUI {
	u := &compactUI{ctx: ctx, w: a.NewWindow("tokentray"), tray: t}
	u.keys = newKeys(u.w)
	u.profiles = container.NewVBox()
	u.result = widget.NewLabel("")
	u.result.Wrapping = fyne.TextWrapWord
	u.w.SetContent(container.NewPadded(container.NewVBox(
		wrapped(words.T("This desktop shows no tray icons, so tokentray shows this window instead. On GNOME, add the AppIndicator extension: the icon appears and this window closes.")),
		widget.NewSeparator(),
		u.profiles,
		u.result,
		container.NewHBox(u.keys.button(words.T("Settings…"), func() { u.report(u.tray.Show(u.ctx, "settings", "")) }),
			layout.NewSpacer(), u.keys.button(words.T("Close"), u.w.Close)),
	)))
	u.w.Resize(fyne.NewSize(560, 260))
	return u
}

func (u *compactUI) report(err error) {
	if err != nil {
		w := control.Explain(errorOf(err))
		u.result.SetText(w.Headline + " " + w.Next)
	}
}

func (u *compactUI) update(v control.View) {
	// "The access token of op is on the clipboard" no longer holds once op
	// is signed out: the tray cleared it.
	if u.copiedFrom != "" {
		if p, ok := v.Profile(u.copiedFrom); !ok || !p.HasToken() {
			u.result.SetText("")
			u.copiedFrom = ""
		}
	}
	// Add and RemoveAll lay out but do not redraw: without the Refresh
	// the window shows the old profiles until something else repaints it.
	defer u.profiles.Refresh()
	u.profiles.RemoveAll()
	if v.ConfigErr != "" {
		problem := wrapped(problemWords(v))
		problem.Importance = widget.DangerImportance
		u.profiles.Add(problem)
	} else if len(v.Profiles) == 0 {
		u.profiles.Add(wrapped(words.T("No profile yet: import the profile file your IT team sent you in Settings.")))
	}
	def, _ := v.Profile("")
	now := time.Now()
	for _, p := range v.Profiles {
		name := p.Name
		label := name
		if name == def.Name && len(v.Profiles) > 1 {
			label += " " + words.T("(default)")
		}
		line := widget.NewLabel(label + ": " + control.StatusLine(p, now))
		var buttons []fyne.CanvasObject
		if p.HasToken() {
			buttons = append(buttons,
				u.keys.button(words.T("Copy access token"), func() { u.copied(name, false) }),
				u.keys.button(words.T("Copy header"), func() { u.copied(name, true) }),
				u.keys.button(words.T("Details…"), func() { u.report(u.tray.Show(u.ctx, "details", name)) }),
				u.keys.button(words.T("Sign out…"), func() { u.report(u.tray.Show(u.ctx, "signout", name)) }))
		} else {
			in := u.keys.button(words.T("Sign in"), func() { u.report(u.tray.SignIn(u.ctx, name, "tray")) })
			in.Importance = widget.HighImportance
			buttons = append(buttons, in)
		}
		// The line above its buttons: beside four of them a long account
		// would be cut to nothing.
		u.profiles.Add(container.NewVBox(line, container.NewHBox(buttons...)))
	}
}

func (u *compactUI) copied(profile string, header bool) {
	if err := u.tray.Copy(u.ctx, profile, header); err != nil {
		u.report(err)
		return
	}
	msg := words.T("The access token of {profile} is on the clipboard.", "profile", profile)
	if header {
		msg = words.T("The Authorization header of {profile} is on the clipboard.", "profile", profile)
	}
	u.result.SetText(msg)
	u.copiedFrom = profile
}
