package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/quick"
)

func (e *env) gitCredentialCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "git-credential get|store|erase",
		Short: "Give git the access token as its password (a git credential helper)",
		Long: `A git credential helper (gitcredentials(7)). For a URL under one of a
profile's git_urls, "get" answers with git_username (default "oauth2") and
the live access token as the password; "erase" (git saw a 401) renews the
token now, so the next try gets a fresh one or says that sign-in is needed;
"store" is ignored. For any other URL it says nothing, so git asks the
next helper.`,
		Example: `  git config --global credential.https://git.example.com.helper "!tokentray git-credential"
  # a profile:  git_urls = ["https://git.example.com/"]`,
		Args:      usage(argCount(1, 1)),
		ValidArgs: []string{"get", "store", "erase"},
		RunE: func(cmd *cobra.Command, args []string) error {
			req, _, err := quick.ReadGitRequest(e.stdin)
			if err != nil {
				return err
			}
			minValid := defaults.MinValid
			switch args[0] {
			case "get":
			case "erase":
				// The token was refused: renew now, whatever its lifetime.
				minValid = 1 << 62
			case "store":
				return nil
			default:
				return &usageError{cmd: cmd, err: fmt.Errorf("%q is not get, store or erase", args[0])}
			}
			b, err := e.client()
			if err != nil {
				return err
			}
			tok, err := b.GitToken(e.ctx, quick.GitURL(req), minValid)
			if err != nil || tok == nil || args[0] == "erase" {
				return err // no token and no error: not ours, and git asks the next helper
			}
			return quick.PrintGit(e.stdout, e.stderr, *tok)
		},
	}
}
