package browse

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// programs are where each browser's installer puts it under Program
// Files (machine-wide installs, which only administrators can change).
var programs = map[string][]string{
	"chrome":    {`Google\Chrome\Application\chrome.exe`},
	"msedge":    {`Microsoft\Edge\Application\msedge.exe`},
	"firefox":   {`Mozilla Firefox\firefox.exe`},
	"librewolf": {`LibreWolf\librewolf.exe`},
	"brave":     {`BraveSoftware\Brave-Browser\Application\brave.exe`},
	"vivaldi":   {`Vivaldi\Application\vivaldi.exe`},
	"opera":     {`Opera\opera.exe`},
	"chromium":  {`Chromium\Application\chrome.exe`},
}

// installed finds the browser in Program Files, from the shell's known
// folders (not the environment, which a process can change): never a
// file elsewhere, a per-user copy anyone logged in could swap, or a share.
func installed(name string) (string, error) {
	key := strings.ToLower(strings.TrimSuffix(strings.ToLower(name), ".exe"))
	for _, folder := range []*windows.KNOWNFOLDERID{windows.FOLDERID_ProgramFiles, windows.FOLDERID_ProgramFilesX86} {
		base, err := windows.KnownFolderPath(folder, 0)
		if err != nil {
			continue
		}
		for _, rel := range programs[key] {
			p := filepath.Join(base, rel)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%s is not installed in Program Files on this computer; install it, or choose the browser with `tokentray login --browser-command`", name)
}
