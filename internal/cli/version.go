package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (e *env) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print tokentray's version (also: --version)",
		Example: "  tokentray version",
		Args:    usage(argCount(0, 0)),
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(e.stdout, "tokentray", e.program.Version)
			return nil
		},
	}
}
