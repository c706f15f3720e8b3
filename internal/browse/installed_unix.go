//go:build unix

package browse

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// installed finds the browser name in a PATH directory that only the
// system can write: owned by root, writable by no one else, and so is
// every directory above it — not ~/.local/bin, /tmp or a download folder.
func installed(name string) (string, error) {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if !filepath.IsAbs(dir) || !systemOwned(dir, true) {
			continue
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 && systemOwned(p, false) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is not installed where this computer keeps its programs (a folder on PATH that only the system can change); install it, or choose the browser with `tokentray login --browser-command`", name)
}

// systemOwned tells whether path (and, for a directory, every directory
// above it) belongs to root and no one else may change it. A symbolic
// link is followed: what counts is the file that runs.
func systemOwned(path string, parents bool) bool {
	path, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	for {
		fi, err := os.Stat(path)
		if err != nil {
			return false
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok || st.Uid != 0 || fi.Mode().Perm()&0o022 != 0 {
			return false
		}
		parent := filepath.Dir(path)
		if !parents || parent == path {
			return true
		}
		path = parent
	}
}
