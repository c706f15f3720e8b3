package window

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth/plain"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// settingsUI is the settings window: profiles (import the file IT sent,
// remove, set the default), how long a copied token stays on the
// clipboard, and start at login.
type settingsUI struct {
	ctx  context.Context
	w    fyne.Window
	tray Tray

	profiles  *fyne.Container
	welcome   *fyne.Container
	importBtn *keyButton
	keys      *keys
	fileLabel *widget.Label
	org       *widget.Label // "Managed by ACME Corp"
	problem   *widget.Label
	// repair imports IT's file where the person's own cannot be read.
	repair    *keyButton
	clear     *widget.Select
	autostart *widget.Check
	// button is the size of the widest button a profile's row can have.
	button fyne.Size
	// lastMin is the content's least size when the window was last fitted.
	lastMin fyne.Size
	// updating is set while update sets widgets, so their change
	// callbacks do not send what the resident just told us.
	updating bool
}

// clearChoice is a clipboard_clear choice offered.
type clearChoice struct {
	label string
	d     time.Duration
}

// clearChoices are the clipboard_clear choices offered, in the language
// in use.
func clearChoices() []clearChoice {
	return []clearChoice{
		{words.T("after 30 seconds"), 30 * time.Second},
		{words.T("after 1 minute"), time.Minute},
		{words.T("after 2 minutes"), 2 * time.Minute},
		{words.T("after 5 minutes"), 5 * time.Minute},
		{words.T("never"), 0},
	}
}

func newSettings(ctx context.Context, a fyne.App, t Tray) *settingsUI {
	u := &settingsUI{ctx: ctx, w: a.NewWindow(words.T("tokentray settings")), tray: t}
	u.keys = newKeys(u.w)
	for _, label := range []string{words.T("Sign in"), words.T("Sign out…"), words.T("Cancel sign-in"), words.T("Make default"), words.T("Default"), words.T("Remove")} {
		u.button = u.button.Max(widget.NewButton(label, nil).MinSize())
	}
	u.profiles = container.NewVBox()
	u.fileLabel = widget.NewLabel("")
	u.fileLabel.Wrapping = fyne.TextWrapBreak
	u.org = widget.NewLabel("")
	u.org.Hide()
	u.problem = widget.NewLabel("")
	u.problem.Wrapping = fyne.TextWrapWord
	u.problem.Importance = widget.DangerImportance
	u.problem.Hide()
	u.repair = u.keys.button(words.T("Import the corrected file from IT…"), u.importFile)
	u.repair.Importance = widget.HighImportance
	u.repair.Hide()
	choices := clearChoices()
	var labels []string
	for _, c := range choices {
		labels = append(labels, c.label)
	}
	u.clear = widget.NewSelect(labels, func(s string) {
		if u.updating {
			return
		}
		for _, c := range choices {
			if c.label == s {
				u.report(u.tray.SetClipboardClear(u.ctx, c.d))
			}
		}
	})
	u.autostart = widget.NewCheck(words.T("Start tokentray when I log in"), func(on bool) {
		if !u.updating {
			u.report(u.tray.SetAutostart(u.ctx, on))
		}
	})
	u.importBtn = u.keys.button(words.T("Import profile file…"), u.importFile)
	welcomeBtn := u.keys.button(words.T("Import the profile file your IT team sent you…"), u.importFile)
	welcomeBtn.Importance = widget.HighImportance
	u.welcome = container.NewVBox(
		widget.NewLabelWithStyle(words.T("No profile yet"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrapped(words.T("A profile file tells tokentray where you sign in. Your IT team sends it to you: a file whose name ends in .toml.")),
		welcomeBtn,
	)
	u.w.SetContent(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(words.T("Profiles"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		u.org,
		u.problem,
		container.NewHBox(u.repair, layout.NewSpacer()),
		u.welcome,
		u.profiles,
		container.NewHBox(u.importBtn, layout.NewSpacer()),
		u.fileLabel,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, widget.NewLabel(words.T("Clear a copied token from the clipboard")), nil, u.clear),
		u.autostart,
		container.NewHBox(layout.NewSpacer(), u.keys.button(words.T("Close"), u.w.Close)),
	)))
	u.w.Resize(fyne.NewSize(settingsWidth, settingsHeight))
	return u
}

// The Settings window's size when its content needs no more.
const (
	settingsWidth  = 600
	settingsHeight = 420
)

// fit sizes the window to its content again when what the content needs
// changed: Fyne grows a window for a longer line but never shrinks it
// back. A size the person chose stays until then.
func (u *settingsUI) fit() {
	need := u.w.Content().MinSize()
	if need == u.lastMin {
		return
	}
	u.lastMin = need
	u.w.Resize(fyne.NewSize(max(settingsWidth, need.Width), max(settingsHeight, need.Height)))
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// report shows a refusal in a dialog.
func (u *settingsUI) report(err error) { u.keys.report(err) }

func (u *settingsUI) importFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		u.importPath(path)
	}, u.w)
	u.keys.push(d, nil)
	d.Show()
}

