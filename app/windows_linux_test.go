package app

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/testkit"
)

// A window asked for again while its program is on its way out (its
// window just closed; it raises nothing) opens anew once that program
// has ended. The window program here is a stand-in — a script that notes
// each start and ends on the raise signal, as a closing window's program
// does — since the real one cannot be made to close at a chosen moment.
func TestWindowAskedForWhileItCloses(t *testing.T) {
	dir := t.TempDir()
	starts := filepath.Join(dir, "starts")
	script := "#!/bin/sh\ntrap 'kill $! 2>/dev/null; exit 0' USR1\necho started >> " + starts + "\nsleep 30 >/dev/null 2>&1 &\nwait\n"
	if err := os.WriteFile(filepath.Join(dir, "tokentray-window"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DISPLAY", ":99") // windows can open; the stand-in needs none
	defer func(was time.Duration) { raiseAfter = was }(raiseAfter)
	raiseAfter = 0
	w := newWindows(filepath.Join(dir, "tokentray"), filepath.Join(dir, "profiles.toml"), io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(w.closeAll)
	count := func() int {
		b, _ := os.ReadFile(starts)
		return strings.Count(string(b), "started")
	}
	w.open("settings", "")
	testkit.Eventually(t, 10*time.Second, "the window program did not start", func() bool { return count() == 1 })
	w.open("settings", "") // raised: the stand-in ends, as a closing window would
	testkit.Eventually(t, 10*time.Second, "the window did not open anew", func() bool { return count() == 2 })
}
