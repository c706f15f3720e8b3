package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// policyOptions is what a `policy` command line asks for: nothing more
// than the policy.
type policyOptions struct{}

func (e *env) policyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "policy",
		Short: "Show the policy IT set for this computer, and where each value came from",
		Long: `Show the machine policy for tokentray — the organisation, who may sign
profile files (allowed signers), whether only signed files may be imported,
and the profile file IT manages — and where each value came from:
/etc/tokentray/policy.toml on Linux, HKLM\SOFTWARE\Policies\tokentray on
Windows (Group Policy, Intune), the com.tokentray managed preferences on
macOS. TOKENTRAY_POLICY names a policy file to try where the machine has
none of its own.`,
		Example: "  tokentray policy",
		Args:    usage(argCount(0, 0)),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runOr(e, &policyOptions{}, e.showPolicy)
		},
	}
}

// showPolicy shows the machine policy in effect and where each value
// came from.
func (e *env) showPolicy(*policyOptions) error {
	p := policy.Current()
	if p.Err != nil {
		return p.Err
	}
	if p.Where == "" {
		fmt.Fprintln(e.stdout, words.T("No policy is set for tokentray on this computer."))
		return nil
	}
	from := words.T("Policy from {where}:", "where", p.Where)
	if p.Trial {
		from = words.T("Policy from {where} (TOKENTRAY_POLICY: a trial of your own; the computer has no policy):", "where", p.Where)
	}
	fmt.Fprintln(e.stdout, from)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, row := range []struct{ key, value string }{
		{"organization", p.Organization},
		{"allowed_signers", p.AllowedSigners},
		{"require_signed", fmt.Sprint(p.RequireSigned)},
		{"profiles", p.Profiles},
		{"language", p.Language},
	} {
		src := p.Source[row.key]
		if src == "" {
			src = words.T("not set")
		}
		value := row.value
		if value == "" {
			value = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", row.key, control.Printable(value), src)
	}
	return tw.Flush()
}
