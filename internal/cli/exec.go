package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/quick"
	"github.com/tokentray/tokentray/words"
)

// defaultEnv is the variable `exec` puts the token in.
const defaultEnv = "TOKENTRAY_ACCESS_TOKEN"

// execOptions is what an `exec` command line asks for.
type execOptions struct {
	profile            string
	envName, headerEnv string
	minValid           time.Duration
	// command is the program to run and its arguments, after --.
	command []string
}

func (e *env) execCmd() *cobra.Command {
	o := &execOptions{}
	cmd := &cobra.Command{
		Use:   "exec [PROFILE] [flags] -- COMMAND [ARG…]",
		Short: "Run a command with the access token in its environment",
		Long: `Run COMMAND with the profile's access token in an environment variable
(TOKENTRAY_ACCESS_TOKEN, or --env, or the profile's env key) — never on its
command line, where other users could read it. Standard input, output and
error pass through, Ctrl-C and SIGTERM go to COMMAND, and tokentray exits
with its exit code — 127 when there is no such program, 126 when it cannot
be run, as shells do. A token that expires within 15 minutes is said so
first.`,
		Example: `  tokentray exec work -- sh -c 'curl -H "Authorization: Bearer $TOKENTRAY_ACCESS_TOKEN" https://api.example.com/'
  tokentray exec work --header-env AUTH -- sh -c 'curl -H "$AUTH" https://api.example.com/'
  tokentray exec work --env API_TOKEN -- python3 report.py
  tokentray exec work --min-valid 30m -- ./nightly-export.sh`,
		Args: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			if dash < 0 || dash == len(args) {
				return &usageError{cmd: cmd, err: errors.New("give the command after --")}
			}
			if dash > 1 {
				return &usageError{cmd: cmd, err: errors.New("at most one profile before --")}
			}
			return nil
		},
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			o.profile, o.command = first(args[:dash]), args[dash:]
			return runOr(e, o, func(o *execOptions) error { return e.execCommand(cmd, o) })
		},
	}
	cmd.Flags().StringVar(&o.envName, "env", "", "the variable to put the token in (default: the profile's env, else "+defaultEnv+")")
	cmd.Flags().StringVar(&o.headerEnv, "header-env", "", `also put "Authorization: Bearer …" in this variable`)
	durationVar(cmd, &o.minValid, "min-valid", defaults.MinValid, "renew first unless the token is valid at least this long, e.g. 30m for a long run")
	return cmd
}

// execCommand runs the command with the profile's access token in its
// environment; cmd is for a usage error's example.
func (e *env) execCommand(cmd *cobra.Command, o *execOptions) error {
	p, b, err := e.profileAndClient(o.profile)
	if err != nil {
		return err
	}
	name := o.envName
	if name == "" {
		name = p.Env
	}
	if name == "" {
		name = defaultEnv
	}
	// The flags too: a name such as BASH_ENV turns the token — which the
	// provider chose — into code the program runs.
	for _, n := range []string{name, o.headerEnv} {
		if msg := profile.CheckEnvName(n); n != "" && msg != "" {
			return &usageError{cmd: cmd, err: errors.New(msg)}
		}
	}
	// A program that is not there, or cannot run, is said before any
	// sign-in or renewal, as a shell says it.
	path, err := e.findProgram(o.command[0])
	if err != nil {
		return err
	}
	tok, err := b.Token(e.ctx, p.Name, o.minValid)
	if err != nil {
		return err
	}
	e.sayLifetime(tok, o.minValid)
	env := append(os.Environ(), name+"="+tok.AccessToken)
	if o.headerEnv != "" {
		env = append(env, o.headerEnv+"=Authorization: "+tok.TokenType+" "+tok.AccessToken)
	}
	return e.run(path, o.command, env)
}

// sayLifetime warns, before a command starts, that its token will not last
// long: a run longer than that will meet a 401. When the provider's tokens
// last less than --min-valid asks for, that is what it says: a longer
// --min-valid cannot help then.
func (e *env) sayLifetime(tok control.Token, minValid time.Duration) {
	quick.Warn(e.stderr, tok)
	if quick.WarnShortLived(e.stderr, tok, minValid) {
		return
	}
	if left := time.Until(tok.Expiry); !tok.Expiry.IsZero() && left < 15*time.Minute {
		fmt.Fprintln(e.stderr, "tokentray: "+words.T("the token expires in {duration}; a longer run needs a new one (--min-valid 30m asks for at least that).", "duration", words.Duration(left)))
	}
}

// run runs argv (its program found at path) with env and ends with its exit code. With tokentray's
// own standard streams (not a test's) the command takes tokentray's place
// where the system allows (replace): it is then the process the shell and
// the terminal know, so a Ctrl-C reaches it once, from the terminal, and
// its end is the shell's to see. Elsewhere tokentray waits for it and
// passes signals on.
func (e *env) run(path string, argv, env []string) error {
	if e.stdin == os.Stdin && e.stdout == os.Stdout && e.stderr == os.Stderr {
		if err := replace(path, argv, env); !errors.Is(err, errNoReplace) {
			return e.cannotRun(argv[0], err) // replace returns only on failure
		}
	}
	c := &exec.Cmd{Path: path, Args: argv, Env: env, Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr}
	// Ctrl-C and SIGTERM are the command's to handle; tokentray waits for
	// it and exits as it does. Caught before the command starts: one that
	// comes as it starts is passed on once it runs.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	if err := c.Start(); err != nil {
		return e.cannotRun(argv[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	for {
		select {
		case s := <-sigs:
			_ = c.Process.Signal(s)
		case err := <-done:
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return exitQuietly(exitCodeOf(ee))
			}
			return err
		}
	}
}

// errNoReplace: the system has no exec in place (replace).
var errNoReplace = errors.New("no exec in place")

// Exit codes of a program exec could not run, as shells report them.
const (
	exitCannotRun = 126 // found, but not a program this user may run
	exitNotFound  = 127 // no such program
)

// findProgram finds the program exec is to run as exec.Command will, and
// says it as a shell would when there is none, or it cannot run.
func (e *env) findProgram(name string) (path string, err error) {
	if path, err = exec.LookPath(name); err != nil {
		return "", e.cannotRun(name, err)
	}
	return path, nil
}

// cannotRun says why name could not be started — one headline with the
// next step, then the detail — and ends with a shell's exit code: 127
// when there is no such program, 126 when it cannot be run.
func (e *env) cannotRun(name string, err error) error {
	shown := control.Printable(name)
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		where := words.T("no program of that name is in any directory of PATH")
		if strings.ContainsRune(name, filepath.Separator) || strings.ContainsRune(name, '/') {
			where = words.T("there is no file {file}", "file", shown)
		}
		fmt.Fprintf(e.stderr, "tokentray: %s\n  %s\n", words.T("{program} was not found. Check its name, or give its full path.", "program", shown), where)
		return exitQuietly(exitNotFound)
	}
	said := words.T("{program} was found but cannot be run. Check that it is a program and that you may run it (chmod +x).", "program", shown)
	if runtime.GOOS == "windows" {
		said = words.T("{program} was found but cannot be run. Check that it is a program and that you may run it.", "program", shown)
	}
	fmt.Fprintf(e.stderr, "tokentray: %s\n  %s\n", said, control.Printable(err.Error()))
	return exitQuietly(exitCannotRun)
}
