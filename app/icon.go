package app

import (
	"sync"

	"github.com/tokentray/tokentray/assets"
)

// icons caches each tray icon in the form the platform wants.
var icons sync.Map // *byte (the PNG's first byte) → []byte

// platformIcon is a tray icon as fyne.io/systray wants it on goos: ICO on
// Windows (it loads icons with LoadImageW, which refuses PNG), PNG
// elsewhere (D-Bus pixmaps, NSImage).
func platformIcon(goos string, png []byte) []byte {
	if goos != "windows" || len(png) == 0 {
		return png
	}
	if ico, ok := icons.Load(&png[0]); ok {
		return ico.([]byte)
	}
	ico := assets.ICO(png)
	icons.Store(&png[0], ico)
	return ico
}
