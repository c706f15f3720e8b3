package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An unwritable directory: a clear error, the old file intact.
func TestWriteAtomicUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes anywhere; use a path under a file instead.
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, []byte("x"), 0o600)
		if err := WriteAtomic(filepath.Join(f, "profiles.toml"), []byte("y")); err == nil || !strings.Contains(err.Error(), "profiles.toml") && !strings.Contains(err.Error(), f) {
			t.Errorf("write under a file: %v", err)
		}
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "profiles.toml")
	os.WriteFile(path, []byte("old"), 0o600)
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if err := WriteAtomic(path, []byte("new")); err == nil {
		t.Error("write into a read-only directory succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Error("the old file changed")
	}
}
