package cli

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/tokentray/tokentray/internal/quick"
)

// Main runs the full program with the process's arguments and exits with
// the command's code. version is the one stamped at build time, "dev"
// without a stamp.
func Main(version string) {
	if version == "dev" {
		version = moduleVersion(version)
	}
	// Told by the small front that the tray does not answer: not asked
	// again (and no program this one starts inherits the word).
	silentTray = os.Getenv(quick.SilentTray) != ""
	os.Unsetenv(quick.SilentTray)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, version, quick.Args(os.Args), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// moduleVersion is the version of the module the program was built from,
// as `go install github.com/tokentray/tokentray@v1.2.3` records it (or,
// built in a checkout with version control stamping, its tag or commit);
// or else dev.
func moduleVersion(dev string) string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return dev
}
