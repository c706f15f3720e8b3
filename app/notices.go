package app

import (
	"time"

	"github.com/tokentray/tokentray/internal/control"
)

// retryNotice is how long refreshes must fail before a notification says
// so: a blip on the Wi-Fi is not worth one.
const retryNotice = 3 * time.Minute

// notices decides which notifications a View calls for: "sign-in needed"
// once each time a profile gets there, "cannot reach the provider" once an
// outage has lasted retryNotice. It only decides; the resident sends.
type notices struct {
	signIn map[string]bool // sent, for the current episode
	retry  map[string]bool
}

// notice is one notification to send.
type notice struct {
	topic, summary, body string
	// signIn is the profile a click signs in to ("" = a click does nothing).
	signIn string
}

// update returns the notifications v calls for at now, and how long until
// it should be asked again (0: only at the next change).
func (n *notices) update(v control.View, now time.Time) (out []notice, next time.Duration) {
	if n.signIn == nil {
		n.signIn, n.retry = map[string]bool{}, map[string]bool{}
	}
	for _, p := range v.Profiles {
		switch {
		case p.State != control.NeedsSignIn:
			n.signIn[p.Name] = false
		case !n.signIn[p.Name]:
			n.signIn[p.Name] = true
			out = append(out, notice{topic: "signin-" + p.Name, summary: "Sign-in needed: " + p.Name,
				body: signInReason(p) + " Click to sign in again.", signIn: p.Name})
		}
		if p.State != control.Retrying {
			n.retry[p.Name] = false
			continue
		}
		if n.retry[p.Name] {
			continue
		}
		if due := p.Since.Add(retryNotice).Sub(now); due > 0 {
			if next == 0 || due < next {
				next = due
			}
			continue
		}
		n.retry[p.Name] = true
		body := "tokentray keeps trying. "
		if left := p.Expiry.Sub(now); left > 0 {
			body += "The current token stays valid for " + control.HumanDuration(left) + "."
		} else {
			body += "The token has expired; tools using it will fail until the provider answers."
		}
		out = append(out, notice{topic: "retry-" + p.Name, summary: "Cannot reach the provider for " + p.Name, body: body})
	}
	return out, next
}

// signInReason says why a profile needs signing in, in a sentence.
func signInReason(p control.ProfileView) string {
	if p.Err == nil {
		return "The sign-in is no longer valid."
	}
	switch p.Err.Kind {
	case control.KindSignIn:
		return "The provider ended the sign-in (it expired or was revoked)."
	case control.KindKeychain:
		return "The keychain could not be read."
	}
	return "The sign-in is no longer valid."
}
