// Command tokentray keeps OAuth2 access tokens current: sign in once in the
// browser, keep the tokens in the OS keychain, and hand out live access
// tokens to people and scripts.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/pkg/browser"
	"golang.org/x/term"

	"github.com/tokentray/tokentray/app"
	"github.com/tokentray/tokentray/auth"
)

var version = "dev"

// Exit codes scripts can rely on.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitSignIn      = 3
	exitUnreachable = 4
)

const usage = `tokentray keeps OAuth2 access tokens current.

Usage:
  tokentray                                (starts the tray)
  tokentray login    [PROFILE] [--no-browser] [--timeout 5m]
  tokentray token    [PROFILE] [--min-valid 60s] [--header | --json]
  tokentray status   [--json]
  tokentray logout   [PROFILE]
  tokentray profiles [import FILE]
  tokentray secret set|delete PROFILE     (set reads the secret from standard input)
  tokentray version

While the tray runs, login, token, status and logout go through it (it
holds the sessions); otherwise they work on their own, with the same answers.

Every command takes --config PATH (default: $TOKENTRAY_CONFIG, else
%s)
and --verbose (or TOKENTRAY_DEBUG=1): a log of what tokentray does on
standard error, never with a token in it.
PROFILE may be left out when the file has one profile or sets default = "NAME".

Exit codes: 0 ok, 1 error, 2 usage or profile file, 3 sign-in needed,
4 provider unreachable and no valid access token.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// cli carries what every command needs.
type cli struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	config string
	// profile is the profile the command works on, once known.
	profile string
	verbose bool
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	global := flag.NewFlagSet("tokentray", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&c.config, "config", "", "profile file")
	global.BoolVar(&c.verbose, "verbose", os.Getenv("TOKENTRAY_DEBUG") != "", "log what tokentray does to standard error")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.usage(stdout)
			return exitOK
		}
		return c.fail(usageError(err.Error()))
	}
	args = global.Args()
	if len(args) == 0 {
		args = []string{"tray"}
	}
	cmds := map[string]func([]string) error{
		"tray":     c.tray,
		"login":    c.login,
		"token":    c.token,
		"status":   c.status,
		"logout":   c.logout,
		"profiles": c.profiles,
		"secret":   c.secret,
	}
	switch args[0] {
	case "help", "-h", "--help":
		c.usage(stdout)
		return exitOK
	case "version", "--version":
		fmt.Fprintln(stdout, "tokentray", version)
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		return c.fail(usageError(fmt.Sprintf("unknown command %q; run `tokentray help`", args[0])))
	}
	if err := cmd(args[1:]); err != nil {
		return c.fail(err)
	}
	return exitOK
}

func (c *cli) usage(w io.Writer) {
	path, err := auth.DefaultConfigPath()
	if err != nil {
		path = "<config dir>/tokentray/profiles.toml"
	}
	fmt.Fprintf(w, usage, path)
}

type usageError string

func (e usageError) Error() string { return string(e) }

// parse accepts flags before and after positional arguments, so both
// `token --min-valid 5m work` and `token work --min-valid 5m` work.
func (c *cli) parse(fs *flag.FlagSet, args []string, maxPos int) ([]string, error) {
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.config, "config", c.config, "profile file")
	fs.BoolVar(&c.verbose, "verbose", c.verbose, "log to standard error")
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError(fmt.Sprintf("%s: %v", fs.Name(), err))
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) > maxPos {
		return nil, usageError(fmt.Sprintf("%s: too many arguments: %s", fs.Name(), strings.Join(pos, " ")))
	}
	return pos, nil
}

func (c *cli) configPath() (string, error) {
	if c.config != "" {
		return c.config, nil
	}
	return auth.DefaultConfigPath()
}

// logger writes debug logs to standard error with --verbose or
// TOKENTRAY_DEBUG=1; the auth package never logs a token or secret.
func (c *cli) logger() *slog.Logger {
	if !c.verbose {
		return nil
	}
	return slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (c *cli) loadConfig() (*auth.Config, error) {
	path, err := c.configPath()
	if err != nil {
		return nil, err
	}
	return auth.LoadConfig(path)
}

// profileArg resolves the named (or default) profile.
func (c *cli) profileArg(pos []string) (*auth.Profile, error) {
	cfg, err := c.loadConfig()
	if err != nil {
		return nil, err
	}
	name := ""
	if len(pos) > 0 {
		name = pos[0]
	}
	p, err := cfg.Profile(name)
	if err != nil {
		return nil, err
	}
	c.profile = p.Name
	return p, nil
}

// backend runs commands through the tray when one runs for this profile
// file, else in this process.
func (c *cli) backend() (app.Backend, error) {
	path, err := c.configPath()
	if err != nil {
		return nil, err
	}
	direct := func() *app.Local { return app.NewLocal(path, auth.Options{Log: c.logger()}) }
	remote, err := app.NewClient(path)
	if err != nil {
		// No private runtime dir: no tray can be reached either.
		return app.Auto{Local: direct}, nil
	}
	remote.Log = c.logger()
	return app.Auto{Remote: remote, Local: direct}, nil
}

// tray starts the resident tray process.
func (c *cli) tray(args []string) error {
	fs := flag.NewFlagSet("tray", flag.ContinueOnError)
	if _, err := c.parse(fs, args, 0); err != nil {
		return err
	}
	path, err := c.configPath()
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return app.RunResident(c.ctx, app.Options{Config: path, Log: c.logger(), Stderr: c.stderr})
}

func (c *cli) login(args []string) error {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	noBrowser := fs.Bool("no-browser", false, "print the sign-in URL instead of opening a browser")
	timeout := fs.Duration("timeout", 5*time.Minute, "how long to wait for the browser")
	pos, err := c.parse(fs, args, 1)
	if err != nil {
		return err
	}
	p, err := c.profileArg(pos)
	if err != nil {
		return err
	}
	b, err := c.backend()
	if err != nil {
		return err
	}
	name := p.Name
	open := func(u string) error {
		if *noBrowser {
			// Alone on its line so a script can read it.
			fmt.Fprintln(c.stdout, u)
			return nil
		}
		fmt.Fprintf(c.stderr, "Opening your browser to sign in to %s…\n", name)
		// xdg-open and friends chatter on stdout, which belongs to scripts.
		browser.Stdout, browser.Stderr = c.stderr, c.stderr
		if err := browser.OpenURL(u); err != nil {
			fmt.Fprintf(c.stderr, "No browser could be opened (%v). Open this address yourself:\n%s\n", err, u)
		}
		return nil
	}
	rec, err := b.Login(c.ctx, name, open, *timeout)
	if err != nil {
		return err
	}
	who := rec.Who
	if who == "" {
		who = "your account"
	}
	fmt.Fprintf(c.stderr, "Signed in to %s as %s. %s\n", name, who, loginNote(p, rec, time.Now()))
	return nil
}

// loginNote tells, at sign-in, how long it lasts: better now than a
// surprise in an hour.
func loginNote(p *auth.Profile, rec app.LoginReply, now time.Time) string {
	switch {
	case p.JWTBearer():
		return fmt.Sprintf("Token expires in %ds; a new one is made from the credentials when less than 60 s remain.", int(rec.Expiry.Sub(now).Seconds()))
	case rec.Expiry.IsZero():
		return ""
	case rec.HasRefreshToken:
		return fmt.Sprintf("The access token is valid until %s; tokentray renews it when needed.", rec.Expiry.Local().Format("15:04"))
	}
	life := rec.Expiry.Sub(rec.SignedInAt).Round(time.Minute)
	return fmt.Sprintf("The provider gave no refresh token, so you will have to sign in again every %s (next at %s). "+
		"To stay signed in, add the provider's offline scope to scopes (\"offline_access\"; Frame.io calls it \"offline\").",
		life, rec.Expiry.Local().Format("15:04"))
}

func (c *cli) token(args []string) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	minValid := fs.Duration("min-valid", auth.DefaultMinValid, "refresh first unless the token is valid at least this long")
	header := fs.Bool("header", false, "print an Authorization header")
	asJSON := fs.Bool("json", false, "print access_token, token_type and expiry as JSON")
	pos, err := c.parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *header && *asJSON {
		return usageError("token: --header and --json exclude each other")
	}
	p, err := c.profileArg(pos)
	if err != nil {
		return err
	}
	b, err := c.backend()
	if err != nil {
		return err
	}
	tok, err := b.Token(c.ctx, p.Name, *minValid)
	if err != nil {
		return err
	}
	if tok.Warning != "" {
		fmt.Fprintf(c.stderr, "tokentray: warning: %s\n", tok.Warning)
	}
	switch {
	case *header:
		fmt.Fprintf(c.stdout, "Authorization: %s %s\n", tok.TokenType, tok.AccessToken)
	case *asJSON:
		out := struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			Expiry      string `json:"expiry,omitempty"`
		}{tok.AccessToken, tok.TokenType, ""}
		if !tok.Expiry.IsZero() {
			out.Expiry = tok.Expiry.Format(time.RFC3339)
		}
		return json.NewEncoder(c.stdout).Encode(out)
	default:
		fmt.Fprintln(c.stdout, tok.AccessToken)
	}
	return nil
}

func (c *cli) status(args []string) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := c.parse(fs, args, 0); err != nil {
		return err
	}
	// The backend reads the profile file itself (and reports its errors).
	b, err := c.backend()
	if err != nil {
		return err
	}
	list, err := b.Status(c.ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tSTATE\tWHO\tACCESS TOKEN\tRENEWS WITH")
	now := time.Now()
	for _, st := range list {
		state, exp, rt := "signed out", "-", "-"
		switch {
		case st.Error != "":
			state = "error: " + st.Error
		case st.SignedIn && st.ServiceAccount:
			state, rt = "signed in", "service account key"
			// As DT's own example prints it.
			exp = fmt.Sprintf("Token expires in %ds", max(0, int(st.Expiry.Sub(now).Seconds())))
		case st.SignedIn:
			state = "signed in"
			exp = describeExpiry(st.Expiry, now)
			rt = "nothing: sign in again when it expires"
			switch {
			case st.HasRefreshToken && !st.RefreshExpiry.IsZero():
				rt = "refresh token until " + st.RefreshExpiry.Local().Format("2006-01-02")
			case st.HasRefreshToken:
				rt = "refresh token"
			}
		}
		who := st.Who
		if who == "" {
			who = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", st.Profile, state, who, exp, rt)
	}
	return tw.Flush()
}

func describeExpiry(exp, now time.Time) string {
	if exp.IsZero() {
		return "no expiry given"
	}
	d := exp.Sub(now).Round(time.Second)
	if d <= 0 {
		return "expired " + exp.Local().Format("2006-01-02 15:04")
	}
	return fmt.Sprintf("valid %s (until %s)", d, exp.Local().Format("15:04"))
}

func (c *cli) logout(args []string) error {
	fs := flag.NewFlagSet("logout", flag.ContinueOnError)
	pos, err := c.parse(fs, args, 1)
	if err != nil {
		return err
	}
	p, err := c.profileArg(pos)
	if err != nil {
		return err
	}
	b, err := c.backend()
	if err != nil {
		return err
	}
	name := p.Name
	res, err := b.Logout(c.ctx, name)
	if err != nil {
		return err
	}
	switch {
	case !res.WasSignedIn:
		fmt.Fprintf(c.stderr, "%s was not signed in; nothing to do.\n", name)
	case res.Revoked:
		fmt.Fprintf(c.stderr, "Signed out of %s: the provider revoked the tokens and the keychain no longer holds them.\n", name)
	default:
		fmt.Fprintf(c.stderr, "Signed out of %s on this computer; the keychain no longer holds its tokens.\n", name)
		fmt.Fprintf(c.stderr, "tokentray: warning: the provider was not told to revoke them: %s\n", res.RevokeErr)
	}
	return nil
}

func (c *cli) profiles(args []string) error {
	fs := flag.NewFlagSet("profiles", flag.ContinueOnError)
	pos, err := c.parse(fs, args, 2)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		if pos[0] != "import" || len(pos) != 2 {
			return usageError("usage: tokentray profiles [import FILE]")
		}
		dst, err := c.configPath()
		if err != nil {
			return err
		}
		names, err := auth.ImportProfiles(dst, pos[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "Added %s to %s. Sign in with `tokentray login %s`.\n", strings.Join(names, ", "), dst, names[0])
		return nil
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tPROVIDER\tCLIENT")
	for _, name := range cfg.Names {
		p := cfg.Profiles[name]
		where, client := p.Issuer, p.ClientID
		if where == "" {
			where = p.AuthURL
		}
		if p.JWTBearer() {
			where, client = p.TokenURL, p.Email
		}
		mark := ""
		if name == cfg.Default {
			mark = " (default)"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\n", name, mark, where, client)
	}
	return tw.Flush()
}

func (c *cli) secret(args []string) error {
	fs := flag.NewFlagSet("secret", flag.ContinueOnError)
	pos, err := c.parse(fs, args, 2)
	if err != nil {
		return err
	}
	if len(pos) != 2 || (pos[0] != "set" && pos[0] != "delete") {
		return usageError("usage: tokentray secret set|delete PROFILE")
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	p, err := cfg.Profile(pos[1])
	if err != nil {
		return err
	}
	store := auth.NewStore()
	if pos[0] == "delete" {
		if err := store.DeleteSecret(p.Name); err != nil && !errors.Is(err, auth.ErrNotFound) {
			return err
		}
		fmt.Fprintf(c.stderr, "The keychain no longer holds a client secret for %s.\n", p.Name)
		return nil
	}
	secret, err := c.readSecret(p.Name)
	if err != nil {
		return err
	}
	if err := store.SetSecret(p.Name, secret); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "Saved the client secret for %s in %s.\n", p.Name, auth.KeychainName)
	return nil
}

// readSecret reads one secret from standard input, without echo on a
// terminal.
func (c *cli) readSecret(name string) (string, error) {
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(c.stderr, "Client secret for %s: ", name)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", fmt.Errorf("read the secret: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	b, err := io.ReadAll(io.LimitReader(c.stdin, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read the secret from standard input: %w", err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", usageError("secret set: standard input was empty; pipe the secret in, e.g. `pass show x | tokentray secret set " + name + "`")
	}
	return s, nil
}

// fail prints one plain sentence, then the detail, and picks the exit code.
func (c *cli) fail(err error) int {
	var ue usageError
	kind := app.KindOf(err)
	if errors.As(err, &ue) {
		kind = app.KindUsage
	}
	headline, code := "It did not work.", exitError
	switch kind {
	case app.KindUsage:
		headline, code = "The command was not understood.", exitUsage
	case app.KindConfig:
		headline, code = "The profile file has a problem.", exitUsage
	case app.KindSignIn:
		headline, code = fmt.Sprintf("You need to sign in: run `tokentray login %s`.", c.profile), exitSignIn
	case app.KindKeychain:
		headline = fmt.Sprintf("%s is not available.", upperFirst(auth.KeychainName))
	case app.KindUnreachable:
		headline, code = "The provider could not be reached, and there is no valid access token.", exitUnreachable
	case app.KindCanceled:
		headline = "Cancelled."
	}
	fmt.Fprintf(c.stderr, "tokentray: %s\n  %v\n", headline, err)
	return code
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
