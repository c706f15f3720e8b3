package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/internal/control"
)

// inspectOptions is what an `inspect` command line asks for.
type inspectOptions struct {
	profile string
	asJSON  bool
}

func (e *env) inspectCmd() *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect [PROFILE]",
		Short: "Show what the access token is: issuer, account, audience, scopes, expiry, claims",
		Long: `Show the profile's sign-in and what its access token says of itself:
issuer, account, audience, the scopes granted, when it and the refresh
token expire, the last refresh, and — when the access token is a JWT — its
claims, decoded but NOT verified (the API that accepts the token verifies
it). Opaque tokens say so. No token or secret is printed.`,
		Example:           "  tokentray inspect work\n  tokentray inspect work --json | jq .claims",
		Args:              usage(argCount(0, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.profile = first(args)
			return runOr(e, o, e.inspect)
		},
	}
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print JSON (the status fields, token_format, claims, claims_verified)")
	return cmd
}

// inspect shows the profile's sign-in and what its access token says.
func (e *env) inspect(o *inspectOptions) error {
	p, b, err := e.profileAndClient(o.profile)
	if err != nil {
		return err
	}
	in, err := b.Inspect(e.ctx, p.Name)
	if err != nil {
		return err
	}
	if o.asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(in)
	}
	e.printInspection(in)
	return nil
}

func (e *env) printInspection(in control.Inspection) {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, f := range in.Facts() {
		fmt.Fprintf(tw, "%s\t%s\n", f.Label, f.Value)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "\n"+in.ClaimsNote())
	tw = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, f := range in.ClaimFacts() {
		fmt.Fprintf(tw, "  %s\t%s\n", f.Label, f.Value)
	}
	tw.Flush()
}
