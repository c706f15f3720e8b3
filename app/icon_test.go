package app

import (
	"bytes"
	"testing"

	"github.com/tokentray/tokentray/assets"
	"github.com/tokentray/tokentray/internal/control"
)

// What the tray hands fyne.io/systray: ICO on Windows for every state (a
// PNG there leaves the notification area empty), the PNG elsewhere.
func TestPlatformIcon(t *testing.T) {
	for _, s := range []control.State{control.Valid, control.Refreshing, control.Retrying, control.SignedOut} {
		png := iconFor(control.View{Profiles: []control.ProfileView{{Name: "w", State: s}}})
		win := platformIcon("windows", png)
		if !bytes.HasPrefix(win, []byte{0, 0, 1, 0, 1, 0}) || !bytes.Equal(win, assets.ICO(png)) {
			t.Errorf("%s on windows: not the ICO of the icon", s)
		}
		if got := platformIcon("linux", png); &got[0] != &png[0] {
			t.Errorf("%s on linux: not the PNG", s)
		}
	}
}
