//go:build !unix

package window

import (
	"context"

	"fyne.io/fyne/v2"
)

// raiseOnSignal: Windows has no signals to ask for it; a second click on
// the menu item leaves the open window where it is.
func raiseOnSignal(context.Context, fyne.Window) {}
