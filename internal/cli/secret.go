package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/internal/control"
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
	set := &cobra.Command{
		Use:               "set PROFILE",
		Short:             "Save the secret read from standard input (asked for at a terminal)",
		Example:           "  printf '%s' \"$SECRET\" | tokentray secret set lightfi",
		Args:              usage(argCount(1, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := e.profileArg(args)
			if err != nil {
				return err
			}
			secret, err := e.readSecret(p.Name)
			if err != nil {
				return err
			}
			if err := keychain.NewStore().SetSecret(p.Name, p.Binding(), secret); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "Saved the client secret for %s in %s.\n", p.Name, keychain.Name)
			return nil
		},
	}
	del := &cobra.Command{
		Use:               "delete PROFILE",
		Short:             "Delete the saved secret",
		Example:           "  tokentray secret delete lightfi",
		Args:              usage(argCount(1, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := e.profileArg(args)
			if err != nil {
				return err
			}
			if err := keychain.NewStore().DeleteSecret(p.Name); err != nil && !errors.Is(err, keychain.ErrNotFound) {
				return err
			}
			fmt.Fprintf(e.stderr, "The keychain no longer holds a client secret for %s.\n", p.Name)
			return nil
		},
	}
	cmd.AddCommand(set, del)
	return cmd
}

// readSecret reads one secret from standard input, without echo at a
// terminal.
func (e *env) readSecret(name string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(e.stderr, "Client secret for %s: ", name)
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
			Msg: "pipe the secret in, e.g. `pass show x | tokentray secret set " + name + "`, or run it at a terminal to be asked"}
	}
	return s, nil
}
