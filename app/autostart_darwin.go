package app

import (
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokentray/tokentray/auth"
)

// Start at login on macOS: a LaunchAgent that runs tokentray at load.
func autostartFile() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "Library", "LaunchAgents", "io.github.tokentray.plist"), nil
}

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
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>Label</key><string>io.github.tokentray</string>
<key>ProgramArguments</key><array>`)
	for _, a := range append([]string{exe}, args...) {
		b.WriteString("<string>")
		_ = xml.EscapeText(&b, []byte(a))
		b.WriteString("</string>")
	}
	b.WriteString("</array>\n<key>RunAtLoad</key><true/>\n<key>ProcessType</key><string>Interactive</string>\n</dict></plist>\n")
	if err := auth.WriteFileAtomic(path, []byte(b.String())); err != nil {
		return fmt.Errorf("start at login: %w", err)
	}
	return nil
}
