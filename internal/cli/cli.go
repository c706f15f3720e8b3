// Package cli is tokentray's command line: one file per command, each with
// its usage, flags and examples next to its code (spf13/cobra, as gh and
// kubectl do). Every command runs through the tray when one serves the
// profile file, and in this process otherwise — the same code either way
// (internal/control). Errors are one plain headline with the next step,
// then the detail, and a stable exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/client"
	"github.com/tokentray/tokentray/internal/control/server"
	"github.com/tokentray/tokentray/words"
)

// silentTray is set when the small front found the tray silent (stopped,
// hung): this process does not wait for it again.
var silentTray bool

// Program is what the program's main hands the command line, as gh's
// factory and kubectl's options do: what it cannot know or must not link
// itself.
type Program struct {
	// Version is the one stamped at build time, "dev" without a stamp.
	Version string
	// Tray runs the resident tray, tokentray with no command, until ctx
	// ends or Quit is chosen; without one the bare command says there is
	// no tray. The tray's package is the main's to link, not the command
	// line's: its tests then run without a desktop.
	Tray func(ctx context.Context, opts TrayOptions) error
}

// env is what every command needs.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	program        Program
	config         string
	verbose        bool
	// profile is the profile the command works on, once known: errors
	// name it.
	profile string
	// runF, when set, receives each command's options once they are
	// parsed and checked, in place of running it (gh's runF): a test
	// reads what a command line means with no provider, keychain or
	// desktop.
	runF func(opts any) error
}

// Run runs the command line with args (without the program name) and
// returns the exit code.
func Run(ctx context.Context, p Program, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, program: p}
	return e.execute(args)
}

// execute runs the command line args and returns the exit code.
func (e *env) execute(args []string) int {
	root := e.root()
	root.SetArgs(args)
	if err := root.ExecuteContext(e.ctx); err != nil {
		return e.fail(err)
	}
	return control.ExitOK
}

// runOr hands a command's options to e.runF when a test set one, and runs
// the command with them otherwise.
func runOr[O any](e *env, opts *O, run func(*O) error) error {
	if e.runF != nil {
		return e.runF(opts)
	}
	return run(opts)
}

// first is a command's optional first argument, "" without one.
func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

func (e *env) root() *cobra.Command {
	defPath, err := defaults.ConfigFile()
	if err != nil {
		defPath = "<config dir>/tokentray/profiles.toml"
	}
	root := &cobra.Command{
		Use:   "tokentray",
		Short: "Keep OAuth2 access tokens current, in the tray and for scripts",
		Long: `tokentray keeps OAuth2 access tokens current: sign in once in your browser,
keep the tokens in the OS keychain, and hand a live access token to you and
your scripts. With no command it starts the tray.

While the tray runs, commands go through it (it holds the sessions);
otherwise they work on their own, with the same answers. With
TOKENTRAY_SOCKET=PATH set (on a server, the end of an ssh -R forward of
the laptop tray's forward.sock), token, git-credential,
kubectl-credential and exec ask the tray at PATH, and only it.

Exit codes: 0 ok, 1 error, 2 usage, profile file or a missing client
secret, 3 sign-in needed, 4 provider unreachable and no valid access token.`,
		Example: `  tokentray                         # the tray
  tokentray profiles import it-sent-me.toml
  tokentray login work
  curl -H "$(tokentray token work --header)" https://api.example.com/v1/things`,
		Version:       e.program.Version,
		Args:          unknownCommand,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE:          e.tray,
		// The language: IT's policy, else the profile file's, else the
		// system's.
		PersistentPreRun: func(*cobra.Command, []string) { words.Defer(e.language) },
	}
	// Started from Explorer (the Start menu, a double click, the Run key)
	// tokentray is the tray, not a mistake: cobra would print "This is a
	// command line tool" and exit instead.
	cobra.MousetrapHelpText = ""
	// Before strictGroups: the completion commands it makes take their
	// writer then.
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetVersionTemplate("tokentray {{.Version}}\n")
	root.CompletionOptions.HiddenDefaultCmd = false
	flags := root.PersistentFlags()
	flags.StringVar(&e.config, "config", "", "the profile file (default $TOKENTRAY_CONFIG, else "+defPath+")")
	flags.BoolVar(&e.verbose, "verbose", os.Getenv("TOKENTRAY_DEBUG") != "", "log what tokentray does to standard error, never a token (or TOKENTRAY_DEBUG=1)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		var words flagWords
		if errors.As(err, &words) {
			err = words.error
		}
		return &usageError{cmd: cmd, err: err}
	})
	root.AddCommand(e.loginCmd(), e.tokenCmd(), e.statusCmd(), e.logoutCmd(), e.profilesCmd(),
		e.secretCmd(), e.execCmd(), e.gitCredentialCmd(), e.kubectlCredentialCmd(), e.inspectCmd(),
		e.doctorCmd(), e.policyCmd(), e.unlockCmd(), e.versionCmd())
	strictGroups(root)
	return root
}

