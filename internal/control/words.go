package control

import (
	"strconv"
	"time"

	"github.com/tokentray/tokentray/auth/plain"
	"github.com/tokentray/tokentray/words"
)

// Words is what a person reads about a failure: the same on the command
// line, in the windows, in notifications and on the callback page.
type Words struct {
	// Headline says what happened, in one plain sentence.
	Headline string
	// Next says what to do about it, in one plain sentence.
	Next string
	// Command is the command that does it, for the command line ("" if
	// there is none).
	Command string
}

// Explain is the catalogue of failures: one headline and one next step
// per kind. Provider codes and other detail stay in e.Msg, for the line
// after.
func Explain(e *Error) Words {
	if e == nil {
		return Words{}
	}
	w := explain(e)
	if e.Fix != "" {
		w.Next = e.Fix
	}
	return w
}

func explain(e *Error) Words {
	T := words.T
	profile := e.Profile
	if profile == "" {
		profile = T("the profile")
	}
	switch e.Kind {
	case KindUsage:
		return Words{T("The command was not understood."), T("See `tokentray help`."), ""}
	case KindNoProfiles:
		return Words{T("There is no profile yet."), T("Import the profile file your IT team sent you."), "tokentray profiles import FILE"}
	case KindUnknownProfile:
		return Words{T("There is no profile named {profile}.", "profile", profile), T("Name one of those in your profile file; `tokentray profiles` lists them."), ""}
	case KindConfig:
		if e.Managed {
			return Words{T("The profile file your organisation manages has a problem."), T("Tell your IT team; your own profiles keep working."), ""}
		}
		if e.Line == 0 { // a file that cannot be read, a name taken: no line to fix
			return Words{T("The profile file has a problem."), T("Check the file named below, or ask your IT team for a corrected file."), ""}
		}
		return Words{T("The profile file has a problem."), T("Fix the line named below, or ask your IT team for a corrected file."), ""}
	case KindPolicy:
		return Words{T("This computer's tokentray policy has a problem."), T("Tell your IT team; the detail below says what."), ""}
	case KindSignIn:
		w := Words{T("You need to sign in to {profile}.", "profile", profile), T("Sign in: your browser opens at the provider."), ""}
		if e.Profile != "" {
			w.Command = "tokentray login " + e.Profile
		}
		return w
	case KindKeychain:
		return Words{T("The keychain is locked or not available."), T("Unlock it (on Linux: open Passwords and Keys, or log out and in again), then try again."), ""}
	case KindUnreachable:
		return Words{T("The provider could not be reached, and there is no valid access token."), T("Check the network connection; tokentray keeps trying."), ""}
	case KindCanceled:
		return Words{T("Cancelled."), "", ""}
	case KindCodeExpired:
		return Words{T("The code expired before the sign-in was finished."), T("Sign in again: you get a new code."), ""}
	case KindTimeout:
		return Words{T("The sign-in took too long, so it was stopped."), T("Try again when you are ready. If the provider's page showed an error about the redirect address, ask your IT team to register it."), ""}
	case KindRedirect:
		return Words{T("The provider does not know tokentray's sign-in address for {profile}.", "profile", profile), T("Ask your IT team to register the profile's redirect_url with the provider, exactly as written."), ""}
	case KindNoBrowser:
		return Words{T("No browser could be opened here."), T("Copy the sign-in link and open it in a browser."), ""}
	case KindPortInUse:
		port := T("the sign-in port")
		if e.Port > 0 {
			port = T("port {port}", "port", strconv.Itoa(e.Port))
		}
		if e.Holder != "" {
			return Words{T("{program} is using {port}, which the sign-in needs.", "program", e.Holder, "port", port), T("Close it (often an old sign-in script still running), then try again."), ""}
		}
		return Words{T("Another program is using {port}, which the sign-in needs.", "port", port), T("Close that program (often an old sign-in script still running), then try again."), ""}
	case KindSecret:
		w := Words{T("The client secret for {profile} is missing, or was saved for other settings.", "profile", profile), T("Save the secret your IT team or provider gave you."), ""}
		if e.Profile != "" {
			w.Command = "tokentray secret set " + e.Profile
		}
		return w
	case KindKey:
		w := Words{T("The private key for {profile} is not with tokentray yet, or is not one it can use.", "profile", profile), T("Save the key file your IT team gave you."), ""}
		if e.Profile != "" {
			w.Command = "tokentray secret set " + e.Profile + " --key FILE"
		}
		return w
	case KindNotRevoked:
		return Words{T("Signed out of {profile} on this computer, but the provider did not revoke its tokens.", "profile", profile), T("They stay valid at the provider until they expire; if that matters (a lost or shared computer), ask your IT team to end the session there."), ""}
	case KindUntrusted:
		return Words{T("This profile file was not imported."), T("Ask your IT team for the file they signed; the detail says why."), ""}
	case KindPlaceholder:
		return Words{T("The profile {profile} still holds an example value.", "profile", profile), T("Put in what your provider gave you (see the detail), then try again."), ""}
	case KindMisconfigured:
		return Words{T("The provider's settings do not match the profile {profile}.", "profile", profile), T("Ask your IT team to check the profile's issuer (the detail shows both values)."), ""}
	case KindClient:
		return Words{T("The provider does not accept the client id or secret of {profile}.", "profile", profile), T("If you were given a client secret, save it again; otherwise ask your IT team to check the profile's client_id."), ""}
	case KindDeclined:
		return Words{T("The sign-in was declined."), T("Sign in again and accept at the provider's page; if it keeps happening, ask your IT team."), ""}
	case KindNoInput:
		return Words{T("Nothing came on standard input."), T("Pipe the secret in, or run the command at a terminal to be asked for it."), ""}
	case KindNoDesktop:
		return Words{T("There is no desktop session here, so the tray cannot show."), T("Commands such as `tokentray token` work without it; `tokentray doctor` says what is missing."), ""}
	case KindRefused:
		return Words{T("The provider did not sign you in."), T("Try again; if it keeps happening, ask your IT team."), ""}
	case KindUnknownOp:
		return Words{T("The tokentray running is older than this command."), T("Quit tokentray from its menu and start it again."), ""}
	case KindNoTray:
		return Words{T("No tokentray answers on the socket TOKENTRAY_SOCKET names."), T("Connect again with `ssh -R` forwarding the tray's forward.sock to that path, and check that the tray is running."), ""}
	case KindNotForwarded:
		return Words{T("The tray at the other end of the socket refused this request."), T("The detail below says why."), ""}
	}
	return Words{T("Something went wrong."), T("The detail below says what; if it keeps happening, ask your IT team."), ""}
}

