package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/quick"
	"github.com/tokentray/tokentray/words"
)

// logoutOptions is what a `logout` command line asks for.
type logoutOptions struct{ profile string }

func (e *env) logoutCmd() *cobra.Command {
	o := &logoutOptions{}
	return &cobra.Command{
		Use:   "logout [PROFILE]",
		Short: "Sign out: the provider revokes the tokens, the keychain forgets them",
		Long: `Sign out of a profile: the refresh token is revoked at the provider (RFC 7009)
when it has a revocation endpoint, then the tokens leave the keychain — also
when revocation fails, which is then said. A client secret saved with
` + "`secret set`" + ` stays until ` + "`tokentray secret delete`" + `, except a
machine client's or service account's: that is its sign-in, and goes with
it (after ` + "`secret set`" + `, its next token signs it in again).`,
		Example:           `  tokentray logout work`,
		Args:              usage(argCount(0, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.profile = first(args)
			return runOr(e, o, e.logout)
		},
	}
}

// logout signs out of the profile and says what became of its tokens.
func (e *env) logout(o *logoutOptions) error {
	p, b, err := e.profileAndClient(o.profile)
	if err != nil {
		return err
	}
	name := p.Name
	res, err := b.Logout(e.ctx, name)
	if err != nil {
		return err
	}
	switch {
	case !res.WasSignedIn:
		fmt.Fprintln(e.stderr, words.T("{profile} was not signed in; nothing to do.", "profile", name))
	case res.Revoked:
		fmt.Fprintln(e.stderr, words.T("Signed out of {profile}: the provider revoked the tokens and the keychain no longer holds them.", "profile", name))
	case res.NotAsked:
		fmt.Fprintln(e.stderr, words.T("Signed out of {profile} on this computer; the keychain no longer holds its tokens.", "profile", name))
		quick.Warning(e.stderr, words.T("the provider was not asked to revoke them: {reason}", "reason", control.Printable(res.RevokeErr)))
	default:
		// Not to be missed: the tokens still work at the provider.
		return &control.Error{Kind: control.KindNotRevoked, Profile: name, Msg: res.RevokeErr}
	}
	switch {
	case !res.WasSignedIn || !p.Machine():
	case p.SignsWithKey():
		// Its key was its sign-in, and went with it (auth's Logout).
		fmt.Fprintln(e.stderr, words.T("Its private key is gone too: `tokentray secret set {profile} --key FILE` signs it in again.", "profile", name))
	default:
		fmt.Fprintln(e.stderr, words.T("Its client secret is gone too: `tokentray secret set {profile}` signs it in again.", "profile", name))
	}
	return nil
}
