package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// The command line links no tray (issue 31): the program's main hands it
// in (Program.Tray), so that these tests run without a desktop and the
// command line builds without cgo on every system.
func TestNoTrayLinked(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "github.com/tokentray/tokentray/app" || strings.HasPrefix(pkg, "github.com/tokentray/tokentray/app/") ||
			strings.HasPrefix(pkg, "fyne.io/") {
			t.Errorf("the command line links %s", pkg)
		}
	}
}
