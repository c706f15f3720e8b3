// Command tokentray-window shows tokentray's windows. The tray starts it on
// demand (it is installed next to tokentray) and it exits when its window
// closes; it is not meant to be run by hand.
//
//	tokentray-window --config PATH signin|settings|signout|details [PROFILE]
//	tokentray-window --version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/tokentray/tokentray/app/window"
	"github.com/tokentray/tokentray/internal/buildinfo"
	"github.com/tokentray/tokentray/internal/control"
)

// version is stamped at build time (-ldflags "-X main.version=…"), as
// tokentray's is: the packages hold one of each, and a mismatch shows.
// Unstamped, the module's version (internal/buildinfo).
var version = "dev"

func main() {
	config := flag.String("config", "", "the tray's profile file")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("tokentray-window", buildinfo.Version(version))
		return
	}
	if *config == "" || flag.NArg() < 1 || flag.NArg() > 2 {
		fmt.Fprintln(os.Stderr, "usage: tokentray-window --config PATH signin|settings|signout|details [PROFILE]\n(the tray starts it; run `tokentray` instead)")
		os.Exit(2)
	}
	// Without a display Fyne's driver panics; say it in a sentence instead.
	if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		fmt.Fprintln(os.Stderr, "tokentray-window: the windows need a display (DISPLAY is not set); the tray menu and tokentray's commands work without one.")
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := window.Run(ctx, *config, flag.Arg(0), flag.Arg(1))
	if errors.Is(err, window.ErrAskedAgain) {
		os.Exit(control.ExitShowAgain) // the tray opens it anew
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tokentray-window:", err)
		os.Exit(1)
	}
}
