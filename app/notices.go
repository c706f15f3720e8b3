package app

import (
	"time"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
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
	ending map[string]time.Time // when "your sign-in ends" was last sent
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
		n.signIn, n.retry, n.ending = map[string]bool{}, map[string]bool{}, map[string]time.Time{}
	}
	soonest := func(d time.Duration) {
		if d > 0 && (next == 0 || d < next) {
			next = d
		}
	}
	for _, p := range v.Profiles {
		if nt, again := n.endingSoon(p, now); nt != nil {
			out = append(out, *nt)
		} else {
			soonest(again)
		}
		switch {
		case p.State != control.NeedsSignIn:
			n.signIn[p.Name] = false
		case !n.signIn[p.Name]:
			n.signIn[p.Name] = true
			out = append(out, notice{topic: "signin-" + p.Name, summary: words.T("Sign-in needed: {profile}", "profile", p.Name),
				body: signInReason(p) + " " + words.T("Click to sign in again."), signIn: p.Name})
		}
		if p.State != control.Retrying {
			n.retry[p.Name] = false
			continue
		}
		if n.retry[p.Name] {
			continue
		}
		if due := p.Since.Add(retryNotice).Sub(now); due > 0 {
			soonest(due)
			continue
		}
		n.retry[p.Name] = true
		body := words.T("tokentray keeps trying.") + " "
		if left := p.Expiry.Sub(now); left > 0 {
			body += words.T("The current token stays valid for {duration}.", "duration", words.Duration(left))
		} else {
			body += words.T("The token has expired; tools using it will fail until the provider answers.")
		}
		out = append(out, notice{topic: "retry-" + p.Name, summary: words.T("Cannot reach the provider for {profile}", "profile", p.Name), body: body})
	}
	return out, next
}

// endingSoon is the "your sign-in ends on Friday" notice when p's refresh
// token ends within control.EndingSoon (time to sign in again on a quiet
// morning rather than find the tools failing) and none was sent in the
// last day; else how long until one could be due (0: not while nothing
// changes).
func (n *notices) endingSoon(p control.ProfileView, now time.Time) (*notice, time.Duration) {
	end := p.RefreshExpiry
	if !p.HasToken() || !p.HasRefreshToken || end.IsZero() || !end.After(now) {
		delete(n.ending, p.Name)
		return nil, 0
	}
	if from := end.Add(-control.EndingSoon); now.Before(from) {
		return nil, from.Sub(now)
	}
	if last, ok := n.ending[p.Name]; ok && now.Sub(last) < 24*time.Hour {
		return nil, last.Add(24 * time.Hour).Sub(now)
	}
	n.ending[p.Name] = now
	return &notice{topic: "ending-" + p.Name, summary: words.T("Your {provider} sign-in ends {when}", "provider", p.Provider, "when", control.When(end, now)),
		body: words.T("Sign in again now, and the tools using {profile} keep working. Click to sign in.", "profile", p.Name), signIn: p.Name}, 0
}

// signInReason says why a profile needs signing in, in a sentence.
func signInReason(p control.ProfileView) string {
	if p.Err == nil {
		return words.T("The sign-in is no longer valid.")
	}
	switch p.Err.Kind {
	case control.KindSignIn:
		return words.T("The provider ended the sign-in (it expired or was revoked).")
	case control.KindKeychain:
		return words.T("The keychain could not be read.")
	}
	return words.T("The sign-in is no longer valid.")
}
