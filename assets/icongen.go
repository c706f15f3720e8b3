//go:build ignore

// icongen draws assets/icon.png: a white key on a blue rounded square,
// legible at tray sizes. Run: go generate ./assets
package main

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

// A key on a rounded square, drawn with signed distances and 4x4 supersampling.
func main() {
	const n = 256
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	bg := color.NRGBA{0x1f, 0x6f, 0xeb, 0xff}
	fg := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	inside := func(x, y float64) (bool, bool) {
		// rounded square
		r := 48.0
		dx := math.Max(math.Abs(x-128)-(128-r-8), 0)
		dy := math.Max(math.Abs(y-128)-(128-r-8), 0)
		inBG := dx*dx+dy*dy <= r*r
		// key: ring at (92,128) outer 44 inner 20, shaft to x=200, teeth
		d := math.Hypot(x-92, y-128)
		key := (d <= 44 && d >= 20) ||
			(x >= 128 && x <= 204 && y >= 116 && y <= 140) ||
			(x >= 172 && x <= 186 && y >= 140 && y <= 170) ||
			(x >= 192 && x <= 204 && y >= 140 && y <= 162)
		return inBG, key
	}
	for py := 0; py < n; py++ {
		for px := 0; px < n; px++ {
			var a, k float64
			for sy := 0; sy < 4; sy++ {
				for sx := 0; sx < 4; sx++ {
					b, kk := inside(float64(px)+(float64(sx)+.5)/4, float64(py)+(float64(sy)+.5)/4)
					if b {
						a++
						if kk {
							k++
						}
					}
				}
			}
			if a == 0 {
				continue
			}
			f := k / a
			c := color.NRGBA{
				uint8(float64(bg.R)*(1-f) + float64(fg.R)*f),
				uint8(float64(bg.G)*(1-f) + float64(fg.G)*f),
				uint8(float64(bg.B)*(1-f) + float64(fg.B)*f),
				uint8(255 * a / 16),
			}
			img.SetNRGBA(px, py, c)
		}
	}
	f, _ := os.Create(os.Args[1])
	png.Encode(f, img)
	f.Close()
}
