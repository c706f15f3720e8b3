//go:build !linux && !windows

package app

import "log/slog"

// notifier: on macOS the resident sends no notifications yet (it needs
// the platform's own API, which Fyne reaches only through its driver
// loop); the menu's status line carries the same news.
type notifier struct{ log *slog.Logger }

func newNotifier(log *slog.Logger) *notifier { return &notifier{log: log} }

func (n *notifier) Notify(topic, summary, body string, onClick func()) {
	n.log.Info("notification", "summary", summary)
}

func (n *notifier) Close() {}
