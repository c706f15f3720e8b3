package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/tokentray/tokentray/internal/buildinfo"
	"github.com/tokentray/tokentray/internal/quick"
)

// Main runs the full program with the process's arguments and exits with
// the command's code.
func Main(p Program) {
	p.Version = buildinfo.Version(p.Version)
	// Told by the small front that the tray does not answer: not asked
	// again (and no program this one starts inherits the word).
	silentTray = os.Getenv(quick.SilentTray) != ""
	os.Unsetenv(quick.SilentTray)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, p, quick.Args(os.Args), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
