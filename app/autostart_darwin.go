package app

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
)

// Start at login on macOS: a LaunchAgent that runs tokentray at load.
func autostartFile() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "Library", "LaunchAgents", "io.github.tokentray.plist"), nil
}

func autostartEntry(exe string, args []string) []byte {
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
	return []byte(b.String())
}
