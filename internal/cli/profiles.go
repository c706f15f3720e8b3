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

	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/control"
	"golang.org/x/term"
)

// profilesOptions is what a `profiles` command line asks for: nothing
// more than the list.
type profilesOptions struct{}

func (e *env) profilesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "profiles",
		Short:   "List the profiles; import or remove one",
		Example: "  tokentray profiles\n  tokentray profiles import it-sent-me.toml\n  tokentray profiles remove old",
		Args:    unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runOr(e, &profilesOptions{}, e.profiles)
		},
	}
	cmd.AddCommand(e.importCmd(), e.removeCmd())
	return cmd
}

// profiles lists the profiles, where each signs in and its client.
func (e *env) profiles(*profilesOptions) error {
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
		var marks []string
		if name == cfg.DefaultName() {
			marks = append(marks, "default")
		}
		if p.Managed {
			marks = append(marks, "managed")
		}
		mark := ""
		if len(marks) > 0 {
			mark = " (" + strings.Join(marks, ", ") + ")"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\n", name, mark, p.Where(), client)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	e.sayManaged(cfg)
	return nil
}

// importOptions is what a `profiles import` command line asks for.
type importOptions struct {
	file        string
	yes, window bool
}

func (e *env) importCmd() *cobra.Command {
	o := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Add the profiles of a file your IT team sent",
		Long: `Add the profiles of a profile file to yours: it first shows where each one
signs in and sends its tokens, and asks (at a terminal; --yes for scripts).
Comments are kept; nothing that is there already changes.`,
		Example: "  tokentray profiles import ~/Downloads/lightfi.toml",
		Args:    usage(argCount(1, 1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return runOr(e, o, func(o *importOptions) error {
				if o.window {
					return e.importWindow(o.file)
				}
				return e.importProfiles(o.file, o.yes)
			})
		},
	}
	cmd.Flags().BoolVar(&o.yes, "yes", false, "import without asking (what the file may do is still shown)")
	cmd.Flags().BoolVar(&o.window, "window", false, "ask in the tray's window instead of here (for a file manager's \"Open with\")")
	return cmd
}

// importWindow asks the tray to show the import of file in its window.
func (e *env) importWindow(file string) error {
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	b, err := e.client()
	if err != nil {
		return err
	}
	return b.Show(e.ctx, "import", file)
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
	p, err := b.PreviewImport(e.ctx, file)
	if err != nil {
		return err
	}
	e.showPreview(p)
	if len(p.Refused) > 0 {
		return &control.Error{Kind: control.KindUntrusted, Msg: strings.Join(p.Refused, "\n  ")}
	}
	if f, ok := e.stdin.(*os.File); ok && !yes && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Add them? Only add a file your IT team sent you. [y/N] ")
		answer, _ := bufio.NewReader(f).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(e.stderr, "Nothing was imported.")
			return nil
		}
	}
	names, setAside, err := b.Import(e.ctx, file, p.Sum)
	if err != nil {
		return err
	}
	if setAside != "" {
		fmt.Fprintf(e.stderr, "Your profile file could not be read, so it was kept as %s and a new one was started.\n", setAside)
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
		case p.NeedsKey():
			fmt.Fprintf(e.stderr, "  %s signs with a private key: save the key file your IT team gave you with `tokentray secret set %s --key FILE`, then run `tokentray login %s`.\n", name, name, name)
		case p.NeedsSecret():
			fmt.Fprintf(e.stderr, "  %s needs its secret: run `tokentray secret set %s`, then `tokentray login %s`.\n", name, name, name)
		default:
			fmt.Fprintf(e.stderr, "  Sign in to %s: `tokentray login %s`.\n", name, name)
		}
	}
	return nil
}

// sayManaged says, below a list of profiles, who manages this computer's
// tokentray and which of the person's profiles IT's hide.
func (e *env) sayManaged(cfg *profile.Config) {
	if org := policy.Current().Organization; org != "" {
		fmt.Fprintf(e.stdout, "Managed by %s.\n", org)
	}
	for _, name := range cfg.Shadowed {
		fmt.Fprintf(e.stderr, "tokentray: your profile %s is hidden by the one of that name your organisation manages; rename it in %s to use it.\n", name, cfg.Path)
	}
}

// showPreview says who vouches for a file to import, and per profile where
// it signs in and what else it may do — before the person agrees.
func (e *env) showPreview(p control.ImportPreview) {
	w := e.stderr
	fmt.Fprintf(w, "%s: %s\n", control.Printable(filepath.Base(p.File)), control.Printable(control.SignatureLine(p)))
	fmt.Fprintln(w, "It holds:")
	for _, pr := range p.Profiles {
		fmt.Fprintf(w, "  %s: %s\n", control.Printable(pr.Name), control.Printable(pr.Where))
		for _, pw := range pr.Powers {
			fmt.Fprintf(w, "    %s\n", control.Printable(pw))
		}
	}
	if p.SetsAside && len(p.Refused) == 0 {
		fmt.Fprintln(w, "Your profile file cannot be read: importing this file keeps it aside (profiles.toml.broken-DATE) and starts a new one with these profiles.")
	}
}

// removeOptions is what a `profiles remove` command line asks for.
type removeOptions struct{ profile string }

func (e *env) removeCmd() *cobra.Command {
	o := &removeOptions{}
	return &cobra.Command{
		Use:               "remove PROFILE",
		Short:             "Sign out of a profile and remove it from this computer",
		Long:              "Sign out of a profile (the provider revokes its tokens), forget its client secret, and delete it from the profile file.",
		Example:           "  tokentray profiles remove old",
		Args:              usage(argCount(1, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.profile = args[0]
			return runOr(e, o, e.remove)
		},
	}
}

// remove signs out of a profile and deletes it, its tokens and secret.
func (e *env) remove(o *removeOptions) error {
	p, b, err := e.profileAndClient(o.profile)
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
}
