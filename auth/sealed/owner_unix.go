//go:build unix

package sealed

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

func checkOwner(dir string, fi fs.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("the sealed store %s belongs to another user (uid %d); tokentray keeps tokens only in a directory of your own", dir, st.Uid)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("others may write to the sealed store %s (mode %v); make it yours alone with: chmod 700 %s", dir, fi.Mode().Perm(), dir)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		// Others may list it (the profile names); no one else could have
		// put anything in it.
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("make the sealed store %s yours alone: %w", dir, err)
		}
	}
	return nil
}
