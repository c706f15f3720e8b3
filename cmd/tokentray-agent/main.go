// Command tokentray-agent is tokentray's full program on Linux and macOS:
// the tray, and every command (internal/cli). People run `tokentray`,
// which answers the commands tools run once per operation from a running
// tray by itself and hands everything else to this program (see the root
// package). On Windows tokentray.exe is this program.
package main

import "github.com/tokentray/tokentray/internal/cli"

// version is stamped at build time (-ldflags "-X main.version=…").
var version = "dev"

func main() { cli.Main(version) }
