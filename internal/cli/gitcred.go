package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth"
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
		Args:      usage(cobra.ExactArgs(1)),
		ValidArgs: []string{"get", "store", "erase"},
		RunE: func(cmd *cobra.Command, args []string) error {
			req, err := readGitRequest(e.stdin)
			if err != nil {
				return err
			}
			switch args[0] {
			case "get", "erase":
			case "store":
				return nil
			default:
				return &usageError{cmd: cmd, err: fmt.Errorf("%q is not get, store or erase", args[0])}
			}
			p, err := e.gitProfile(req)
			if err != nil || p == nil {
				return err // not ours: silence, and git asks the next helper
			}
			e.profile = p.Name
			b, err := e.client()
			if err != nil {
				return err
			}
			if args[0] == "erase" {
				// The token was refused: renew now, whatever its lifetime.
				_, err := b.Token(e.ctx, p.Name, 1<<62)
				if err != nil {
					return err
				}
				return nil
			}
			tok, err := b.Token(e.ctx, p.Name, auth.DefaultMinValid)
			if err != nil {
				return err
			}
			user := p.GitUsername
			if user == "" {
				user = "oauth2"
			}
			fmt.Fprintf(e.stdout, "username=%s\npassword=%s\n", user, tok.AccessToken)
			if !tok.Expiry.IsZero() {
				// git 2.41+ forgets the password when it expires.
				fmt.Fprintf(e.stdout, "password_expiry_utc=%d\n", tok.Expiry.Unix())
			}
			return nil
		},
	}
}

// readGitRequest reads git's key=value lines up to a blank line or the end.
func readGitRequest(r io.Reader) (map[string]string, error) {
	req := map[string]string{}
	sc := bufio.NewScanner(io.LimitReader(r, 64<<10))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			req[k] = v
		}
	}
	return req, sc.Err()
}

// gitProfile is the profile whose git_urls hold the URL git asks about (the
// longest prefix wins); nil when none does.
func (e *env) gitProfile(req map[string]string) (*auth.Profile, error) {
	cfg, err := e.loadConfig()
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	u := req["url"]
	if u == "" {
		u = (&url.URL{Scheme: req["protocol"], Host: req["host"], Path: "/" + strings.TrimPrefix(req["path"], "/")}).String()
	}
	var best *auth.Profile
	bestLen := -1
	for _, name := range cfg.Names {
		p := cfg.Profiles[name]
		for _, prefix := range p.GitURLs {
			if gitURLMatches(prefix, u) && len(prefix) > bestLen {
				best, bestLen = p, len(prefix)
			}
		}
	}
	return best, nil
}

// gitURLMatches tells whether u lies under prefix: the same scheme and
// host (port included), and a path under the prefix's path.
func gitURLMatches(prefix, u string) bool {
	pp, err1 := url.Parse(prefix)
	uu, err2 := url.Parse(u)
	if err1 != nil || err2 != nil || !strings.EqualFold(pp.Scheme, uu.Scheme) || !strings.EqualFold(pp.Host, uu.Host) {
		return false
	}
	dir := strings.TrimSuffix(pp.Path, "/")
	return dir == "" || uu.Path == dir || strings.HasPrefix(uu.Path, dir+"/")
}
