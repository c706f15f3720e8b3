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
//
// The display is one no other test holds: each number from 100 up is
// taken with an exclusive lock of ours, held until the test ends, before
// Xvfb is asked to serve it. Xvfb's own choice (-displayfd) was not
// enough: two servers starting at once, as go test starts packages side
// by side, could both take over a display a killed server had left, and a
// window then opened on the one that went away ("Failed to open display").
// Numbers from 100 leave the low ones to sway's XWayland and the desktop.
func StartXvfb(t testing.TB) *Xvfb {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatal("Xvfb is not installed; run `make test`, which installs it (apt: xvfb)")
	}
	fbdir := t.TempDir() // -fbdir: the screen is also a file (XWD), for screenshots
	for n := 100; n < 400; n++ {
		lock, ok := reserve(fmt.Sprintf("X%d", n))
		if !ok {
			continue
		}
		// Released after the server has stopped: cleanups run last first.
		t.Cleanup(func() { lock.Close() })
		if x, ok := startXvfbOn(t, n, fbdir); ok {
			return x
		}
		lock.Close()
	}
	t.Fatal("Xvfb did not start on any display from :100 to :399")
	return nil
}

// startXvfbOn starts Xvfb on display n; false when it does not come up
// there (another X server has the display).
func startXvfbOn(t testing.TB, n int, fbdir string) (*Xvfb, bool) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// -displayfd with a display given: Xvfb writes the number once it
	// accepts connections, and exits if the display is taken.
	cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-fbdir", fbdir)
	cmd.ExtraFiles = []*os.File{w}
	// What the server says, for a test that fails: a window that could not
	// open the display ("Failed to open display") is otherwise a mystery.
	logPath := filepath.Join(fbdir, "Xvfb.log")
	if f, err := os.Create(logPath); err == nil {
		cmd.Stdout, cmd.Stderr = f, f
		defer f.Close()
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case s := <-got:
		if s != strconv.Itoa(n) {
			stopGently(cmd, 5*time.Second)
			return nil, false
		}
	case <-time.After(20 * time.Second):
		stopGently(cmd, 5*time.Second)
		t.Fatal("Xvfb did not start within 20 s")
	}
	// Ended as a server should be, so that it removes its lock file and
	// socket.
	t.Cleanup(func() { stopGently(cmd, 5*time.Second) })
	x := &Xvfb{Display: fmt.Sprintf(":%d", n), fbdir: fbdir}
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("Xvfb %s said:\n%s", x.Display, b)
		}
	})
	// Serving, not only listening: a client's first request is answered
	// before any test opens a window on it.
	if !Poll(10*time.Second, func() bool {
		probe := exec.Command("xwininfo", "-root")
		probe.Env = append(os.Environ(), "DISPLAY="+x.Display)
		_, err := Bounded(probe, 5*time.Second)
		return err == nil
	}) {
		t.Fatalf("Xvfb %s accepts no client", x.Display)
	}
	return x, true
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

// Settled captures the window titled title once it has drawn itself:
// three captures in a row, a quarter of a second apart, differ in less
// than 3 % of their pixels (a progress bar may still move) and show more
// than a blank. It replaces a fixed wait "to let it draw", which is too
// short on a loaded machine and too long on an idle one.
func (x *Xvfb) Settled(t testing.TB, title string) image.Image {
	t.Helper()
	var img image.Image
	calm := 0
	Eventually(t, 20*time.Second, "the window "+title+" never settled", func() bool {
		next := x.Screenshot(t, title)
		if img != nil && nearlySame(img, next) && colours(next) >= 20 {
			calm++
		} else {
			calm = 0
		}
		img = next
		if calm < 2 {
			time.Sleep(250 * time.Millisecond)
		}
		return calm >= 2
	})
	return img
}

// nearlySame: the same size, and less than 3 % of the pixels differ.
func nearlySame(a, b image.Image) bool {
	ra, rb := a.Bounds(), b.Bounds()
	if ra.Dx() != rb.Dx() || ra.Dy() != rb.Dy() || ra.Dx() == 0 {
		return false
	}
	differ := 0
	for y := 0; y < ra.Dy(); y++ {
		for x := 0; x < ra.Dx(); x++ {
			if a.At(ra.Min.X+x, ra.Min.Y+y) != b.At(rb.Min.X+x, rb.Min.Y+y) {
				differ++
			}
		}
	}
	return differ*100 < 3*ra.Dx()*ra.Dy()
}

// colours counts the distinct colours of img, on every other pixel.
func colours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			seen[[3]uint32{cr, cg, cb}] = true
		}
	}
	return len(seen)
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
