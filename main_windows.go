package main

import "github.com/tokentray/tokentray/internal/cli"

// version is stamped at build time (-ldflags "-X main.version=…").
var version = "dev"

func main() { cli.Main(version) }
