// Package browse opens a sign-in address: with the command the person
// gave, in the browser a profile names, or in the system's browser.
package browse

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/pkg/browser"
)

// Open opens u with argv — a command the person gave, holding u already —
// or with the system's browser when argv is empty. It does not wait for
// the browser.
func Open(u string, argv []string) error {
	if len(argv) == 0 {
		// xdg-open and friends chatter; none of it is for the person.
		browser.Stdout, browser.Stderr = io.Discard, io.Discard
		return browser.OpenURL(u)
	}
	return start(argv)
}

// Browser opens u with a profile's browser command (profile.BrowserArgv):
// its first word is a browser's name, and the program run is the one
// installed where the system keeps programs — never a file of that name
// elsewhere on PATH, which anyone who can write there could have put.
func Browser(u string, argv []string) error {
	if len(argv) == 0 {
		return Open(u, nil)
	}
	if strings.ContainsAny(argv[0], `/\:`) {
		return errors.New("a profile's browser is named, not given as a path")
	}
	path, err := installed(argv[0])
	if err != nil {
		return err
	}
	return start(append([]string{path}, argv[1:]...))
}

func start(argv []string) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open the browser: %w", err)
	}
	go func() { _ = cmd.Wait() }() // reap it whenever it ends
	return nil
}
