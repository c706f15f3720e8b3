package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("hello"), 0o600)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, nil, 0o600)
	if err := os.Truncate(big, MaxSize+1); err != nil { // sparse: no MB written
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		max        int64
		want       string // data, or part of the error
	}{
		{name: "a small file", path: small, max: MaxSize, want: "hello"},
		{name: "one byte over the bound", path: big, max: MaxSize, want: "larger than 1024 KB"},
		{name: "over the signature bound", path: small, max: 4, want: "larger than 0 KB"},
		{name: "a directory", path: dir, max: MaxSize, want: "not a regular file"},
	}
	if _, err := Read(filepath.Join(dir, "none"), MaxSize, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: got %v, want a not-exist error", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Read(tt.path, tt.max, nil)
			got := string(data)
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
