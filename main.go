// Command tokentray keeps OAuth2 access tokens current: sign in once in the
// browser, keep the tokens in the OS keychain, and hand out live access
// tokens to people and scripts. With no command it starts the tray; the
// commands are in internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/tokentray/tokentray/internal/cli"
)

// version is stamped at build time (-ldflags "-X main.version=…").
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	args := os.Args[1:]
	// Installed (or linked) as git-credential-tokentray, git runs it as
	// its helper "tokentray".
	if strings.HasPrefix(filepath.Base(os.Args[0]), "git-credential-tokentray") {
		args = append([]string{"git-credential"}, args...)
	}
	code := cli.Run(ctx, version, args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