// Printable is s with every control character a space: text that may
// come from a provider, shown in a terminal (where ESC sequences retitle
// the window or recolour the prompt), a notification or a window.
func Printable(s string) string { return plain.Text(s) }

// countdownStep is how finely StatusLine shows the time left: to the
// minute in the last ten minutes, in five-minute steps (rounded down)
// before. The tray re-renders each time the line changes, and every
// wake-up of the idle tray costs dozens of context switches, so this is a
// dozen renders an hour rather than sixty.
func countdownStep(left time.Duration) time.Duration {
	if left < 10*time.Minute {
		return time.Minute
	}
	return 5 * time.Minute
}

// NextChange is how long the time left that StatusLine shows for a token
// valid until until stays the same; 0 once it has expired.
func NextChange(until, now time.Time) time.Duration {
	left := until.Sub(now)
	if until.IsZero() || left <= 0 {
		return 0
	}
	// Just past the boundary, where the rounded-down value drops.
	return left - left.Truncate(countdownStep(left)) + time.Millisecond
}

// ValidFor says how long a token valid until until lasts at now, as the
// menu shows it — "valid 9 min" — and every other place that says it, so
// the numbers agree; "" when the provider gave no expiry.
func ValidFor(until, now time.Time) string {
	left := until.Sub(now)
	switch d, more := Left(until, now); {
	case until.IsZero():
		return ""
	case more:
		return words.T("valid more than {duration}", "duration", words.Duration(d))
	case d > 0:
		return words.T("valid {duration}", "duration", words.Duration(d))
	case left > 0:
		return words.T("expires in less than a minute")
	}
	return words.T("expired")
}

