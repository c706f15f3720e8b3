//go:build ignore

// icongen draws tokentray's icons: a white key on a rounded square. The
// application icon is blue; the four tray icons differ in colour and in
// shape — a badge or a hollow key — so the state reads at 22 px on light
// and dark panels alike (a filled square with a white key has contrast on
// both), and without telling green from amber (their luminance is the
// same: the offline icon carries an exclamation mark). Run: go generate ./assets
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

type icon struct {
	file string
	size int
	bg   color.NRGBA
	// badge is drawn in the lower right corner: "" none, "dot", "arrows",
	// "bang" (an exclamation mark).
	badge string
	// hollow draws the key as an outline: no token held.
	hollow bool
}

var (
	blue  = color.NRGBA{0x1f, 0x6f, 0xeb, 0xff}
	green = color.NRGBA{0x1a, 0x7f, 0x37, 0xff}
	amber = color.NRGBA{0xb3, 0x5c, 0x00, 0xff}
	grey  = color.NRGBA{0x5f, 0x63, 0x68, 0xff}
	red   = color.NRGBA{0xd9, 0x1e, 0x18, 0xff}
	white = color.NRGBA{0xff, 0xff, 0xff, 0xff}
)

func main() {
	for _, ic := range []icon{
		{file: "icon.png", size: 256, bg: blue},
		{file: "tray-valid.png", size: 64, bg: green},
		{file: "tray-refreshing.png", size: 64, bg: green, badge: "arrows"},
		{file: "tray-retrying.png", size: 64, bg: amber, badge: "bang"},
		{file: "tray-signedout.png", size: 64, bg: grey, badge: "dot", hollow: true},
	} {
		if err := write(ic); err != nil {
			log.Fatal(err)
		}
	}
}

// shade says what covers the point (x, y) of a 256-unit canvas.
func shade(ic icon, x, y float64) (c color.NRGBA, covered bool) {
	r := 48.0
	dx := math.Max(math.Abs(x-128)-(128-r-8), 0)
	dy := math.Max(math.Abs(y-128)-(128-r-8), 0)
	if dx*dx+dy*dy > r*r {
		return c, false
	}
	// badge: a circle of radius 46 at (196, 196) with a white rim
	if ic.badge != "" {
		d := math.Hypot(x-196, y-196)
		switch {
		case d <= 38 && ic.badge == "dot":
			return red, true
		case d <= 38 && ic.badge == "arrows":
			// a white ring with a gap: "in progress"
			a := math.Atan2(y-196, x-196)
			if d >= 18 && d <= 30 && !(a > 0 && a < 1.2) && !(a < -math.Pi+1.2) {
				return white, true
			}
			return blue, true
		case d <= 38 && ic.badge == "bang":
			// a white exclamation mark on black: "needs attention"
			if (math.Abs(x-196) <= 6 && y >= 170 && y <= 204) || math.Hypot(x-196, y-216) <= 6.5 {
				return white, true
			}
			return color.NRGBA{0x20, 0x20, 0x20, 0xff}, true
		case d <= 46:
			return white, true
		}
	}
	d := math.Hypot(x-92, y-128)
	key := (d <= 44 && d >= 20) ||
		(x >= 128 && x <= 204 && y >= 116 && y <= 140) ||
		(x >= 172 && x <= 186 && y >= 140 && y <= 170) ||
		(x >= 192 && x <= 204 && y >= 140 && y <= 162)
	if key && ic.hollow {
		// keep a 10-unit rim of the key only
		in := (d <= 34 && d >= 30) || (x >= 138 && x <= 194 && y >= 126 && y <= 130)
		key = !in
	}
	if key {
		return white, true
	}
	return ic.bg, true
}

func write(ic icon) error {
	n := ic.size
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	scale := 256 / float64(n)
	for py := 0; py < n; py++ {
		for px := 0; px < n; px++ {
			var r, g, b, a float64
			for sy := 0; sy < 4; sy++ {
				for sx := 0; sx < 4; sx++ {
					c, ok := shade(ic, (float64(px)+(float64(sx)+.5)/4)*scale, (float64(py)+(float64(sy)+.5)/4)*scale)
					if ok {
						r, g, b, a = r+float64(c.R), g+float64(c.G), b+float64(c.B), a+1
					}
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(255 * a / 16)})
		}
	}
	f, err := os.Create(ic.file)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
