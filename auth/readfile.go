package auth

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// maxFile bounds what tokentray reads from any file a profile names (and
// the profile files themselves): real ones are a few KB.
const maxFile = 1 << 20

// readSmallFile reads a regular file of at most maxFile bytes. A profile
// file may come from anyone: /dev/zero must not fill the memory, nor a
// FIFO hang every command. The open does not block, and only regular files
// are read.
func readSmallFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &os.PathError{Op: "read", Path: path, Err: errors.New("not a regular file")}
	}
	if fi.Size() > maxFile {
		return nil, &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %d KB", maxFile>>10)}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err == nil && len(data) > maxFile {
		err = &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %d KB", maxFile>>10)}
	}
	return data, err
}
