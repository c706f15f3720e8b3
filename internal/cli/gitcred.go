package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/quick"
)

// gitCredentialOptions is what a `git-credential` command line, and the
// request git sends on standard input, ask for.
type gitCredentialOptions struct {
	// op is git's operation: get, store or erase.
	op string
	// url is what git asks a credential for.
	url string
}

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
			// git's request is read first, whatever the operation: git
			// writes it to every helper it runs.
			req, _, err := quick.ReadGitRequest(e.stdin)
			if err != nil {
				return err
			}
			switch args[0] {
			case "get", "erase", "store":
			default:
				return &usageError{cmd: cmd, err: fmt.Errorf("%q is not get, store or erase", args[0])}
			}
			return runOr(e, &gitCredentialOptions{op: args[0], url: quick.GitURL(req)}, e.gitCredential)
		},
	}
}

// gitCredential answers git: the token for a URL of a profile's, nothing
// for any other.
func (e *env) gitCredential(o *gitCredentialOptions) error {
	minValid := defaults.MinValid
	switch o.op {
	case "erase":
		// The token was refused: renew now, whatever its lifetime.
		minValid = 1 << 62
	case "store":
		return nil
	}
	b, err := e.client()
	if err != nil {
		return err
	}
	tok, err := b.GitToken(e.ctx, o.url, minValid)
	if err != nil || tok == nil || o.op == "erase" {
		return err // no token and no error: not ours, and git asks the next helper
	}
	return quick.PrintGit(e.stdout, e.stderr, *tok)
}
