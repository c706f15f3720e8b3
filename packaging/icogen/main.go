// Command icogen writes tokentray's application icon as a Windows .ico: the
// MSI's Start-menu shortcut and its Add/Remove Programs entry take ICO
// only. Used by packaging/dist.sh:
//
//	go run ./packaging/icogen OUT.ico
package main

import (
	"fmt"
	"os"

	"github.com/tokentray/tokentray/assets"
)

func main() {
	if len(os.Args) != 2 {
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
