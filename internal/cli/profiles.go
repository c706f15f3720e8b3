package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/quick"
	"github.com/tokentray/tokentray/words"
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
		fmt.Fprintln(e.stdout, words.T("No profile yet. Import the profile file your IT team sent you: tokentray profiles import FILE"))
		return nil
	}
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\n", words.T("PROFILE"), words.T("WHERE"), words.T("CLIENT"))
	for _, name := range cfg.Names {
		p := cfg.Profiles[name]
		client := p.ClientID
		if p.JWTBearer() {
			client = p.Email
		}
		var marks []string
		if name == cfg.DefaultName() {
			marks = append(marks, words.T("default"))
		}
		if p.Managed {
			marks = append(marks, words.T("managed"))
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
		fmt.Fprint(e.stderr, words.T("Add them? Only add a file your IT team sent you.")+" "+words.T("[y/N]")+" ")
		answer, _ := bufio.NewReader(f).ReadString('\n')
		if !agreed(answer) {
			fmt.Fprintln(e.stderr, words.T("Nothing was imported."))
			return nil
		}
	}
	names, setAside, err := b.Import(e.ctx, file, p.Sum)
	if err != nil {
		return err
	}
	if setAside != "" {
		fmt.Fprintln(e.stderr, words.T("Your profile file could not be read, so it was kept as {file} and a new one was started.", "file", setAside))
	}
	fmt.Fprintln(e.stderr, words.T("Added {profiles} to {file}.", "profiles", strings.Join(names, ", "), "file", b.Config))
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
			fmt.Fprintln(e.stderr, "  "+words.T("{profile} still holds an example value ({key} = {value}): put in what your provider gave you, then run `tokentray login {profile}`.",
				"profile", name, "key", key, "value", strconv.Quote(val)))
		case p.NeedsKey():
			fmt.Fprintln(e.stderr, "  "+words.T("{profile} signs with a private key: save the key file your IT team gave you with `tokentray secret set {profile} --key FILE`, then run `tokentray login {profile}`.", "profile", name))
		case p.NeedsSecret():
			fmt.Fprintln(e.stderr, "  "+words.T("{profile} needs its secret: run `tokentray secret set {profile}`, then `tokentray login {profile}`.", "profile", name))
		default:
			fmt.Fprintln(e.stderr, "  "+words.T("Sign in to {profile}: `tokentray login {profile}`.", "profile", name))
		}
	}
	return nil
}

// sayManaged says, below a list of profiles, who manages this computer's
// tokentray and which of the person's profiles IT's hide.
func (e *env) sayManaged(cfg *profile.Config) {
	if org := policy.Current().Organization; org != "" {
		fmt.Fprintln(e.stdout, words.T("Managed by {organization}", "organization", org)+".")
	}
	for _, name := range cfg.Shadowed {
		fmt.Fprintln(e.stderr, "tokentray: "+words.T("your profile {profile} is hidden by the one of that name your organisation manages; rename it in {file} to use it.", "profile", name, "file", cfg.Path))
	}
}

// showPreview says who vouches for a file to import, and per profile where
// it signs in and what else it may do — before the person agrees.
func (e *env) showPreview(p control.ImportPreview) {
	w := e.stderr
	fmt.Fprintf(w, "%s: %s\n", control.Printable(filepath.Base(p.File)), control.Printable(control.SignatureLine(p)))
	fmt.Fprintln(w, words.T("It holds:"))
	for _, pr := range p.Profiles {
		fmt.Fprintf(w, "  %s: %s\n", control.Printable(pr.Name), control.Printable(pr.Where))
		for _, pw := range pr.Powers {
			fmt.Fprintf(w, "    %s\n", control.Printable(pw))
		}
	}
	if p.SetsAside && len(p.Refused) == 0 {
		fmt.Fprintln(w, words.T("Your profile file cannot be read: importing this file keeps it aside (profiles.toml.broken-DATE) and starts a new one with these profiles."))
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
	fmt.Fprintln(e.stderr, words.T("Removed {profile}: its profile, tokens and secret are gone from this computer.", "profile", p.Name))
	if res.WasSignedIn && !res.Revoked {
		quick.Warning(e.stderr, words.T("the provider was not told to revoke the tokens: {reason}", "reason", control.Printable(res.RevokeErr)))
	}
	return nil
}

// agreed tells whether answer to a [y/N] question is yes, in English or
// in the language the question was asked in.
func agreed(answer string) bool {
	a := strings.ToLower(strings.TrimSpace(answer))
	return a != "" && (a == "y" || a == "yes" || a == strings.ToLower(words.T("y")) || a == strings.ToLower(words.T("yes")))
}
