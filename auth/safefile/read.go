// Package safefile reads files that may come from anyone — a profile file
// from a phishing mail may name /dev/zero or a FIFO — within bounds, and
// writes the user's own files atomically.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxSize bounds what tokentray reads from any file a profile names (and
// the profile files themselves): real ones are a few KB.
const MaxSize = 1 << 20

// ReadSmall reads a regular file of at most MaxSize bytes. A profile
// file may come from anyone: /dev/zero must not fill the memory, nor a
// FIFO hang every command. The open does not block, and only regular files
// are read.
func ReadSmall(path string) ([]byte, error) { return Read(path, MaxSize, nil) }

// Read reads a regular file of at most limit bytes, as ReadSmall does;
// check, when not nil, vets the file as opened (its owner, its mode)
// before a byte is read, so that what was checked is what is read.
func Read(path string, limit int64, check func(path string, fi fs.FileInfo) error) ([]byte, error) {
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
	if check != nil {
		if err := check(path, fi); err != nil {
			return nil, err
		}
	}
	tooLarge := &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %d KB", limit>>10)}
	if fi.Size() > limit {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		// It grew, or its size was not known (/proc).
		return nil, tooLarge
	}
	return data, err
}
