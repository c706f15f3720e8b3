package app

import (
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tokentray/tokentray/internal/control"
)

// notifier shows notifications as balloons on the tray icon
// (balloon_windows.go): Windows 10 and 11 show them as toasts, with no
// process started and no window flashing. Only the newest shows, so a
// click acts on the newest: its onClick.
type notifier struct {
	log *slog.Logger

	mu      sync.Mutex // one balloon at a time, with its onClick
	onClick func()
}

func newNotifier(log *slog.Logger) *notifier { return &notifier{log: log} }

// trayWait is how long a notification waits for the tray icon to appear.
const trayWait = 10 * time.Second

// Notify shows summary and body; onClick, if set, runs when the person
// clicks the balloon. topic only picks the balloon's icon and sound: a
// copy is confirmed quietly.
func (n *notifier) Notify(topic, summary, body string, onClick func()) {
	w, err := waitTrayWindow(trayWait)
	if err == nil {
		err = hookBalloonClicks(w, n.clicked)
	}
	if err == nil {
		flags := uint32(niifWarning)
		if strings.HasPrefix(topic, "copy") {
			flags = niifInfo | niifNoSound
		}
		n.mu.Lock()
		n.onClick = onClick
		err = showBalloon(w, control.Printable(summary), control.Printable(body), flags)
		n.mu.Unlock()
	}
	if err != nil {
		n.log.Info("notification not shown", "summary", summary, "err", err)
	}
}

func (n *notifier) clicked() {
	n.mu.Lock()
	f := n.onClick
	n.mu.Unlock()
	if f != nil {
		f()
	}
}

// Close: the balloon goes with the icon.
func (n *notifier) Close() {}
