package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// statusOptions is what a `status` command line asks for.
type statusOptions struct{ asJSON bool }

func (e *env) statusCmd() *cobra.Command {
	o := &statusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show every profile's sign-in",
		Long: `Show every profile: who is signed in, how long the access token is valid,
and what renews it — the same state the tray menu shows. No provider call.`,
		Example: `  tokentray status
  tokentray status --json | jq -r '.[] | select(.state == "needs-sign-in") | .name'`,
		Args: usage(argCount(0, 0)),
		RunE: func(cmd *cobra.Command, _ []string) error { return runOr(e, o, e.status) },
	}
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print JSON: one object per profile, times in RFC 3339 to the second")
	return cmd
}

// status shows every profile's sign-in.
func (e *env) status(o *statusOptions) error {
	b, err := e.client()
	if err != nil {
		return err
	}
	v, err := b.Status(e.ctx)
	if err != nil {
		return err
	}
	if v.ConfigErr != "" {
		return &control.Error{Kind: control.KindConfig, Msg: v.ConfigErr}
	}
	if o.asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v.Profiles)
	}
	if len(v.Profiles) == 0 {
		fmt.Fprintln(e.stdout, words.T("No profile yet. Import the profile file your IT team sent you: tokentray profiles import FILE"))
		return nil
	}
	e.statusTable(v, time.Now())
	return nil
}

func (e *env) statusTable(v control.View, now time.Time) {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", words.T("PROFILE"), words.T("STATE"), words.T("WHO"), words.T("ACCESS TOKEN"), words.T("RENEWS WITH"))
	for _, p := range v.Profiles {
		state, exp, rt := p.StateWords(), "-", "-"
		if p.HasToken() || p.State == control.NeedsSignIn {
			exp = describeExpiry(p.Expiry, now)
		}
		switch {
		case !p.HasToken():
		case p.ServiceAccount:
			rt = words.T("service account key")
			if p.Grant == "client_credentials" {
				rt = words.T("client credentials")
			}
		case p.HasRefreshToken && !p.RefreshExpiry.IsZero():
			rt = words.T("refresh token until {date}", "date", p.RefreshExpiry.Local().Format("2006-01-02"))
		case p.HasRefreshToken:
			rt = words.T("refresh token")
		default:
			rt = words.T("nothing: sign in again when it expires")
		}
		who := p.Who
		if who == "" {
			who = "-"
		}
		name := p.Name
		if name == v.Default {
			name += " " + words.T("(default)")
		}
		if p.Managed {
			name += " " + words.T("(managed)")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, state, control.Printable(who), exp, rt)
	}
	tw.Flush()
	// Where each sign-in is kept, and why there: "Stored in a sealed file
	// (no desktop keychain; key in the kernel keyring): work, home."
	var stores []string
	held := map[string][]string{}
	for _, p := range v.Profiles {
		if p.Store == "" {
			continue
		}
		if held[p.Store] == nil {
			stores = append(stores, p.Store)
		}
		held[p.Store] = append(held[p.Store], p.Name)
	}
	for _, st := range stores {
		fmt.Fprintln(e.stdout, words.T("Stored in {store}: {profiles}.", "store", keychain.Said(st), "profiles", strings.Join(held[st], ", ")))
	}
	if v.Organization != "" {
		fmt.Fprintln(e.stdout, words.T("Managed by {organization}", "organization", control.Printable(v.Organization))+".")
	}
}

func describeExpiry(exp, now time.Time) string {
	if exp.IsZero() {
		return words.T("no expiry given")
	}
	d := exp.Sub(now)
	if d <= 0 {
		return words.T("expired {time}", "time", exp.Local().Format("2006-01-02 15:04"))
	}
	// The menu's words for it, so that the two never disagree.
	return words.T("{valid} (until {time})", "valid", control.ValidFor(exp, now), "time", exp.Local().Format("15:04"))
}
