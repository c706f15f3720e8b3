// Package quick is what the commands tools run once per operation — token,
// git-credential, kubectl-credential — need to answer from a running tray:
// their command lines, one request on the control socket, and how each
// prints its answer. The small tokentray program (cmd/tokentray-front,
// what the packages for Linux install as tokentray) uses it to answer these without starting the full
// program, whose start-up is most of the time such a call takes; the full
// program prints with the same functions, so the two cannot drift apart.
// It imports only the standard library's light parts, internal/control,
// defaults and words (whose catalogue is read only when there is something
// to say).
package quick

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/tokentray/tokentray/defaults"
)

// Command is a command line quick can answer.
type Command struct {
	Name string // "token", "git-credential" or "kubectl-credential"
	// Config is --config as given ("" for the default profile file).
	Config  string
	Profile string
	// MinValid, Header and JSON are token's flags.
	MinValid     time.Duration
	Header, JSON bool
	// GitOp is git-credential's operation: get, store or erase.
	GitOp string
}

// SilentTray is set in the full program's environment by the small
// front's hand-over after a tray accepted a request and did not ack it
// (ErrSilent on Unix): the full program then does not ask that tray again.
// Every platform's full program reads it, so it is defined on every one.
const SilentTray = "TOKENTRAY_SILENT_TRAY"

// Parse recognises the plain forms of the three commands (args without the
// program name). Anything else — help, completion, another flag, a flag
// form it does not know, TOKENTRAY_DEBUG — is not for quick: ok is false
// and the full program takes the command line as it is.
func Parse(args []string, debug bool) (c Command, ok bool) {
	if debug {
		return c, false
	}
	c.MinValid = defaults.MinValid
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			pos = append(pos, a)
			continue
		}
		name, value, hasValue := strings.Cut(a, "=")
		switch name {
		case "--config", "--min-valid":
			if !hasValue {
				if i+1 == len(args) {
					return c, false
				}
				i++
				value = args[i]
			}
			if name == "--config" {
				if value == "" {
					return c, false
				}
				c.Config = value
				continue
			}
			// A value the full program refuses (no unit, negative) is
			// its to say.
			d, err := Duration("min-valid", value)
			if err != nil || len(pos) == 0 || pos[0] != "token" {
				return c, false // token's own flags come after it
			}
			c.MinValid = d
		case "--header", "--json":
			if hasValue || len(pos) == 0 || pos[0] != "token" {
				return c, false
			}
			c.Header = c.Header || name == "--header"
			c.JSON = c.JSON || name == "--json"
		default:
			return c, false
		}
	}
	if len(pos) == 0 || (c.Header && c.JSON) {
		return c, false
	}
	c.Name = pos[0]
	switch {
	case (c.Name == "token" || c.Name == "kubectl-credential") && len(pos) <= 2:
		if len(pos) == 2 {
			c.Profile = pos[1]
		}
	case c.Name == "git-credential" && len(pos) == 2 && (pos[1] == "get" || pos[1] == "store" || pos[1] == "erase"):
		c.GitOp = pos[1]
	default:
		return c, false
	}
	return c, true
}

// Args are the command line without the program name. Installed (or
// linked) as git-credential-tokentray, git runs tokentray as its helper
// "tokentray".
func Args(argv []string) []string {
	if strings.HasPrefix(filepath.Base(argv[0]), "git-credential-tokentray") {
		return append([]string{"git-credential"}, argv[1:]...)
	}
	return argv[1:]
}
