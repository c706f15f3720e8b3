// Package browse opens a sign-in address: in the browser a profile or the
// person chose, else the system's.
package browse

import (
	"fmt"
	"io"
	"os/exec"

	"github.com/pkg/browser"
	"github.com/tokentray/tokentray/auth/profile"
)

// ForProfile opens u with the browser p names (its browser key), else the
// system's.
func ForProfile(p *profile.Profile, u string) error {
	argv, err := p.BrowserArgv(u)
	if err != nil {
		return err
	}
	return Open(u, argv)
}

// Open opens u with argv (a command holding u already), or with the
// system's browser when argv is empty. It does not wait for the browser.
func Open(u string, argv []string) error {
	if len(argv) == 0 {
		// xdg-open and friends chatter; none of it is for the person.
		browser.Stdout, browser.Stderr = io.Discard, io.Discard
		return browser.OpenURL(u)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open the browser: %w", err)
	}
	go func() { _ = cmd.Wait() }() // reap it whenever it ends
	return nil
}
