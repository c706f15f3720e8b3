//go:build linux || darwin

package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tokentray/tokentray/auth/safefile"
)

// Start at login on Linux and macOS is one file (autostartFile) whose
// presence is the setting; autostartEntry says what goes in it.

func autostartEnabled() bool {
	path, err := autostartFile()
	if err != nil {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}

func setAutostart(on bool, exe string, args []string) error {
	path, err := autostartFile()
	if err != nil {
		return fmt.Errorf("start at login: %w", err)
	}
	if !on {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("start at login: %w", err)
		}
		return nil
	}
	if err := safefile.WriteAtomic(path, autostartEntry(launcher(exe), args)); err != nil {
		return fmt.Errorf("start at login: %w", err)
	}
	return nil
}

// launcher is the program people run, tokentray, when this process is the
// full program next to it (cmd/tokentray-front): the entry names what the
// packages install on PATH, whatever runs behind it.
func launcher(exe string) string {
	if filepath.Base(exe) != "tokentray-agent" {
		return exe
	}
	front := filepath.Join(filepath.Dir(exe), "tokentray")
	if _, err := os.Stat(front); err != nil {
		return exe
	}
	return front
}
