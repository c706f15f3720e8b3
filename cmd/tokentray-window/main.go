// Command tokentray-window shows tokentray's sign-in and settings windows.
// The tray starts it on demand (it is installed next to tokentray) and it
// exits when its window closes; it is not meant to be run by hand.
//
//	tokentray-window --config PATH signin|settings [PROFILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/tokentray/tokentray/app/window"
)

func main() {
	config := flag.String("config", "", "the tray's profile file")
	flag.Parse()
	if *config == "" || flag.NArg() < 1 || flag.NArg() > 2 {
		fmt.Fprintln(os.Stderr, "usage: tokentray-window --config PATH signin|settings [PROFILE]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := window.Run(ctx, *config, flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, "tokentray-window:", err)
		os.Exit(1)
	}
}
