package quick

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration reads the value of a duration flag (--min-valid, --timeout) as
// both programs do: Go's syntax with a unit (90s, 10m, 1h30m; "0" alone
// needs none), never negative. The error says so in words, naming the flag
// and its value, for the full program's usage error; the small front only
// needs to know that there is one, and leaves the command line to the
// full program.
func Duration(flag, value string) (time.Duration, error) {
	d, err := time.ParseDuration(value)
	switch {
	case err != nil:
		if _, nerr := strconv.ParseFloat(value, 64); nerr == nil && !strings.HasPrefix(value, "-") {
			return 0, fmt.Errorf("--%s %s needs a unit: %ss for seconds, %sm for minutes or %sh for hours", flag, value, value, value, value)
		}
		return 0, fmt.Errorf("--%s %q is not a duration; give one with a unit, such as 90s, 10m or 1h", flag, value)
	case d < 0:
		return 0, fmt.Errorf("--%s %s is negative; give a duration of zero or more, such as 10m", flag, value)
	}
	return d, nil
}

// FlagDuration writes d as a duration flag takes it, without Go's zero
// parts: 1m, not 1m0s; 1h30m, 2h, 90s as 1m30s; "0" for none.
func FlagDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
