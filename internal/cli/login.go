package cli

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/browse"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// loginOptions is what a `login` command line asks for.
type loginOptions struct {
	profile                     string
	noBrowser, device, noDevice bool
	browserCommand              string
	timeout                     time.Duration
}

func (e *env) loginCmd() *cobra.Command {
	o := &loginOptions{}
	cmd := &cobra.Command{
		Use:   "login [PROFILE]",
		Short: "Sign in, in your browser or with a code",
		Long: `Sign in to a profile in your browser (authorization code with PKCE), with a
code entered on another device (where no browser here can reach back), or
with a machine's own credentials. The tokens go to the OS keychain, or
where there is none (a server over SSH), to sealed files: see
` + "`tokentray unlock --help`" + `.

Without a display, in an SSH session, or when the sign-in's local port is
refused, tokentray signs in with a code if the provider offers one.

PROFILE may be left out when the file has one profile or a default.`,
		Example: `  tokentray login work
  tokentray login work --no-browser   # print the address, for another browser here
  tokentray login work --device       # a code to enter on your phone or laptop
  tokentray login work --browser-command 'firefox -P work {url}'`,
		Args:              usage(argCount(0, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.device && o.noDevice {
				return &usageError{cmd: cmd, err: errors.New("--device and --no-device exclude each other")}
			}
			o.profile = first(args)
			return runOr(e, o, e.login)
		},
	}
	cmd.Flags().BoolVar(&o.noBrowser, "no-browser", false, "print the sign-in address on standard output instead of opening a browser")
	cmd.Flags().BoolVar(&o.device, "device", false, "sign in with a code entered on another device")
	cmd.Flags().BoolVar(&o.noDevice, "no-device", false, "never sign in with a code, only in a browser")
	cmd.Flags().StringVar(&o.browserCommand, "browser-command", "", "open the sign-in page with this command; {url} is the address")
	durationVar(cmd, &o.timeout, "timeout", 0, "how long to wait, e.g. 2m (default 5m in the browser, the code's lifetime with a code)")
	return cmd
}

// login signs in to the profile and says for how long.
func (e *env) login(o *loginOptions) error {
	p, b, err := e.profileAndClient(o.profile)
	if err != nil {
		return err
	}
	// The person's own command runs as given; a profile's browser only as
	// installed (browse.Browser).
	open := func(u string) error {
		argv, err := p.BrowserArgv(u)
		if err != nil {
			return err
		}
		return browse.Browser(u, argv)
	}
	if o.browserCommand != "" {
		open = func(u string) error {
			argv, err := profile.CommandArgv(o.browserCommand, u)
			if err != nil {
				return err
			}
			return browse.Open(u, argv)
		}
	}
	away := noBrowserHere()
	flow := control.FlowAuto
	switch {
	case o.device:
		flow = control.FlowDevice
	case o.noDevice:
		flow = control.FlowBrowser
	case away != "" && !o.noBrowser:
		flow = control.FlowPreferDevice
	}
	s := signInShow{e: e, name: p.Name, noBrowser: o.noBrowser || away != "", browser: open, away: away, flow: flow}
	rec, err := b.Login(e.ctx, p.Name, control.LoginOptions{Flow: flow, Timeout: o.timeout, Open: s.open, Device: s.device})
	if err != nil {
		return err
	}
	who := rec.Who
	if who == "" {
		who = words.T("your account")
	}
	fmt.Fprintln(e.stderr, words.T("Signed in to {profile} as {account}.", "profile", p.Name, "account", control.Printable(who))+" "+loginNote(p, rec, time.Now()))
	return nil
}

// noBrowserHere says why no browser on this machine can show the sign-in,
// or "" when one can: no display, or an SSH session without a forwarded
// one.
func noBrowserHere() string {
	display := os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
	switch {
	case os.Getenv("SSH_CONNECTION") != "" && !display:
		return words.T("this is an SSH session without a display")
	case !display && runtime.GOOS != "windows" && runtime.GOOS != "darwin":
		return words.T("there is no display here")
	}
	return ""
}

// signInShow shows a sign-in's progress on the terminal.
type signInShow struct {
	e         *env
	name      string
	noBrowser bool
	away      string
	flow      control.Flow
	browser   func(u string) error // opens an address in the browser
}

// open is handed the sign-in address: it opens the browser (or, with
// --no-browser, prints the address alone on standard output for a script)
// and says on standard error what happens next.
func (s signInShow) open(u string) error {
	e, name := s.e, s.name
	if s.noBrowser {
		fmt.Fprintln(e.stdout, u)
		switch {
		case s.away != "" && s.flow == control.FlowPreferDevice:
			fmt.Fprintln(e.stderr, words.T("Since the provider offers no sign-in with a code and {why}, open that address in a browser that can reach this machine (here, or through an SSH tunnel to the port in it) to sign in to {profile}. Waiting… (Ctrl-C to cancel)", "why", s.away, "profile", name))
		case s.away != "":
			fmt.Fprintln(e.stderr, words.T("Since {why}, open that address in a browser that can reach this machine (here, or through an SSH tunnel to the port in it) to sign in to {profile}. Waiting… (Ctrl-C to cancel)", "why", s.away, "profile", name))
		default:
			fmt.Fprintln(e.stderr, words.T("Open that address in a browser to sign in to {profile}. Waiting… (Ctrl-C to cancel)", "profile", name))
		}
		return nil
	}
	if err := s.browser(u); err != nil {
		fmt.Fprintf(e.stderr, "%s\n\n  %s\n\n%s\n", words.T("No browser could be opened here ({reason}). Open this address in a browser to sign in to {profile}:", "reason", err.Error(), "profile", name), u, words.T("Waiting… (Ctrl-C to cancel)"))
		return nil
	}
	fmt.Fprintf(e.stderr, "%s\n%s\n  %s\n", words.T("Your browser opened to sign in to {profile}. Waiting for you to finish there… (Ctrl-C to cancel)", "profile", name), words.T("If no browser window appeared, open this address:"), u)
	return nil
}

// device shows the code to enter and where: the address and the code each
// on a line of their own, to copy or read out.
func (s signInShow) device(d control.DeviceCode) {
	w := s.e.stderr
	why := ""
	if s.flow == control.FlowPreferDevice {
		why = s.away
	}
	if d.Why != "" {
		why = d.Why
	}
	if why != "" {
		fmt.Fprintln(w, words.T("Signing in with a code, since {why}.", "why", control.Printable(why)))
	}
	page, code := control.Printable(d.URI), control.Printable(d.UserCode)
	lead := words.T("To sign in to {profile}, open this page on any device:", "profile", s.name)
	if d.URIComplete != "" {
		fmt.Fprintf(w, "%s\n\n  %s\n\n%s\n\n  %s\n\n", lead, control.Printable(d.URIComplete), words.T("and check that it shows this code:"), code)
	} else {
		fmt.Fprintf(w, "%s\n\n  %s\n\n%s\n\n  %s\n\n", lead, page, words.T("and enter this code:"), code)
	}
	waiting := words.T("Waiting… (Ctrl-C to cancel)")
	if !d.Expires.IsZero() {
		waiting = words.T("Waiting… (Ctrl-C to cancel; the code works until {time})", "time", d.Expires.Local().Format("15:04"))
	}
	fmt.Fprintln(w, waiting)
	if !s.noBrowser {
		u := d.Page()
		_ = s.browser(u)
	}
}

// loginNote tells, at sign-in, how long it lasts: better now than a
// surprise in an hour.
func loginNote(p *profile.Profile, rec control.LoginResult, now time.Time) string {
	switch {
	case p.Machine():
		return words.T("Access token: {valid}; a new one is made from the credentials when less than a minute remains.", "valid", control.ValidFor(rec.Expiry, now))
	case rec.Expiry.IsZero():
		return ""
	case rec.HasRefreshToken:
		return words.T("The access token is valid until {time}; tokentray renews it when needed.", "time", rec.Expiry.Local().Format("15:04"))
	}
	life := rec.Expiry.Sub(rec.SignedInAt)
	return words.T("The provider gave no refresh token, so you will have to sign in again every {duration} (next at {time}). To stay signed in, add the provider's offline scope to scopes (\"offline_access\"; Frame.io calls it \"offline\").",
		"duration", words.Duration(life), "time", rec.Expiry.Local().Format("15:04"))
}
