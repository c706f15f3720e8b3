package cli

import (
	"os/exec"
	"path/filepath"
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

// A program built without the tray (cli.Program with no Tray) says so for
// the bare command, rather than failing on a nil function.
func TestProgramWithoutATray(t *testing.T) {
	alone(t)
	code, _, stderr := run(t, filepath.Join(t.TempDir(), "profiles.toml"))
	if code != 1 || !strings.Contains(stderr, "this tokentray has no tray; its commands work (tokentray --help)") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
