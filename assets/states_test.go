package assets

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"
)

// The tray's states differ in shape, not in colour alone: seen in grey (as
// by someone who cannot tell green from amber), every two state icons
// still differ clearly at the size a panel shows them.
func TestStatesDifferWithoutColour(t *testing.T) {
	icons := []struct {
		name string
		png  []byte
	}{{"valid", TrayValid}, {"refreshing", TrayRefreshing}, {"retrying", TrayRetrying}, {"signed out", TraySignedOut}}
	grey := func(t *testing.T, b []byte) [][]float64 {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		// 22 px, as panels show them: the mean luminance of each cell.
		const n = 22
		bounds := img.Bounds()
		out := make([][]float64, n)
		for cy := range n {
			out[cy] = make([]float64, n)
			for cx := range n {
				r := image.Rect(bounds.Dx()*cx/n, bounds.Dy()*cy/n, bounds.Dx()*(cx+1)/n, bounds.Dy()*(cy+1)/n)
				var sum float64
				for y := r.Min.Y; y < r.Max.Y; y++ {
					for x := r.Min.X; x < r.Max.X; x++ {
						cr, cg, cb, ca := img.At(x, y).RGBA()
						lin := func(v uint32) float64 {
							s := float64(v) / 0xffff
							if s <= 0.04045 {
								return s / 12.92
							}
							return math.Pow((s+0.055)/1.055, 2.4)
						}
						// over a mid-grey panel
						a := float64(ca) / 0xffff
						sum += a*(0.2126*lin(cr)+0.7152*lin(cg)+0.0722*lin(cb)) + (1-a)*0.2
					}
				}
				out[cy][cx] = sum / float64(r.Dx()*r.Dy())
			}
		}
		return out
	}
	for i := range icons {
		for j := i + 1; j < len(icons); j++ {
			a, b := icons[i], icons[j]
			t.Run(a.name+" vs "+b.name, func(t *testing.T) {
				ga, gb := grey(t, a.png), grey(t, b.png)
				differ := 0
				for y := range ga {
					for x := range ga[y] {
						if math.Abs(ga[y][x]-gb[y][x]) > 0.15 {
							differ++
						}
					}
				}
				// a badge covers about 30 of the 484 cells
				if differ < 15 {
					t.Errorf("in grey at 22 px they differ in %d cells, want at least 15", differ)
				}
			})
		}
	}
}