// importPath shows what the profile file at path would add — who vouches
// for it, where each profile signs in and what else it may do — and
// imports it once the person agrees. A file from a lookalike sender shows
// "Not signed" and its own addresses here, and may do nothing more.
func (u *settingsUI) importPath(path string) {
	p, err := u.tray.PreviewImport(u.ctx, path)
	if err != nil {
		u.report(err)
		return
	}
	content := importContent(p)
	if len(p.Refused) > 0 {
		var d *dialog.CustomDialog
		closeBtn := u.keys.button(words.T("Close"), func() { d.Hide() })
		d = u.keys.show(words.T("This profile file cannot be imported"), content, []*keyButton{closeBtn}, func() { d.Hide() })
		return
	}
	u.keys.confirm(words.T("Import profile file"), content, words.T("Import"), func() {
		names, setAside, err := u.tray.Import(u.ctx, path, p.Sum)
		if err != nil {
			u.report(err)
			return
		}
		msg := words.T("Added {profiles}. Click Sign in next to it to sign in.", "profiles", strings.Join(names, ", "))
		if setAside != "" {
			msg = words.T("Your profile file could not be read, so it was kept aside and a new one was started.") + " " + msg
		}
		u.keys.inform(words.T("Profile added"), msg)
	})
}

// importContent is what the import dialog shows: who vouches for the file,
// then each profile with where it signs in and what else it may do, then
// why it cannot be imported, if it cannot.
func importContent(p control.ImportPreview) fyne.CanvasObject {
	// Every word here may come from the file: made plain and cut to a
	// line, as on the command line.
	line := func(s string) string { return plain.Line(s, 300) }
	sig := widget.NewLabelWithStyle(line(control.SignatureLine(p)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	sig.Wrapping = fyne.TextWrapWord
	switch p.Signature {
	case "signed":
		sig.Importance = widget.SuccessImportance
	case "mismatch":
		sig.Importance = widget.DangerImportance
	default:
		sig.Importance = widget.WarningImportance
	}
	box := container.NewVBox(sig)
	for _, pr := range p.Profiles {
		box.Add(widget.NewLabelWithStyle(line(pr.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		box.Add(wrapped(line(pr.Where)))
		for _, pw := range pr.Powers {
			box.Add(wrapped("• " + line(pw)))
		}
	}
	if p.SetsAside && len(p.Refused) == 0 {
		box.Add(wrapped(words.T("Your profile file cannot be read: importing this file keeps it aside and starts a new one with these profiles.")))
	}
	if len(p.Refused) > 0 {
		for _, r := range p.Refused {
			l := wrapped(line(r))
			l.Importance = widget.DangerImportance
			box.Add(l)
		}
		box.Add(wrapped(words.T("Ask your IT team for the file they signed.")))
	} else {
		box.Add(wrapped(words.T("Only add a profile file your IT team sent you, and check the addresses above.")))
	}
	scroll := container.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(460, 260))
	return scroll
}

func (u *settingsUI) update(v control.View) {
	u.updating = true
	defer func() { u.updating = false }()
	defer u.fit()
	u.fileLabel.SetText(words.T("Profile file: {path}", "path", v.ConfigPath))
	u.org.SetText(words.T("Managed by {organization}", "organization", v.Organization))
	show(u.org, v.Organization != "")
	show(u.problem, v.ConfigErr != "" || v.PolicyErr != "")
	u.problem.SetText(problemWords(v))
	// The person's own file is repaired by importing IT's; IT's managed
	// file is IT's to mend.
	// Under a policy that cannot be read every import is refused: none is
	// offered.
	importable := v.PolicyErr == ""
	show(u.repair, v.ConfigErr != "" && !v.ManagedErr && importable)
	show(u.welcome, len(v.Profiles) == 0 && v.ConfigErr == "" && importable)
	show(u.importBtn, len(v.Profiles) > 0 && importable)
	defer u.profiles.Refresh() // as compactUI.update: a rebuild is not a redraw
	u.profiles.RemoveAll()
	now := time.Now()
	for _, p := range v.Profiles {
		u.profiles.Add(u.row(v, p, now))
	}
	for _, c := range clearChoices() {
		if c.d == v.ClipboardClear {
			u.clear.SetSelected(c.label)
		}
	}
	u.autostart.SetChecked(v.Autostart)
}

// problemWords says what is wrong with the profile files, in words staff
// can act on: IT's to fix, or repaired by importing IT's file. Never the
// file format's words (the command line gives those to who edits files).
func problemWords(v control.View) string {
	if v.PolicyErr != "" {
		return words.T("This computer's tokentray policy has a problem, so your organisation's profiles are not shown and no profile file can be imported; tell your IT team.")
	}
	if v.ConfigErr == "" {
		return ""
	}
	if v.ManagedErr {
		return words.T("The profile file your organisation manages has a problem; tell your IT team. Your own profiles keep working.")
	}
	s := words.T("Your profile file cannot be read. Import the corrected file your IT team sent you: this one is kept aside and a new one is started.")
	if v.ConfigWhere != "" {
		s += " " + words.T("(The mistake is at {where}.)", "where", v.ConfigWhere)
	}
	return s
}

// row is one profile: what it is and how it stands, and what can be done.
func (u *settingsUI) row(v control.View, p control.ProfileView, now time.Time) fyne.CanvasObject {
	name := p.Name
	var sign *keyButton
	if p.HasToken() {
		sign = u.keys.button(words.T("Sign out…"), func() { u.report(u.tray.Show(u.ctx, "signout", name)) })
	} else if p.State == control.SigningIn {
		// A sign-in abandoned in the browser would hold the profile for
		// minutes: it can be ended here, as in the menu.
		sign = u.keys.button(words.T("Cancel sign-in"), func() {
			_, err := u.tray.CancelSignIn(u.ctx, name)
			u.report(err)
		})
	} else {
		sign = u.keys.button(words.T("Sign in"), func() { u.report(u.tray.SignIn(u.ctx, name, "settings")) })
		sign.Importance = widget.HighImportance
	}
	def := u.keys.button(words.T("Make default"), func() { u.report(u.tray.SetDefault(u.ctx, name)) })
	if name == v.Default {
		def.SetText(words.T("Default"))
		def.Disable()
	}
	remove := u.keys.button(words.T("Remove"), func() {
		u.keys.confirm(words.T("Remove {profile}?", "profile", name),
			wrapped(words.T("tokentray signs you out of {profile} (the provider revokes its tokens) and forgets the profile and its client secret on this computer.", "profile", name)),
			words.T("Remove"), func() {
				res, err := u.tray.Remove(u.ctx, name)
				switch {
				case err != nil:
					u.report(err)
				case res.WasSignedIn && !res.Revoked:
					u.keys.inform(words.T("Removed {profile}", "profile", name),
						words.T("The profile and its tokens are gone from this computer, but the provider was not told to revoke the tokens:")+" "+res.RevokeErr)
				}
			})
	})
	if p.Managed {
		// IT's: the person signs in and out, but cannot remove it.
		remove.Disable()
	}
	title := name
	// Said in words: the greyed Default button alone stands out by 1.26:1.
	if name == v.Default && len(v.Profiles) > 1 {
		title += " " + words.T("(default)")
	}
	if p.Managed {
		title += " " + words.T("(managed)")
	}
	info := widget.NewLabel(fmt.Sprintf("%s — %s\n%s", title, p.Provider, control.StatusLine(p, now)))
	return container.NewBorder(nil, nil, nil, container.NewHBox(sameWidth(u.button, sign, def, remove)...), info)
}

// sameWidth gives a row's buttons at least size — the widest a row can
// have — so that each kind of button stands in one column down the list.
func sameWidth(size fyne.Size, buttons ...*keyButton) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(buttons))
	for i, b := range buttons {
		space := canvas.NewRectangle(color.Transparent)
		space.SetMinSize(size)
		out[i] = container.NewStack(space, b)
	}
	return out
}
