package app

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/server"
	"github.com/tokentray/tokentray/words"
)

// What the tray's menu and icon do: each a small named action on the
// sessions, saying how it went in a notification where that matters.

// Copy puts the profile's access token (or an Authorization header) on
// the clipboard, clears it after clipboard_clear, and says so.
func (r *Resident) Copy(profile string, header bool) error {
	ctx, cancel := context.WithTimeout(r.ctx, 30*time.Second)
	defer cancel()
	tok, err := r.srv.Token(ctx, profile, defaults.MinValid)
	if err != nil {
		r.note.Notify("copy", words.T("Nothing was copied"), explainLine(err), nil)
		return err
	}
	text := tok.AccessToken
	if header {
		text = "Authorization: " + tok.TokenType + " " + tok.AccessToken
	}
	cfg, _ := r.sessions.Config()
	clearAfter := cfg.ClipboardClear
	if err := r.clip.CopyToken(r.profileName(profile), text, clearAfter); err != nil {
		r.log.Warn("clipboard", "err", err)
		r.note.Notify("copy", words.T("Nothing was copied"), words.T("The clipboard is not available:")+" "+err.Error(), nil)
		return err
	}
	summary := words.T("Access token copied")
	if header {
		summary = words.T("Authorization header copied")
	}
	if v := control.ValidFor(tok.Expiry, time.Now()); v != "" {
		summary += " — " + v
	}
	body := words.T("The clipboard is not cleared automatically.")
	if clearAfter > 0 {
		body = words.T("Clipboard clears in {duration}.", "duration", words.Duration(clearAfter))
	}
	r.note.Notify("copy", summary+".", body, nil)
	return nil
}

// signOut signs out of a profile from the menu (where no window can ask
// first, the menu has), and says how it went.
func (r *Resident) signOut(name string) {
	ctx, cancel := context.WithTimeout(r.ctx, 30*time.Second)
	defer cancel()
	res, err := r.srv.Logout(ctx, name)
	switch {
	case err != nil:
		r.note.Notify("signout", words.T("Not signed out of {profile}", "profile", name), explainLine(err), nil)
		return
	case res.WasSignedIn && !res.Revoked && !res.NotAsked:
		w := control.Explain(&control.Error{Kind: control.KindNotRevoked, Profile: name})
		r.note.Notify("signout", w.Headline, w.Next, nil)
	default:
		r.note.Notify("signout", words.T("Signed out of {profile}.", "profile", name), "", nil)
	}
	r.clip.ClearToken(name)
	r.changed()
}

// SignedOut takes the profile's token ("" is the default profile's) off
// the clipboard: the token the tray copied is revoked with the sign-in,
// not left there to paste.
func (r *Resident) SignedOut(profile string) {
	r.clip.ClearToken(r.profileName(profile))
}

// profileName is the profile a request names ("" is the default one).
func (r *Resident) profileName(profile string) string {
	if profile == "" {
		cfg, _ := r.sessions.Config()
		return cfg.DefaultName()
	}
	return profile
}

// CopyClaim puts a claim of the profile's access token, as the Details
// window shows it, on the clipboard the tray owns.
func (r *Resident) CopyClaim(ctx context.Context, profile, claim string) error {
	in, err := r.srv.Inspect(ctx, profile)
	if err != nil {
		return err
	}
	text, ok := in.ClaimCopy(claim)
	if !ok {
		return fmt.Errorf("the access token of %s has no claim %q now", profile, claim)
	}
	// A claim is no secret: it stays until something else is copied.
	return r.clip.Copy(text, 0)
}

// explainLine is an error as one headline and its next step, for a
// notification.
func explainLine(err error) string {
	w := control.Explain(server.ErrorOf(err))
	if w.Next == "" {
		return w.Headline
	}
	return w.Headline + " " + w.Next
}

// Refresh renews the profile's access token now.
func (r *Resident) Refresh(profile string) {
	s, err := r.sessions.Session(profile)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(r.ctx, time.Minute)
	defer cancel()
	if err := s.Refresh(ctx); err != nil {
		r.log.Info("refresh now", "profile", profile, "err", err)
	}
}

// SetAutostart turns start at login on or off.
func (r *Resident) SetAutostart(on bool) error {
	var extra []string
	if def, err := defaults.ConfigFile(); err != nil || filepath.Clean(def) != filepath.Clean(r.sessions.Path()) {
		extra = []string{"--config", r.sessions.Path()}
	}
	err := setAutostart(on, r.exe, extra)
	r.changed()
	return err
}
