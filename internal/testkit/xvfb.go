//go:build linux

package testkit

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Xvfb is a headless X server.
type Xvfb struct {
	Display string
	fbdir   string
}

// StartXvfb runs a headless X server on a free display for the test.
func StartXvfb(t testing.TB) *Xvfb {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatal("Xvfb is not installed; run `make test`, which installs it (apt: xvfb)")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// -displayfd: Xvfb picks a free display and writes its number once it
	// accepts connections.
	// -fbdir: the screen is also a file (XWD), for screenshots.
	fbdir := t.TempDir()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-fbdir", fbdir)
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	// Ended as a server should be, so that it removes its lock file and
	// socket: killed outright it leaves them, and two servers starting at
	// once (go test runs packages side by side) could both take the stale
	// display over — a window then opened on the one that went away.
	t.Cleanup(func() { stopGently(cmd, 5*time.Second) })
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatal("Xvfb did not start")
		}
		return &Xvfb{Display: ":" + n, fbdir: fbdir}
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
	return nil
}

// WindowTitles lists the titles of the X windows on display, through
// xwininfo (apt: x11-utils).
func (x *Xvfb) WindowTitles(t testing.TB) []string {
	t.Helper()
	// A window destroyed while xwininfo walks the tree makes it fail
	// (BadWindow): asked again, the tree is whole.
	var out []byte
	var err error
	for range 5 {
		cmd := exec.Command("xwininfo", "-root", "-tree")
		cmd.Env = append(os.Environ(), "DISPLAY="+x.Display)
		cmd.Stderr = io.Discard
		if out, err = Bounded(cmd, 10*time.Second); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("xwininfo: %v (apt: x11-utils)", err)
	}
	var titles []string
	for _, line := range strings.Split(string(out), "\n") {
		if i := strings.Index(line, "\""); i >= 0 {
			if j := strings.Index(line[i+1:], "\""); j >= 0 {
				titles = append(titles, line[i+1:i+1+j])
			}
		}
	}
	return titles
}

// Screenshot captures the window titled title from the screen.
func (x *Xvfb) Screenshot(t testing.TB, title string) image.Image {
	t.Helper()
	cmd := exec.Command("xwininfo", "-name", title)
	cmd.Env = append(os.Environ(), "DISPLAY="+x.Display)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xwininfo -name %q: %v", title, err)
	}
	geo := map[string]int{}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if n, err := strconv.Atoi(strings.TrimSpace(v)); ok && err == nil {
			geo[k] = n
		}
	}
	screen, err := readXWD(filepath.Join(x.fbdir, "Xvfb_screen0"))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	x0, y0 := geo["Absolute upper-left X"], geo["Absolute upper-left Y"]
	r := image.Rect(x0, y0, x0+geo["Width"], y0+geo["Height"])
	return screen.SubImage(r)
}

// Screen captures the whole screen.
func (x *Xvfb) Screen(t testing.TB) *image.RGBA {
	t.Helper()
	img, err := readXWD(filepath.Join(x.fbdir, "Xvfb_screen0"))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return img
}

// readXWD reads the X Window Dump Xvfb keeps of its screen: a big-endian
// header, the window name, a colour map, then the pixels (32 bits per pixel
// at depth 24 here).
func readXWD(path string) (*image.RGBA, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) < 100 {
		return nil, fmt.Errorf("%s: too short for an XWD file", path)
	}
	h := func(i int) int { return int(binary.BigEndian.Uint32(data[i*4:])) }
	headerSize, w, ht, lsb, bpp, stride, ncolors := h(0), h(4), h(5), h(7) == 0, h(11), h(12), h(19)
	if bpp != 32 {
		return nil, fmt.Errorf("%s: %d bits per pixel, want 32", path, bpp)
	}
	pix := data[headerSize+ncolors*12:]
	if len(pix) < stride*ht {
		return nil, fmt.Errorf("%s: truncated", path)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, ht))
	for y := range ht {
		for x := range w {
			p := pix[y*stride+x*4:]
			var v uint32
			if lsb {
				v = binary.LittleEndian.Uint32(p)
			} else {
				v = binary.BigEndian.Uint32(p)
			}
			img.Set(x, y, color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff})
		}
	}
	return img, nil
}
