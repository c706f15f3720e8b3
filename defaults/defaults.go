// Package defaults holds what every tokentray program must agree on without
// asking one another: where the profile file lives (a tray answers only for
// its own file), where the private runtime directory of the control socket
// and the refresh locks is, and how long a token handed out must still be
// valid unless the caller says. It imports nothing of tokentray's and
// nothing heavy (the standard library; golang.org/x/sys on Windows), so the
// small front links it at no cost, and it stands below every other package
// of tokentray.
package defaults

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// MinValid is how much lifetime a token handed out must have left unless
// the caller asks for more (or less).
const MinValid = 60 * time.Second

// ConfigFile is where the profile file lives unless --config or
// TOKENTRAY_CONFIG says otherwise.
func ConfigFile() (string, error) {
	if p := os.Getenv("TOKENTRAY_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the configuration directory: %w", err)
	}
	return filepath.Join(dir, "tokentray", "profiles.toml"), nil
}
