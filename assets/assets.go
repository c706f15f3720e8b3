// Package assets holds tokentray's icons, embedded in the binary.
package assets

import _ "embed"

//go:generate go run icongen.go

// Icon is the application icon (256×256 PNG).
//
//go:embed icon.png
var Icon []byte

// Tray icons (64×64 PNG; tray hosts take PNG pixmaps, not SVG), one per
// state the tray shows.
var (
	//go:embed tray-valid.png
	TrayValid []byte
	//go:embed tray-refreshing.png
	TrayRefreshing []byte
	//go:embed tray-retrying.png
	TrayRetrying []byte
	//go:embed tray-signedout.png
	TraySignedOut []byte
)
