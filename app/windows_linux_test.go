package app

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/testkit"
)

// A window asked for again while its program is on its way out (its
// window just closed; it raises nothing, and says so by its exit code)
// opens anew once that program has ended; one raised and then closed by
// the person stays closed. The window program here is a stand-in — a
// script that notes each start and ends on the raise signal as the real
// one would — since the real one cannot be made to close at a chosen
// moment (app/window: TestRaiseOnSignal has the real program's half).
func TestWindowAskedForWhileItCloses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		exit   int // the stand-in's, on the raise signal
		starts int
	}{
		{"asked for as it closed, it opens anew", control.ExitShowAgain, 2},
		{"raised, then closed, it stays closed", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			starts := filepath.Join(dir, "starts")
			script := fmt.Sprintf("#!/bin/sh\ntrap 'kill $! 2>/dev/null; exit %d' USR1\necho started >> %s\nsleep 30 >/dev/null 2>&1 &\nwait\n", tc.exit, starts)
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
			w.open("settings", "") // raised: the stand-in ends
			// The first program ended and was followed up: either a second
			// runs, or none does.
			testkit.Eventually(t, 10*time.Second, "the window program did not end", func() bool {
				w.mu.Lock()
				defer w.mu.Unlock()
				p := w.procs["settings"]
				return p == nil || count() == 2
			})
			testkit.Eventually(t, 10*time.Second, fmt.Sprintf("want %d starts", tc.starts), func() bool { return count() == tc.starts })
			if tc.starts == 1 {
				w.mu.Lock()
				defer w.mu.Unlock()
				if p := w.procs["settings"]; p != nil {
					t.Errorf("a window program runs again, want none")
				}
			}
		})
	}
}