// Left is how long a token valid until until still lasts at now, as every
// place says it: in five-minute steps, rounded down, with more set, from
// ten minutes up — "more than", so that it never reads as less than is
// left (14 min 59 s is "more than 10 min") — and to the minute below; 0
// under a minute or without an expiry.
func Left(until, now time.Time) (d time.Duration, more bool) {
	left := until.Sub(now)
	switch {
	case until.IsZero() || left < time.Minute:
		return 0, false
	case left >= 10*time.Minute:
		return left.Truncate(countdownStep(left)), true
	}
	return left.Truncate(time.Minute), false
}

// StatusLine is the one line the tray menu and the windows show for a
// profile at time now.
func StatusLine(p ProfileView, now time.Time) string {
	who := p.Who
	if who == "" {
		who = words.T("signed in")
	}
	left := p.Expiry.Sub(now)
	valid := ValidFor(p.Expiry, now)
	switch p.State {
	case Unknown:
		if p.Err != nil {
			return Explain(p.Err).Headline
		}
		return words.T("Checking…")
	case SigningIn:
		return words.T("Signing in…")
	case NeedsSignIn:
		return words.T("Sign-in needed")
	case SignedOut:
		return words.T("Signed out")
	case Refreshing:
		return who + " · " + words.T("renewing…")
	case Retrying:
		// As status says it (StateWords), with the time left.
		if left > 0 {
			return who + " · " + words.T("provider unreachable, {valid}", "valid", valid)
		}
		return who + " · " + words.T("provider unreachable, token expired")
	}
	line := who
	if valid != "" {
		line += " · " + valid
	}
	if end := p.RefreshExpiry; p.HasRefreshToken && end.After(now) && end.Sub(now) <= EndingSoon {
		line += " · " + words.T("sign-in ends {when}", "when", When(end, now))
	}
	return line
}

// EndingSoon is how long before a sign-in's known end the menu line and
// a notification say when it ends.
const EndingSoon = 3 * 24 * time.Hour

// When says a coming moment as a person would: "today at 15:00",
// "tomorrow", "on Friday", or a date beyond a week.
func When(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	day := func(x time.Time) time.Time { return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, x.Location()) }
	switch days := int(day(t).Sub(day(now)).Hours() / 24); {
	case days <= 0:
		return words.T("today at {time}", "time", t.Format("15:04"))
	case days == 1:
		return words.T("tomorrow")
	case days < 7:
		return onWeekday(t.Weekday())
	}
	return words.T("on {day} {month}", "day", strconv.Itoa(t.Day()), "month", monthName(t.Month()))
}

// SignatureLine says in one line who vouches for a file to import: "Signed
// by it@acme.example (ACME Corp) ✓", "Not signed", or why its signature
// does not count.
func SignatureLine(p ImportPreview) string {
	org := ""
	if p.Organization != "" {
		org = " (" + p.Organization + ")"
	}
	switch p.Signature {
	case "signed":
		return words.T("Signed by {signer}", "signer", p.Signer) + org + " ✓"
	case "mismatch":
		return words.T("The signature does not match this file — it was changed after IT signed it.")
	case "not-allowed":
		return words.T("Signed, but not by anyone your organisation allows ({why}).", "why", p.Why)
	}
	return words.T("Not signed.")
}

// onWeekday and monthName are said whole, each a text of the catalogue:
// languages differ in more than the name (a case, an article).
func onWeekday(d time.Weekday) string {
	switch d {
	case time.Monday:
		return words.T("on Monday")
	case time.Tuesday:
		return words.T("on Tuesday")
	case time.Wednesday:
		return words.T("on Wednesday")
	case time.Thursday:
		return words.T("on Thursday")
	case time.Friday:
		return words.T("on Friday")
	case time.Saturday:
		return words.T("on Saturday")
	}
	return words.T("on Sunday")
}

func monthName(m time.Month) string {
	return [...]string{words.T("January"), words.T("February"), words.T("March"), words.T("April"), words.T("May"), words.T("June"),
		words.T("July"), words.T("August"), words.T("September"), words.T("October"), words.T("November"), words.T("December")}[m-1]
}
