package safefile

import (
	"os"
	"strings"
	"testing"
)

// TestReadZeroSize reads a file that says it is empty, as those in
// /proc do, but holds more than the bound.
func TestReadZeroSize(t *testing.T) {
	const proc = "/proc/self/status"
	if fi, err := os.Stat(proc); err != nil || fi.Size() != 0 {
		t.Fatalf("%s should say it is empty: %v", proc, err)
	}
	if _, err := Read(proc, 16, nil); err == nil || !strings.Contains(err.Error(), "larger than 0 KB") {
		t.Errorf("got %v, want larger than the bound", err)
	}
}
