//go:build linux

package testkit

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// StartXvfb runs a headless X server on a free display for the test and
// returns its DISPLAY value.
func StartXvfb(t testing.TB) string {
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
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
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
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
	return ""
}

// WindowTitles lists the titles of the X windows on display, through
// xwininfo (apt: x11-utils).
func WindowTitles(t testing.TB, display string) []string {
	t.Helper()
	cmd := exec.Command("xwininfo", "-root", "-tree")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.Output()
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
