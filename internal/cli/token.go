package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/quick"
)

// tokenOptions is what a `token` command line asks for.
type tokenOptions struct {
	profile        string
	minValid       time.Duration
	header, asJSON bool
}

func (e *env) tokenCmd() *cobra.Command {
	o := &tokenOptions{}
	cmd := &cobra.Command{
		Use:   "token [PROFILE]",
		Short: "Print a valid access token",
		Long: `Print the profile's access token and a newline, nothing else: renewed first
if it has less than --min-valid left (a rotated refresh token is stored
before the new token is printed). If the provider is down but the token is
still valid, it is printed with a warning on standard error.`,
		Example: `  tokentray token work
  curl -H "$(tokentray token work --header)" https://api.example.com/v1/things
  tokentray token work --min-valid 10m --json`,
		Args:              usage(argCount(0, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.header && o.asJSON {
				return &usageError{cmd: cmd, err: fmt.Errorf("--header and --json exclude each other")}
			}
			o.profile = first(args)
			return runOr(e, o, e.token)
		},
	}
	durationVar(cmd, &o.minValid, "min-valid", defaults.MinValid, "renew first unless the token is valid at least this long, e.g. 90s or 10m")
	cmd.Flags().BoolVar(&o.header, "header", false, `print "Authorization: Bearer …"`)
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print access_token, token_type and expiry as JSON")
	return cmd
}

// token prints the profile's access token.
func (e *env) token(o *tokenOptions) error {
	p, b, err := e.profileAndClient(o.profile)
	if err != nil {
		return err
	}
	tok, err := b.Token(e.ctx, p.Name, o.minValid)
	if err != nil {
		return err
	}
	return quick.PrintToken(e.stdout, e.stderr, tok, o.minValid, o.header, o.asJSON)
}
