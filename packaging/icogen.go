//go:build ignore

// icogen writes tokentray's application icon as a Windows .ico: the MSI's
// Start-menu shortcut and its Add/Remove Programs entry take ICO only.
// packaging/dist.sh runs it, from the module's root:
//
//	go run packaging/icogen.go OUT.ico
//
// A generator, not a command: `go install ./...` does not install it (the
// build tag keeps it out of every package).
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/tokentray/tokentray/assets"
)

func main() {
	if len(os.Args) != 2 || strings.HasPrefix(os.Args[1], "-") {
		fmt.Fprintln(os.Stderr, "usage: icogen OUT.ico")
		os.Exit(2)
	}
	ico := assets.ICO(assets.Icon)
	if ico == nil {
		fmt.Fprintln(os.Stderr, "icogen: assets/icon.png is not a PNG")
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], ico, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "icogen:", err)
		os.Exit(1)
	}
}
