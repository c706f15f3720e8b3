package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/internal/control"
	"golang.org/x/term"
)

func (e *env) profilesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "profiles",
		Short:   "List the profiles; import or remove one",
		Example: "  tokentray profiles\n  tokentray profiles import it-sent-me.toml\n  tokentray profiles remove old",
		Args:    unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.loadConfig()
			if errors.Is(err, os.ErrNotExist) {
				fmt.Fprintln(e.stdout, "No profile yet. Import the profile file your IT team sent you: tokentray profiles import FILE")
				return nil
			}
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PROFILE\tWHERE\tCLIENT")
			for _, name := range cfg.Names {
				p := cfg.Profiles[name]
				client := p.ClientID
				if p.JWTBearer() {
					client = p.Email
				}
				mark := ""
				if name == cfg.Default {
					mark = " (default)"
				}
				fmt.Fprintf(tw, "%s%s\t%s\t%s\n", name, mark, p.Where(), client)
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(e.importCmd(), e.removeCmd())
	return cmd
}

func (e *env) importCmd() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Add the profiles of a file your IT team sent",
		Long: `Add the profiles of a profile file to yours: it first shows where each one
signs in and sends its tokens, and asks (at a terminal; --yes for scripts).
Comments are kept; nothing that is there already changes.`,
		Example: "  tokentray profiles import ~/Downloads/lightfi.toml",
		Args:    usage(argCount(1, 1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.importProfiles(args[0], yes)
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "import without asking (the addresses are still shown)")
	return cmd
}

// importProfiles shows where each profile in file signs in and sends its
// tokens, asks at a terminal, and imports.
func (e *env) importProfiles(file string, yes bool) error {
	if abs, err := filepath.Abs(file); err == nil {
		file = abs // the tray may run in another directory
	}
	b, err := e.client()
	if err != nil {
		return err
	}
	lines, sum, err := b.PreviewImport(e.ctx, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%s holds:\n", control.Printable(filepath.Base(file)))
	for _, l := range lines {
		fmt.Fprintf(e.stderr, "  %s\n", control.Printable(l))
	}
	if f, ok := e.stdin.(*os.File); ok && !yes && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Add them? Only add a file your IT team sent you. [y/N] ")
		answer, _ := bufio.NewReader(f).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(e.stderr, "Nothing was imported.")
			return nil
		}
	}
	names, err := b.Import(e.ctx, file, sum)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Added %s to %s.\n", strings.Join(names, ", "), b.Config)
	// What to do next, per profile: fill in example values, save a secret,
	// or sign in.
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	for _, name := range names {
		p := cfg.Profiles[name]
		switch key, val := p.Placeholder(); {
		case key != "":
			fmt.Fprintf(e.stderr, "  %s still holds an example value (%s = %q): put in what your provider gave you, then run `tokentray login %s`.\n", name, key, val, name)
		case p.NeedsSecret():
			fmt.Fprintf(e.stderr, "  %s needs its secret: run `tokentray secret set %s`, then `tokentray login %s`.\n", name, name, name)
		default:
			fmt.Fprintf(e.stderr, "  Sign in to %s: `tokentray login %s`.\n", name, name)
		}
	}
	return nil
}

func (e *env) removeCmd() *cobra.Command {
	return &cobra.Command{
		Use:               "remove PROFILE",
		Short:             "Sign out of a profile and remove it from this computer",
		Long:              "Sign out of a profile (the provider revokes its tokens), forget its client secret, and delete it from the profile file.",
		Example:           "  tokentray profiles remove old",
		Args:              usage(argCount(1, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, b, err := e.profileAndClient(args)
			if err != nil {
				return err
			}
			res, err := b.Remove(e.ctx, p.Name)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "Removed %s: its profile, tokens and secret are gone from this computer.\n", p.Name)
			if res.WasSignedIn && !res.Revoked {
				fmt.Fprintf(e.stderr, "tokentray: warning: the provider was not told to revoke the tokens: %s\n", control.Printable(res.RevokeErr))
			}
			return nil
		},
	}
}
