package quick

import (
	"fmt"
	"testing"
	"time"

	"github.com/tokentray/tokentray/defaults"
)

// Parse takes only what it can answer exactly as the full program would;
// everything else goes to the full program as it is.
func TestParse(t *testing.T) {
	def := defaults.MinValid
	for _, c := range []struct {
		args []string
		want *Command // nil: not for quick
	}{
		{[]string{"token"}, &Command{Name: "token", MinValid: def}},
		{[]string{"token", "work"}, &Command{Name: "token", Profile: "work", MinValid: def}},
		{[]string{"--config", "p.toml", "token", "work", "--header"}, &Command{Name: "token", Config: "p.toml", Profile: "work", MinValid: def, Header: true}},
		{[]string{"token", "--config=p.toml", "--json", "--min-valid", "10m"}, &Command{Name: "token", Config: "p.toml", MinValid: 10 * time.Minute, JSON: true}},
		{[]string{"token", "--min-valid=0s"}, &Command{Name: "token"}},
		{[]string{"kubectl-credential", "work"}, &Command{Name: "kubectl-credential", Profile: "work", MinValid: def}},
		{[]string{"git-credential", "get"}, &Command{Name: "git-credential", GitOp: "get", MinValid: def}},
		{[]string{"git-credential", "erase", "--config", "p.toml"}, &Command{Name: "git-credential", GitOp: "erase", Config: "p.toml", MinValid: def}},
		{nil, nil},                                     // the tray
		{[]string{"status"}, nil},                      // another command
		{[]string{"token", "a", "b"}, nil},             // too many profiles
		{[]string{"token", "--help"}, nil},             // help
		{[]string{"token", "-h"}, nil},                 // short flags
		{[]string{"token", "--verbose"}, nil},          // logging
		{[]string{"--json", "token"}, nil},             // cobra refuses a command's flag before it
		{[]string{"token", "--header", "--json"}, nil}, // exclude each other: the full program says so
		{[]string{"token", "--header=true"}, nil},
		{[]string{"token", "--min-valid", "0"}, &Command{Name: "token"}},
		{[]string{"token", "--min-valid", "soon"}, nil},
		// What the full program refuses, in words of its own (issue 29).
		{[]string{"token", "--min-valid", "5"}, nil},
		{[]string{"token", "--min-valid", "-5m"}, nil},
		{[]string{"token", "--min-valid=-1s"}, nil},
		{[]string{"token", "--min-valid"}, nil},
		{[]string{"token", "--config"}, nil},
		{[]string{"token", "--config="}, nil},
		{[]string{"token", "--", "work"}, nil},
		{[]string{"kubectl-credential", "--json"}, nil},
		{[]string{"git-credential"}, nil},
		{[]string{"git-credential", "fill"}, nil},
		{[]string{"completion", "bash"}, nil},
	} {
		t.Run(fmt.Sprint(c.args), func(t *testing.T) {
			got, ok := Parse(c.args, false)
			switch {
			case c.want == nil && ok:
				t.Errorf("Parse(%q) = %+v; want it left to the full program", c.args, got)
			case c.want != nil && (!ok || got != *c.want):
				t.Errorf("Parse(%q) = %+v, %v; want %+v", c.args, got, ok, *c.want)
			}
		})
	}
	if _, ok := Parse([]string{"token"}, true); ok {
		t.Error("with TOKENTRAY_DEBUG set, the full program must log")
	}
}

func TestArgs(t *testing.T) {
	for _, c := range []struct {
		argv []string
		want string
	}{
		{[]string{"/usr/bin/tokentray", "token"}, "[token]"},
		{[]string{"/usr/lib/git-core/git-credential-tokentray", "get"}, "[git-credential get]"},
	} {
		if got := fmt.Sprint(Args(c.argv)); got != c.want {
			t.Errorf("Args(%q) = %s, want %s", c.argv, got, c.want)
		}
	}
}
