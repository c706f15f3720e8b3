//go:build linux

package testkit

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Sway is a headless Wayland compositor (sway, on wlroots): a real Wayland
// session with the data-control protocol that clipboard tools and
// clipboard managers use, and no X server of its own (XWayland is off, so
// nothing reaches the clipboard through X).
type Sway struct {
	// RuntimeDir holds the compositor's socket; Display names it.
	RuntimeDir, Display string
}

// Env is what a client needs to reach the compositor.
func (s *Sway) Env() []string {
	return []string{"XDG_RUNTIME_DIR=" + s.RuntimeDir, "WAYLAND_DISPLAY=" + s.Display}
}

// StartSway runs sway headless for the test (apt: sway).
func StartSway(t testing.TB) *Sway {
	t.Helper()
	if _, err := exec.LookPath("sway"); err != nil {
		t.Fatal("sway is not installed; run `make test`, which installs it (apt: sway)")
	}
	// sway refuses to run as root, so as root it runs as nobody; its
	// runtime dir is then nobody's, outside the test's root-only temp dir.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			t.Fatalf("sway cannot run as root and there is no user nobody: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
	}
	run, err := os.MkdirTemp("", "sway-run-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(run) })
	config := filepath.Join(run, "config")
	if err := os.WriteFile(config, []byte("xwayland disable\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if cred != nil {
		for _, p := range []string{run, config} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				t.Fatal(err)
			}
		}
	}
	log, err := os.Create(filepath.Join(t.TempDir(), "sway.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command("sway", "-c", config)
	// Headless, no input devices, software rendering: no GPU, seat or
	// logind needed.
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + run,
		"XDG_RUNTIME_DIR=" + run,
		"WLR_BACKENDS=headless",
		"WLR_LIBINPUT_NO_DEVICES=1",
		"WLR_RENDERER=pixman",
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sway: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	// sway names its socket wayland-N after the first free N; it is ready
	// once the socket exists.
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, _ := os.ReadDir(run)
		for _, e := range entries {
			if n := e.Name(); strings.HasPrefix(n, "wayland-") && !strings.HasSuffix(n, ".lock") && e.Type()&os.ModeSocket != 0 {
				return &Sway{RuntimeDir: run, Display: n}
			}
		}
		select {
		case <-exited:
			out, _ := os.ReadFile(log.Name())
			t.Fatalf("sway exited at start:\n%s", out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("sway did not open its socket within 20 s")
		}
	}
}
