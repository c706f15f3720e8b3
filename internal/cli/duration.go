package cli

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/internal/quick"
)

// durationFlag is a duration flag in the words people use: a value with a
// unit (90s, 10m, 1h30m), never negative, read as the small front reads
// it (quick.Duration); help shows its default as 1m, not Go's 1m0s.
type durationFlag struct {
	name string
	d    *time.Duration
}

// durationVar defines a duration flag --name on cmd.
func durationVar(cmd *cobra.Command, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	cmd.Flags().Var(durationFlag{name: name, d: p}, name, usage)
}

func (f durationFlag) Set(s string) error {
	d, err := quick.Duration(f.name, s)
	if err != nil {
		return flagWords{err}
	}
	*f.d = d
	return nil
}

func (f durationFlag) String() string {
	if f.d == nil {
		return "0"
	}
	return quick.FlagDuration(*f.d)
}

func (f durationFlag) Type() string { return "duration" }

// flagWords is a flag value's complaint in words of its own, said as it
// is, without the flag package's "invalid argument … for … flag:".
type flagWords struct{ error }
