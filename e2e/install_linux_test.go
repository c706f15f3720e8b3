package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/testkit"
)

// TestGoInstall: what Go developers install works on its own. `go install
// .` — the package `go install github.com/tokentray/tokentray@latest`
// builds — puts one program in GOBIN, tokentray, the full program:
// --version, --help and status work with nothing beside it, and its tray
// says that the windows are not installed where a window would open.
// `go install ./...` adds the front as tokentray-front, which hands what
// it does not answer to tokentray beside it, and the window program — and
// no packaging tool.
func TestGoInstall(t *testing.T) {
	testkit.RequireSecretService(t)
	install := func(t *testing.T, dir, pkgs string) (names []string) {
		t.Helper()
		cmd := exec.Command("go", "install", pkgs)
		cmd.Env = append(os.Environ(), "GOBIN="+dir)
		if out, err := testkit.Bounded(cmd, 5*time.Minute); err != nil {
			t.Fatalf("go install %s: %v\n%s", pkgs, err, out)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	cfg := writeConfig(t, "[profile.work]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n")
	// No tray serves cfg: a runtime directory of its own.
	env := append(os.Environ(), "XDG_RUNTIME_DIR="+t.TempDir())
	run := func(t *testing.T, bin string, args ...string) result {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		r, err := capture(cmd, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	works := func(t *testing.T, bin string) {
		t.Helper()
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--version"}, "tokentray "},
			{[]string{"--help"}, "Usage:\n  tokentray [flags]"},
			{[]string{"--config", cfg, "status"}, "work (default)  signed out"},
		} {
			if r := run(t, bin, c.args...); r.code != 0 || !strings.Contains(r.stdout, c.want) || r.stderr != "" {
				t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want %q", filepath.Base(bin), c.args, r.code, r.stdout, r.stderr, c.want)
			}
		}
	}

	// GOBINs that outlive the subtests.
	one, all := t.TempDir(), t.TempDir()
	var lone string
	t.Run("go install .", func(t *testing.T) {
		names := install(t, one, ".")
		if !slices.Equal(names, []string{"tokentray"}) {
			t.Fatalf("installed %v, want tokentray alone", names)
		}
		lone = filepath.Join(one, "tokentray")
		works(t, lone)
	})

	t.Run("go install ./...", func(t *testing.T) {
		names := install(t, all, "./...")
		if want := []string{"tokentray", "tokentray-front", "tokentray-window"}; !slices.Equal(names, want) {
			t.Errorf("installed %v, want %v", names, want)
		}
		works(t, filepath.Join(all, "tokentray-front"))
	})

	t.Run("the tray without its windows", func(t *testing.T) {
		if lone == "" {
			t.Skip("go install . failed")
		}
		cfg, _ := toolsProfile(t, "gi", "", time.Hour)
		d := newDesktop(t, cfg)
		tray, it := d.trayOf(t, lone)
		notes := len(d.host.Notifications())
		it.Click(t, "Settings…")
		n := d.host.WaitNotification(t, notes, "windows are not installed", 5*time.Second)
		if !strings.Contains(n.Body, "tokentray-window") || !strings.Contains(n.Body, "tokentray profiles import FILE") {
			t.Errorf("notification %q / %q", n.Summary, n.Body)
		}
		t.Logf("notification: %s / %s", n.Summary, n.Body)
		testkit.Eventually(t, 5*time.Second, "the tray's output does not say how to install the windows", func() bool {
			return strings.Contains(tray.output(), "go install github.com/tokentray/tokentray/cmd/tokentray-window@latest")
		})
		// Sign out… asks in the menu itself, as where no window can open.
		it.ClickIn(t, "gi", "Sign out of")
		testkit.Eventually(t, 5*time.Second, "Sign out… did not ask in the menu", func() bool {
			return slices.ContainsFunc(it.Menu(t), func(mi testkit.MenuItem) bool { return mi.Visible && mi.Label == "Click again to sign out of gi" })
		})
	})
}
