// Command tokentray keeps OAuth2 access tokens current: sign in once in the
// browser, keep the tokens in the OS keychain, and hand out live access
// tokens to people and scripts.
package main

import (
	"bufio"
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
	"unicode"

	"github.com/pkg/browser"
	"golang.org/x/term"

	"github.com/tokentray/tokentray/app"
	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/internal/control"
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
  tokentray profiles [import FILE [--yes]]
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

// client runs commands through the tray when one runs for this profile
// file, else in this process — the same code either way.
func (c *cli) client() (*control.Client, error) {
	path, err := c.configPath()
	if err != nil {
		return nil, err
	}
	cl, err := control.NewClient(path)
	if err != nil {
		// No private runtime dir: no tray can be reached either.
		c.logger().Debug("no control socket", "err", err)
	}
	cl.Direct = app.Direct(path, auth.Options{Log: c.logger()})
	cl.Log = c.logger()
	return cl, nil
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
	b, err := c.client()
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
func loginNote(p *auth.Profile, rec control.LoginResult, now time.Time) string {
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
	b, err := c.client()
	if err != nil {
		return err
	}
	tok, err := b.Token(c.ctx, p.Name, *minValid)
	if err != nil {
		return err
	}
	if tok.Warning != "" {
		fmt.Fprintf(c.stderr, "tokentray: warning: %s\n", terminalSafe(tok.Warning))
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
	b, err := c.client()
	if err != nil {
		return err
	}
	v, err := b.Status(c.ctx)
	if err != nil {
		return err
	}
	if v.ConfigErr != "" {
		return &control.Error{Kind: control.KindConfig, Msg: v.ConfigErr}
	}
	now := time.Now()
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v.Profiles)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tSTATE\tWHO\tACCESS TOKEN\tRENEWS WITH")
	for _, p := range v.Profiles {
		state, exp, rt := describeState(p), "-", "-"
		if p.HasToken() || p.State == control.NeedsSignIn {
			exp = describeExpiry(p.Expiry, now)
		}
		switch {
		case !p.HasToken():
		case p.ServiceAccount:
			// As DT's own example prints it.
			exp, rt = fmt.Sprintf("Token expires in %ds", max(0, int(p.Expiry.Sub(now).Seconds()))), "service account key"
		case p.HasRefreshToken && !p.RefreshExpiry.IsZero():
			rt = "refresh token until " + p.RefreshExpiry.Local().Format("2006-01-02")
		case p.HasRefreshToken:
			rt = "refresh token"
		default:
			rt = "nothing: sign in again when it expires"
		}
		who := p.Who
		if who == "" {
			who = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, state, who, exp, rt)
	}
	return tw.Flush()
}

// describeState is a profile's state in the status table.
func describeState(p control.ProfileView) string {
	switch p.State {
	case control.Valid:
		return "signed in"
	case control.Refreshing:
		return "signed in, renewing"
	case control.Retrying:
		return "signed in, provider unreachable"
	case control.NeedsSignIn:
		return "sign-in needed"
	case control.SigningIn:
		return "signing in"
	case control.SignedOut:
		return "signed out"
	}
	if p.Err != nil {
		return "error: " + control.Explain(p.Err).Headline
	}
	return "unknown"
}

func describeExpiry(exp, now time.Time) string {
	if exp.IsZero() {
		return "no expiry given"
	}
	d := exp.Sub(now)
	if d <= 0 {
		return "expired " + exp.Local().Format("2006-01-02 15:04")
	}
	return fmt.Sprintf("valid %s (until %s)", control.HumanDuration(d), exp.Local().Format("15:04"))
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
	b, err := c.client()
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
		fmt.Fprintf(c.stderr, "tokentray: warning: the provider was not told to revoke them: %s\n", terminalSafe(res.RevokeErr))
	}
	return nil
}

func (c *cli) profiles(args []string) error {
	fs := flag.NewFlagSet("profiles", flag.ContinueOnError)
	yes := fs.Bool("yes", false, "import without asking (the addresses are still shown)")
	pos, err := c.parse(fs, args, 2)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		if pos[0] != "import" || len(pos) != 2 {
			return usageError("usage: tokentray profiles [import FILE [--yes]]")
		}
		return c.importProfiles(pos[1], *yes)
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

// importProfiles shows where each profile in file signs in and sends its
// tokens, asks at a terminal, and imports.
func (c *cli) importProfiles(file string, yes bool) error {
	if abs, err := filepath.Abs(file); err == nil {
		file = abs // the tray may run in another directory
	}
	b, err := c.client()
	if err != nil {
		return err
	}
	lines, err := b.PreviewImport(c.ctx, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "%s holds:\n", filepath.Base(file))
	for _, l := range lines {
		fmt.Fprintf(c.stderr, "  %s\n", l)
	}
	if f, ok := c.stdin.(*os.File); ok && !yes && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(c.stderr, "Add them? Only add a file your IT team sent you. [y/N] ")
		answer, _ := bufio.NewReader(f).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return &control.Error{Kind: control.KindCanceled, Msg: "nothing was imported"}
		}
	}
	names, err := b.Import(c.ctx, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "Added %s to %s. Sign in with `tokentray login %s`.\n", strings.Join(names, ", "), b.Config, names[0])
	return nil
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
	if err := store.SetSecretFor(p, secret); err != nil {
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

// fail prints one plain sentence with the next step, then the detail,
// and picks the exit code.
func (c *cli) fail(err error) int {
	var ue usageError
	e := app.ErrorOf(err)
	if errors.As(err, &ue) {
		e = &control.Error{Kind: control.KindUsage, Msg: ue.Error()}
	}
	if e.Profile == "" {
		e.Profile = c.profile
	}
	code := exitError
	switch e.Kind {
	case control.KindUsage, control.KindConfig, control.KindSecret:
		code = exitUsage
	case control.KindSignIn:
		code = exitSignIn
	case control.KindUnreachable:
		code = exitUnreachable
	}
	w := control.Explain(e)
	next := w.Next
	if w.Command != "" {
		next = "Run `" + w.Command + "`."
	}
	fmt.Fprintf(c.stderr, "tokentray: %s", w.Headline)
	if next != "" {
		fmt.Fprintf(c.stderr, " %s", next)
	}
	fmt.Fprintln(c.stderr)
	if e.Kind != control.KindCanceled {
		fmt.Fprintf(c.stderr, "  %s\n", terminalSafe(e.Msg))
	}
	return code
}

// terminalSafe keeps a terminal's control sequences out of a message: the
// detail may quote a provider, and a provider's text must not retitle the
// window or recolour the prompt.
func terminalSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
