//go:build unix

package window

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
)

// raiseOnSignal brings w to the front on SIGUSR1 until ctx ends: the tray
// sends it (app: raise) when the person asks again for a window that is
// open already, behind others say. Before this runs, the signal is ignored
// (Go's default for SIGUSR1), never fatal.
func raiseOnSignal(ctx context.Context, w fyne.Window) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	go func() {
		defer signal.Stop(ch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
				fyne.Do(func() {
					w.Show()
					w.RequestFocus()
				})
			}
		}
	}()
}
