package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/auth/safefile"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

func (e *env) secretCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secret",
		Short: "Keep a profile's client secret in the keychain",
		Long: `Keep a profile's client secret (or a service account's key secret) in the OS
keychain rather than the profile file. It is saved for the profile's
current settings: a profile that later points elsewhere does not get it.`,
		Example: "  pass show lightfi | tokentray secret set lightfi\n  tokentray secret delete lightfi",
		Args:    unknownCommand,
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	setOpts := &secretSetOptions{}
	set := &cobra.Command{
		Use:   "set PROFILE",
		Short: "Save the secret read from standard input (asked for at a terminal), or a private key",
		Long: `Save a profile's client secret, read from standard input (asked for at a
terminal), in the OS keychain. A profile that signs with a private key (a
service account with jwt_alg RS256 or ES256, or client_auth
private_key_jwt) takes the key file your IT team gave you with --key: the
key is kept in the keychain for this profile's settings, and tokentray
reads no key file after that.`,
		Example:           "  printf '%s' \"$SECRET\" | tokentray secret set lightfi\n  tokentray secret set robot --key ~/Downloads/robot-key.pem",
		Args:              usage(argCount(1, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			setOpts.profile = args[0]
			return runOr(e, setOpts, e.secretSet)
		},
	}
	set.Flags().StringVar(&setOpts.keyFile, "key", "", "the private key file (PEM) of a profile that signs with a key")
	del := &cobra.Command{
		Use:               "delete PROFILE",
		Short:             "Delete the saved secret",
		Example:           "  tokentray secret delete lightfi",
		Args:              usage(argCount(1, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOr(e, &secretDeleteOptions{profile: args[0]}, e.secretDelete)
		},
	}
	cmd.AddCommand(set, del)
	return cmd
}

// secretSetOptions is what a `secret set` command line asks for; the
// secret itself comes on standard input, never on the command line.
type secretSetOptions struct{ profile, keyFile string }

// secretSet saves the profile's secret, read from standard input, or the
// private key in keyFile.
func (e *env) secretSet(o *secretSetOptions) error {
	p, err := e.profileArg(o.profile)
	if err != nil {
		return err
	}
	if o.keyFile != "" {
		return e.setKey(p, o.keyFile)
	}
	secret, err := e.readSecret(p.Name)
	if err != nil {
		return err
	}
	if p.SignsWithKey() {
		// A key piped in is checked as one given with --key is.
		if _, _, err := auth.ParseKey(p.JWTAlg, []byte(secret), "what was read"); err != nil {
			return &control.Error{Kind: control.KindKey, Profile: p.Name, Msg: err.Error()}
		}
	}
	store := keychain.NewStore()
	if err := store.SetSecret(p.Name, p.Binding(), secret); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, words.T("Saved the client secret for {profile} in {store}.", "profile", p.Name, "store", keychain.Said(store.Name())))
	return nil
}

// secretDeleteOptions is what a `secret delete` command line asks for.
type secretDeleteOptions struct{ profile string }

// secretDelete forgets the profile's saved secret, if there is one.
func (e *env) secretDelete(o *secretDeleteOptions) error {
	p, err := e.profileArg(o.profile)
	if err != nil {
		return err
	}
	if err := keychain.NewStore().DeleteSecret(p.Name); err != nil && !errors.Is(err, keychain.ErrNotFound) {
		return err
	}
	fmt.Fprintln(e.stderr, words.T("The keychain no longer holds a client secret for {profile}.", "profile", p.Name))
	return nil
}

// setKey keeps the private key in file as p's, in the keychain: the
// person hands it over, so no profile file can make tokentray sign with a
// key it names.
func (e *env) setKey(p *profile.Profile, file string) error {
	if !p.SignsWithKey() {
		return &control.Error{Kind: control.KindUsage, Profile: p.Name,
			Msg: words.T("{profile} does not sign with a private key (that is jwt_alg RS256 or ES256, or client_auth private_key_jwt)", "profile", p.Name),
			Fix: words.T("Save its secret without --key: `tokentray secret set {profile}`.", "profile", p.Name)}
	}
	pem, err := safefile.ReadSmall(file)
	if err != nil {
		return &control.Error{Kind: control.KindKey, Profile: p.Name, Msg: words.T("read the key file: {reason}", "reason", err.Error())}
	}
	if _, _, err := auth.ParseKey(p.JWTAlg, pem, file); err != nil {
		return &control.Error{Kind: control.KindKey, Profile: p.Name, Msg: err.Error()}
	}
	store := keychain.NewStore()
	if err := store.SetSecret(p.Name, p.Binding(), string(pem)); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, words.T("Saved the private key for {profile} in {store}; tokentray does not read {file} again.", "profile", p.Name, "store", keychain.Said(store.Name()), "file", file))
	return nil
}

// readSecret reads one secret from standard input, without echo at a
// terminal.
func (e *env) readSecret(name string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, words.T("Client secret for {profile}:", "profile", name)+" ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read the secret: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	b, err := io.ReadAll(io.LimitReader(e.stdin, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read the secret from standard input: %w", err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", &control.Error{Kind: control.KindNoInput, Profile: name,
			Msg: words.T("pipe the secret in, e.g. `pass show x | tokentray secret set {profile}`, or run it at a terminal to be asked", "profile", name)}
	}
	return s, nil
}
