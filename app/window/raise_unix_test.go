//go:build unix

package window

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// A raise signal while the window is open raises it; one that comes after
// the window closed is remembered, so the program can tell the tray to
// open the window anew (app: TestWindowAskedForWhileItCloses has the
// tray's half).
func TestRaiseOnSignal(t *testing.T) {
	// seen: the test's own ear for SIGUSR1. Once it has heard a signal
	// and askedAgain has stopped listening, raiseOnSignal has heard it too.
	seen := make(chan os.Signal, 1)
	signal.Notify(seen, syscall.SIGUSR1)
	defer signal.Stop(seen)
	usr1 := func() {
		t.Helper()
		if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
			t.Fatal(err)
		}
		select {
		case <-seen:
		case <-time.After(10 * time.Second):
			t.Fatal("SIGUSR1 never arrived")
		}
	}
	for _, c := range []struct {
		name       string
		whileOpen  bool // a signal while the window is open
		afterClose bool // a signal after it closed
	}{
		{"raised while open, then closed", true, false},
		{"asked for after it closed", false, true},
		{"both", true, true},
		{"neither", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			raised := make(chan struct{}, 4)
			askedAgain := raiseOnSignal(ctx, func() { raised <- struct{}{} })
			if c.whileOpen {
				usr1()
				select {
				case <-raised:
				case <-time.After(10 * time.Second):
					t.Fatal("the open window was not raised")
				}
			}
			cancel() // the window closed
			if c.afterClose {
				usr1()
			}
			if got := askedAgain(); got != c.afterClose {
				t.Errorf("asked again %t, want %t", got, c.afterClose)
			}
			if askedAgain() != c.afterClose {
				t.Error("a second look said otherwise")
			}
			if len(raised) > 0 {
				t.Error("a closed window was raised")
			}
		})
	}
}
