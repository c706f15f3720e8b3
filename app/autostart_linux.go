package app

import (
	"os"
	"path/filepath"
	"strings"
)

// Start at login on Linux: an XDG autostart entry, which every desktop
// that follows the freedesktop.org spec runs at login.
func autostartFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "autostart", "tokentray.desktop"), nil
}

func autostartEntry(exe string, args []string) []byte {
	quoted := []string{desktopQuote(exe)}
	for _, a := range args {
		quoted = append(quoted, desktopQuote(a))
	}
	return []byte("[Desktop Entry]\nType=Application\nName=tokentray\n" +
		"Comment=Keeps OAuth2 access tokens current\n" +
		"Exec=" + strings.Join(quoted, " ") + "\nIcon=tokentray\nTerminal=false\nX-GNOME-Autostart-enabled=true\n")
}

// desktopQuote quotes an Exec argument as the Desktop Entry spec says.
func desktopQuote(s string) string {
	if !strings.ContainsAny(s, " \t\"'\\$`<>|&;()*?#~=%") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`, `%`, `%%`)
	return `"` + r.Replace(s) + `"`
}
