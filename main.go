// Command tokentray keeps OAuth2 access tokens current: sign in once in the
// browser, keep the tokens in the OS keychain, and hand out live access
// tokens to people and scripts. With no command it starts the tray; the
// commands are in internal/cli.
//
// On Linux and macOS this is a small program (main_unix.go): git, kubectl
// and scripts run `tokentray token`, `git-credential` and
// `kubectl-credential` once per operation, and a running tray answers
// those in well under a millisecond — starting the full program, with its
// hundred package inits, would be most of the time each call takes. So
// this one answers them from the tray itself (internal/quick) and replaces
// itself with the full program, tokentray-agent next to it, for anything
// else. Windows has no exec: a hand-over would start a second process,
// Windows' slowest step, so there tokentray.exe is the full program
// (main_windows.go).
package main
