package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/pkg/browser"
	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/internal/control"
)

func (e *env) loginCmd() *cobra.Command {
	var noBrowser bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "login [PROFILE]",
		Short: "Sign in, in your browser",
		Long: `Sign in to a profile in your browser (authorization code with PKCE), or
with a service account's credentials. The tokens go to the OS keychain.

PROFILE may be left out when the file has one profile or a default.`,
		Example: `  tokentray login work
  tokentray login work --no-browser   # print the address, for another browser`,
		Args:              usage(cobra.MaximumNArgs(1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, b, err := e.profileAndClient(args)
			if err != nil {
				return err
			}
			rec, err := b.Login(e.ctx, p.Name, e.showSignIn(p.Name, noBrowser), timeout)
			if err != nil {
				return err
			}
			who := rec.Who
			if who == "" {
				who = "your account"
			}
			fmt.Fprintf(e.stderr, "Signed in to %s as %s. %s\n", p.Name, control.Printable(who), loginNote(p, rec, time.Now()))
			return nil
		},
	}
	cmd.Flags().BoolVar(&noBrowser, "no-browser", false, "print the sign-in address on standard output instead of opening a browser")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "how long to wait for the browser, e.g. 2m")
	return cmd
}

// showSignIn is handed the sign-in address: it opens the browser (or, with
// noBrowser, prints the address alone on standard output for a script) and
// says on standard error what happens next.
func (e *env) showSignIn(name string, noBrowser bool) func(string) error {
	return func(u string) error {
		if noBrowser {
			fmt.Fprintln(e.stdout, u)
			fmt.Fprintf(e.stderr, "Open that address in a browser to sign in to %s. Waiting… (Ctrl-C to cancel)\n", name)
			return nil
		}
		// xdg-open and friends chatter; none of it is for the person.
		browser.Stdout, browser.Stderr = io.Discard, io.Discard
		if err := browser.OpenURL(u); err != nil {
			fmt.Fprintf(e.stderr, "No browser could be opened here. Open this address in a browser to sign in to %s:\n\n  %s\n\nWaiting… (Ctrl-C to cancel)\n", name, u)
			return nil
		}
		fmt.Fprintf(e.stderr, "Your browser opened to sign in to %s. Waiting for you to finish there… (Ctrl-C to cancel)\nIf no browser window appeared, open this address:\n  %s\n", name, u)
		return nil
	}
}

// loginNote tells, at sign-in, how long it lasts: better now than a
// surprise in an hour.
func loginNote(p *auth.Profile, rec control.LoginResult, now time.Time) string {
	switch {
	case p.JWTBearer():
		return fmt.Sprintf("Token expires in %ds; a new one is made from the credentials when less than 60 s remain.", int(rec.Expiry.Sub(now).Seconds()))
	case rec.Expiry.IsZero():
		return ""
	case rec.HasRefreshToken:
		return fmt.Sprintf("The access token is valid until %s; tokentray renews it when needed.", rec.Expiry.Local().Format("15:04"))
	}
	life := rec.Expiry.Sub(rec.SignedInAt)
	return fmt.Sprintf("The provider gave no refresh token, so you will have to sign in again every %s (next at %s). "+
		"To stay signed in, add the provider's offline scope to scopes (\"offline_access\"; Frame.io calls it \"offline\").",
		control.HumanDuration(life), rec.Expiry.Local().Format("15:04"))
}
