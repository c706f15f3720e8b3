// Command tokentray keeps OAuth2 access tokens current: sign in once in the
// browser, keep the tokens in the OS keychain, and hand out live access
// tokens to people and scripts. With no command it starts the tray; the
// commands are in internal/cli.
//
// This is the full program, and all of it on its own: what
// `go install github.com/tokentray/tokentray@latest` and `go run .` give.
// While a tray runs, its commands go through it. The windows are a
// program of their own, cmd/tokentray-window, which the tray starts from
// next to this one; without it the tray and the commands work, and each
// window item says that the windows are not installed.
//
// The packages for Linux ship two more: cmd/tokentray-front as tokentray,
// a small static program that answers the commands tools run once per
// operation from a running tray, and this one as tokentray-agent next to
// it, which the front hands everything else to. On Windows (no exec) this
// is tokentray.exe itself.
package main

import (
	"context"

	"github.com/tokentray/tokentray/app"
	"github.com/tokentray/tokentray/internal/cli"
)

// version is stamped at build time (-ldflags "-X main.version=…"); without
// a stamp, the module's version `go install …@VERSION` built it from.
var version = "dev"

func main() { cli.Main(cli.Program{Version: version, Tray: tray}) }

// tray runs the resident tray for the command line, which does not link
// the tray's package itself: its tests then run without a desktop.
func tray(ctx context.Context, o cli.TrayOptions) error {
	return app.RunResident(ctx, app.Options{Config: o.Config, Log: o.Log, Stderr: o.Stderr})
}
