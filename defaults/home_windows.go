package defaults

import "golang.org/x/sys/windows"

// userCacheDir is the user's local application data folder, from the
// shell's known folders (not %LocalAppData%).
func userCacheDir() (string, error) {
	return windows.KnownFolderPath(windows.FOLDERID_LocalAppData, 0)
}
