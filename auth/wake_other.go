//go:build !linux

package auth

import "errors"

// wallChanges has no event source here: the watcher polls.
func wallChanges(<-chan struct{}, func()) error {
	return errors.New("no wall-clock change events on this system")
}
