package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokentray/tokentray/auth"
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
	quoted := []string{desktopQuote(exe)}
	for _, a := range args {
		quoted = append(quoted, desktopQuote(a))
	}
	entry := "[Desktop Entry]\nType=Application\nName=tokentray\n" +
		"Comment=Keeps OAuth2 access tokens current\n" +
		"Exec=" + strings.Join(quoted, " ") + "\nIcon=tokentray\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
	if err := auth.WriteFileAtomic(path, []byte(entry)); err != nil {
		return fmt.Errorf("start at login: %w", err)
	}
	return nil
}

// desktopQuote quotes an Exec argument as the Desktop Entry spec says.
func desktopQuote(s string) string {
	if !strings.ContainsAny(s, " \t\"'\\$`<>|&;()*?#~=%") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`, `%`, `%%`)
	return `"` + r.Replace(s) + `"`
}
