// Package safefile reads files that may come from anyone — a profile file
// from a phishing mail may name /dev/zero or a FIFO — within bounds, and
// writes the user's own files atomically.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxSize bounds what tokentray reads from any file a profile names (and
// the profile files themselves): real ones are a few KB.
const MaxSize = 1 << 20

// ReadSmall reads a regular file of at most MaxSize bytes. A profile
// file may come from anyone: /dev/zero must not fill the memory, nor a
// FIFO hang every command. The open does not block, and only regular files
// are read.
func ReadSmall(path string) ([]byte, error) {
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
	if fi.Size() > MaxSize {
		return nil, &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %d KB", MaxSize>>10)}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err == nil && len(data) > MaxSize {
		err = &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %d KB", MaxSize>>10)}
	}
	return data, err
}
