//go:build unix

package window

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/testkit"
)

// A raise signal while the window is open raises it; one that comes after
// the window closed is remembered, so the program can tell the tray to
// open the window anew (app: TestWindowAskedForWhileItCloses has the
// tray's half).
func TestRaiseOnSignal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	raised := make(chan struct{}, 1)
	askedAgain := raiseOnSignal(ctx, func() { raised <- struct{}{} })
	usr1 := func() {
		t.Helper()
		if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
			t.Fatal(err)
		}
	}
	usr1()
	select {
	case <-raised:
	case <-time.After(5 * time.Second):
		t.Fatal("the open window was not raised")
	}
	if askedAgain() {
		t.Error("a raise of the open window counted as one after it closed")
	}
	cancel() // the window closed
	usr1()
	testkit.Eventually(t, 5*time.Second, "a raise after the window closed was not remembered", askedAgain)
	if len(raised) > 0 {
		t.Error("a closed window was raised")
	}
}