// strictGroups makes a word that is not a subcommand a usage error (exit
// 2), where cobra prints the group's help and exits 0: `completion tcsh`,
// `profiles lst`, `help nosuch`.
func strictGroups(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch {
		case c.Name() == "help":
			c.Args = usage(func(cmd *cobra.Command, args []string) error {
				found, rest, err := cmd.Root().Find(args)
				if err != nil || len(rest) > 0 {
					return unknownCommand(found, rest)
				}
				return nil
			})
		case c.HasSubCommands() && !c.Runnable():
			c.Args = usage(unknownCommand)
			c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
		if c.Name() == "completion" {
			for _, shell := range c.Commands() {
				shell.Args = usage(argCount(0, 0))
			}
		}
	}
}

// usageError is a command line that was not understood: said with the
// command's own example.
type usageError struct {
	cmd *cobra.Command
	err error
}

func (u *usageError) Error() string { return u.err.Error() }

// exitQuietly ends a command with its exit code, having said all there is
// to say itself (doctor's summary, say).
type exitQuietly int

func (x exitQuietly) Error() string { return fmt.Sprintf("exit %d", int(x)) }

// usage makes an argument check's complaint a usageError, said with the
// command's example.
func usage(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &usageError{cmd: cmd, err: err}
		}
		return nil
	}
}

// argCount checks that a command has from min to max arguments, and says
// otherwise in words that name them, as its Use line does: "`tokentray
// logout` takes at most one argument, PROFILE; it got 2". Never the
// arguments themselves: `secret set work s3cr3t` must not print the secret.
func argCount(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) >= min && len(args) <= max {
			return nil
		}
		var names []string
		for _, f := range strings.Fields(cmd.Use)[1:] {
			if f = strings.Trim(f, "[]"); (strings.ToUpper(f) == f || strings.Contains(f, "|")) && !strings.HasPrefix(f, "-") {
				names = append(names, f)
			}
		}
		what := strings.Join(names, " ")
		switch {
		case max == 0:
			return fmt.Errorf("`%s` takes no arguments; it got %d", cmd.CommandPath(), len(args))
		case len(args) < min:
			return fmt.Errorf("`%s` needs %s", cmd.CommandPath(), what)
		case max == 1:
			most := map[bool]string{true: "one argument", false: "at most one argument"}[min == 1]
			return fmt.Errorf("`%s` takes %s, %s; it got %d", cmd.CommandPath(), most, what, len(args))
		}
		return fmt.Errorf("`%s` takes at most %d arguments, %s; it got %d", cmd.CommandPath(), max, what, len(args))
	}
}

// unknownCommand is the root's argument check: a word that is no command,
// with the commands it resembles.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.Name() == "completion" && cmd.HasParent() && !cmd.Parent().HasParent() {
		// Every shell there is, not the ones that look alike: "tcsh"
		// resembles bash, fish and zsh, but not powershell.
		var shells []string
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				shells = append(shells, c.Name())
			}
		}
		return &usageError{cmd: cmd, err: fmt.Errorf("%q is not a shell tokentray completes; it completes %s", args[0], wordList(shells, "and"))}
	}
	err := fmt.Errorf("%q is not a command", args[0])
	cmd.SuggestionsMinimumDistance = 2
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		err = fmt.Errorf("%q is not a command; did you mean %s", args[0], wordList(s, "or"))
	}
	return &usageError{cmd: cmd, err: err}
}

// language is the language the command speaks in (see words), read at
// its first text.
func (e *env) language() string {
	setting := ""
	if path, err := e.configPath(); err == nil {
		if cfg, err := profile.LoadConfig(path); err == nil {
			setting = cfg.Language
		}
	}
	return words.Pick(policy.Current().Language, setting)
}

// wordList joins words as a sentence does: "a", "a or b", "a, b or c".
func wordList(list []string, and string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " " + and + " " + list[len(list)-1]
}

