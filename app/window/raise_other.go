//go:build !unix

package window

import "context"

// raiseOnSignal: Windows has no signals to ask for it; a second click on
// the menu item leaves the open window where it is.
func raiseOnSignal(context.Context, func()) (askedAgain func() bool) {
	return func() bool { return false }
}
