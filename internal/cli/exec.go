package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/quick"
)

// defaultEnv is the variable `exec` puts the token in.
const defaultEnv = "TOKENTRAY_ACCESS_TOKEN"

func (e *env) execCmd() *cobra.Command {
	var envName, headerEnv string
	var minValid time.Duration
	cmd := &cobra.Command{
		Use:   "exec [PROFILE] [flags] -- COMMAND [ARG…]",
		Short: "Run a command with the access token in its environment",
		Long: `Run COMMAND with the profile's access token in an environment variable
(TOKENTRAY_ACCESS_TOKEN, or --env, or the profile's env key) — never on its
command line, where other users could read it. Standard input, output and
error pass through, Ctrl-C and SIGTERM go to COMMAND, and tokentray exits
with its exit code. A token that expires within 15 minutes is said so
first.`,
		Example: `  tokentray exec work -- sh -c 'curl -H "Authorization: Bearer $TOKENTRAY_ACCESS_TOKEN" https://api.example.com/'
  tokentray exec work --header-env AUTH -- sh -c 'curl -H "$AUTH" https://api.example.com/'
  tokentray exec work --env API_TOKEN -- python3 report.py`,
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
			p, b, err := e.profileAndClient(args[:dash])
			if err != nil {
				return err
			}
			name := envName
			if name == "" {
				name = p.Env
			}
			if name == "" {
				name = defaultEnv
			}
			// The flags too: a name such as BASH_ENV turns the token —
			// which the provider chose — into code the program runs.
			for _, n := range []string{name, headerEnv} {
				if msg := profile.CheckEnvName(n); n != "" && msg != "" {
					return &usageError{cmd: cmd, err: errors.New(msg)}
				}
			}
			tok, err := b.Token(e.ctx, p.Name, minValid)
			if err != nil {
				return err
			}
			e.sayLifetime(tok)
			env := append(os.Environ(), name+"="+tok.AccessToken)
			if headerEnv != "" {
				env = append(env, headerEnv+"=Authorization: "+tok.TokenType+" "+tok.AccessToken)
			}
			return e.run(args[dash:], env)
		},
	}
	cmd.Flags().StringVar(&envName, "env", "", "the variable to put the token in (default: the profile's env, else "+defaultEnv+")")
	cmd.Flags().StringVar(&headerEnv, "header-env", "", `also put "Authorization: Bearer …" in this variable`)
	cmd.Flags().DurationVar(&minValid, "min-valid", auth.DefaultMinValid, "renew first unless the token is valid at least this long, e.g. 30m for a long run")
	return cmd
}

// sayLifetime warns, before a command starts, that its token will not last
// long: a run longer than that will meet a 401.
func (e *env) sayLifetime(tok control.Token) {
	quick.Warn(e.stderr, tok)
	if left := time.Until(tok.Expiry); !tok.Expiry.IsZero() && left < 15*time.Minute {
		fmt.Fprintf(e.stderr, "tokentray: the token expires in %s; a longer run needs a new one (--min-valid 30m asks for at least that).\n", control.HumanDuration(left))
	}
}

// run runs argv with env, passing signals on, and ends with its exit code.
func (e *env) run(argv []string, env []string) error {
	c := exec.Command(argv[0], argv[1:]...)
	c.Env = env
	c.Stdin, c.Stdout, c.Stderr = e.stdin, e.stdout, e.stderr
	if err := c.Start(); err != nil {
		return &control.Error{Kind: control.KindUsage, Msg: fmt.Sprintf("cannot run %s: %v", argv[0], err)}
	}
	// Ctrl-C and SIGTERM are the command's to handle; tokentray waits for
	// it and exits as it does.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
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