func (e *env) configPath() (string, error) {
	if e.config != "" {
		return e.config, nil
	}
	return defaults.ConfigFile()
}

// logger writes debug logs to standard error with --verbose or
// TOKENTRAY_DEBUG=1; nothing tokentray logs holds a token or secret.
func (e *env) logger() *slog.Logger {
	if !e.verbose {
		return nil
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// loadConfig reads the person's profile file beside the profiles IT
// manages: a broken managed file leaves the person's own profiles usable.
func (e *env) loadConfig() (*profile.Config, error) {
	path, err := e.configPath()
	if err != nil {
		return nil, err
	}
	managed, err := profile.LoadManaged(policy.Current())
	if err != nil && e.verbose {
		e.logger().Debug("the managed profile file cannot be used", "err", err)
	}
	cfg, err := profile.LoadBeside(path, managed)
	if errors.Is(err, os.ErrNotExist) && len(cfg.Names) > 0 {
		err = nil // no file of the person's, but IT's profiles
	}
	return cfg, err
}

// profileArg resolves the named profile, or the default one for "".
func (e *env) profileArg(name string) (*profile.Profile, error) {
	cfg, err := e.loadConfig()
	if errors.Is(err, os.ErrNotExist) {
		path, _ := e.configPath()
		cfg, err = profile.NoConfig(path), nil // no file yet: "no profile yet"
	}
	if err != nil {
		return nil, err
	}
	e.profile = name
	p, err := cfg.Profile(name)
	if err != nil {
		return nil, err
	}
	e.profile = p.Name
	return p, nil
}

// client runs requests through the tray when one runs for this profile
// file, else in this process — the same code either way.
func (e *env) client() (*client.Client, error) {
	path, err := e.configPath()
	if err != nil && control.RemoteSocket() == "" {
		return nil, err
	}
	if abs, err := filepath.Abs(path); err == nil && path != "" {
		path = abs
	}
	if remote := control.RemoteSocket(); remote != "" {
		// TOKENTRAY_SOCKET: the tray there answers, or no one does.
		cl := client.NewRemote(remote, path)
		cl.Log = e.logger()
		cl.Asking = func(s string) { fmt.Fprintln(e.stderr, "tokentray: "+control.Printable(s)) }
		return cl, nil
	}
	cl, err := client.New(path)
	if silentTray {
		cl.Socket = ""
	}
	if err != nil && e.verbose {
		// No private runtime dir: no tray can be reached either.
		e.logger().Debug("no control socket", "err", err)
	}
	cl.Direct = server.Direct(path, auth.Options{Log: e.logger(), Policy: policy.Current()})
	cl.Log = e.logger()
	return cl, nil
}

// profileAndClient is the command's profile (name, or the default one for
// "") and the client that runs its requests.
func (e *env) profileAndClient(name string) (*profile.Profile, *client.Client, error) {
	if control.RemoteSocket() != "" {
		// The tray TOKENTRAY_SOCKET names knows its profiles (and which is
		// the default); there is no profile file on this side to read.
		p := &profile.Profile{Name: name}
		e.profile = p.Name
		b, err := e.client()
		return p, b, err
	}
	p, err := e.profileArg(name)
	if err != nil {
		return nil, nil, err
	}
	b, err := e.client()
	return p, b, err
}

// profileNames completes a PROFILE argument from the profile file: no
// keychain, no network.
func (e *env) profileNames(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return cfg.Names, cobra.ShellCompDirectiveNoFileComp
}

// fail prints one plain headline with the next step, then the detail, and
// picks the exit code.
func (e *env) fail(err error) int {
	var quiet exitQuietly
	if errors.As(err, &quiet) {
		return int(quiet)
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "tokentray: The command was not understood: %s.\n", control.Printable(strings.TrimSuffix(ue.err.Error(), ".")))
		if ue.cmd != nil && ue.cmd.Example != "" {
			fmt.Fprintf(e.stderr, "  For example:\n%s\n", ue.cmd.Example)
		}
		if ue.cmd != nil {
			fmt.Fprintf(e.stderr, "  See `%s --help`.\n", ue.cmd.CommandPath())
		}
		return control.ExitUsage
	}
	ce := server.ErrorOf(err)
	if ce.Profile == "" {
		c := *ce
		c.Profile = e.profile
		ce = &c
	}
	control.Report(e.stderr, ce)
	return control.ExitCode(ce.Kind)
}
