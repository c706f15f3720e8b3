//go:build unix

package defaults

import (
	"fmt"
	"os/user"
	"path/filepath"
	"runtime"
)

// userCacheDir is the user's cache directory under the home directory the
// user database names (not $HOME).
func userCacheDir() (string, error) {
	u, err := user.Current()
	if err != nil || u.HomeDir == "" {
		return "", fmt.Errorf("find the home directory of this user: %v", err)
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(u.HomeDir, "Library", "Caches"), nil
	}
	return filepath.Join(u.HomeDir, ".cache"), nil
}
