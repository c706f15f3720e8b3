package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/internal/control"
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
		fmt.Fprintln(e.stdout, "No profile yet. Import the profile file your IT team sent you: tokentray profiles import FILE")
		return nil
	}
	e.statusTable(v, time.Now())
	return nil
}

func (e *env) statusTable(v control.View, now time.Time) {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tSTATE\tWHO\tACCESS TOKEN\tRENEWS WITH")
	for _, p := range v.Profiles {
		state, exp, rt := p.StateWords(), "-", "-"
		if p.HasToken() || p.State == control.NeedsSignIn {
			exp = describeExpiry(p.Expiry, now)
		}
		switch {
		case !p.HasToken():
		case p.ServiceAccount:
			rt = "service account key"
			if p.Grant == "client_credentials" {
				rt = "client credentials"
			}
		case p.HasRefreshToken && !p.RefreshExpiry.IsZero():
			rt = "refresh token until " + p.RefreshExpiry.Local().Format("2006-01-02")
		case p.HasRefreshToken:
			rt = "refresh token"
		default:
			rt = "nothing: sign in again when it expires"
		}
		who := p.Who
		if who == "" {
			who = "-"
		}
		name := p.Name
		if name == v.Default {
			name += " (default)"
		}
		if p.Managed {
			name += " (managed)"
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
		fmt.Fprintf(e.stdout, "Stored in %s: %s.\n", st, strings.Join(held[st], ", "))
	}
	if v.Organization != "" {
		fmt.Fprintf(e.stdout, "Managed by %s.\n", control.Printable(v.Organization))
	}
}

func describeExpiry(exp, now time.Time) string {
	if exp.IsZero() {
		return "no expiry given"
	}
	d := exp.Sub(now)
	if d <= 0 {
		return "expired " + exp.Local().Format("2006-01-02 15:04")
	}
	// The menu's words for it, so that the two never disagree.
	return fmt.Sprintf("%s (until %s)", control.ValidFor(exp, now), exp.Local().Format("15:04"))
}
