package assets

import (
	"bytes"
	"encoding/binary"
	"image/png"
)

// ICO wraps a PNG in the ICO container Windows loads icons from: fyne.io/
// systray on Windows hands the bytes to LoadImageW(IMAGE_ICON), which
// refuses bare PNG (and the notification area stays empty). Since Windows
// Vista an ICO entry may hold PNG data as is.
func ICO(pngData []byte) []byte {
	cfg, err := png.DecodeConfig(bytes.NewReader(pngData))
	if err != nil {
		return nil
	}
	// ICO stores 256 as 0.
	dim := func(n int) byte {
		if n >= 256 {
			return 0
		}
		return byte(n)
	}
	var b bytes.Buffer
	// ICONDIR: reserved, type 1 (icon), one image.
	_ = binary.Write(&b, binary.LittleEndian, [3]uint16{0, 1, 1})
	// ICONDIRENTRY: width, height, colours, reserved, planes, bits per
	// pixel, size of the data, offset of the data (6 + 16).
	b.Write([]byte{dim(cfg.Width), dim(cfg.Height), 0, 0})
	_ = binary.Write(&b, binary.LittleEndian, [2]uint16{1, 32})
	_ = binary.Write(&b, binary.LittleEndian, [2]uint32{uint32(len(pngData)), 6 + 16})
	b.Write(pngData)
	return b.Bytes()
}
