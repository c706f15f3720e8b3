package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/tokentray/tokentray/internal/quick"
)

// Main runs the full program with the process's arguments and exits with
// the command's code.
func Main(version string) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, version, quick.Args(os.Args), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
