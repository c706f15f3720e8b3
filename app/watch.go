package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/tokentray/tokentray/auth"
)

// watchFile reloads the profile file whenever it changes on disk — an edit,
// an import by another program, a file that breaks — so the menu shows it
// within a moment, without any command. It watches the directory: editors
// and tokentray itself replace the file rather than write it in place.
func watchFile(ctx context.Context, sessions *auth.Sessions, log *slog.Logger) {
	dir := filepath.Dir(sessions.Path())
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Warn("profile file: cannot watch", "err", err)
		return
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		log.Warn("profile file: cannot watch", "err", err)
		return
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		log.Warn("profile file: cannot watch", "dir", dir, "err", err)
		return
	}
	name := filepath.Clean(sessions.Path())
	// Several events arrive for one save; reload once they settle.
	const settle = 100 * time.Millisecond
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			log.Warn("profile file: watch", "err", err)
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if filepath.Clean(ev.Name) != name {
				continue
			}
			if timer == nil {
				timer = time.AfterFunc(settle, func() {
					if ch, err := sessions.Reload(); ch.Any() || err != nil {
						log.Debug("profile file reloaded", "added", ch.Added, "changed", ch.Changed, "removed", ch.Removed, "err", err)
					}
				})
			} else {
				timer.Reset(settle)
			}
		}
	}
}
