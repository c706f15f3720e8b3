// Package assets holds tokentray's icons, embedded in the binary.
package assets

import _ "embed"

//go:generate go run icongen.go icon.png

// Icon is the application icon (256×256 PNG).
//
//go:embed icon.png
var Icon []byte
