//go:build unix && !darwin

package policy

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// CheckMachineFile reports whether path is fit to hold machine policy:
// a regular file owned by root that neither group nor others may write.
// Otherwise a user could rewrite what IT set.
func CheckMachineFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	return checkMachineInfo(path, fi)
}

// fileOwner is a variable so tests, which need not run as root, can say
// who owns a file.
var fileOwner = func(fi fs.FileInfo) (uid uint32, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return st.Uid, true
}

func checkMachineInfo(path string, fi fs.FileInfo) error {
	uid, ok := fileOwner(fi)
	if !ok || uid != 0 || fi.Mode().Perm()&0o022 != 0 {
		owner := "an unknown user"
		if ok {
			owner = fmt.Sprintf("user id %d", uid)
		}
		return fmt.Errorf("%s must belong to root and be writable by no one else, but it belongs to %s with permissions %s (fix: sudo chown root %s && sudo chmod go-w %s)",
			path, owner, fi.Mode().Perm(), path, path)
	}
	return nil
}
