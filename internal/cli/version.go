package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// versionOptions is what a `version` command line asks for: nothing more
// than the version.
type versionOptions struct{}

func (e *env) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print tokentray's version (also: --version)",
		Example: "  tokentray version",
		Args:    usage(argCount(0, 0)),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runOr(e, &versionOptions{}, func(*versionOptions) error {
				fmt.Fprintln(e.stdout, "tokentray", e.program.Version)
				return nil
			})
		},
	}
}
