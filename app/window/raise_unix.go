//go:build unix

package window

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
)

// raiseOnSignal calls raise (bring the window to the front) on SIGUSR1
// while ctx lasts: the tray sends it (app: raise) when the person asks
// again for a window that is open already, behind others say. Before this
// runs, the signal is ignored (Go's default for SIGUSR1), never fatal.
//
// A signal after ctx ended came as the window closed: it raised nothing.
// askedAgain, called once the window is gone, stops listening and tells
// whether one came, so that the program can say so
// (control.ExitShowAgain) and the tray open the window anew.
func raiseOnSignal(ctx context.Context, raise func()) (askedAgain func() bool) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	var again atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range ch {
			if ctx.Err() != nil {
				again.Store(true)
				continue
			}
			raise()
		}
	}()
	return sync.OnceValue(func() bool {
		// Nothing is sent on ch once Stop returns: every signal that came
		// is counted when done closes.
		signal.Stop(ch)
		close(ch)
		<-done
		return again.Load()
	})
}
