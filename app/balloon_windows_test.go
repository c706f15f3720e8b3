// Balloons on fyne.io/systray's icon, for real: systray runs in the test
// and Windows (Wine 8.0 here: see clipboard_windows_test.go) answers.
package app

import (
	"bytes"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unsafe"

	"fyne.io/systray"
	winapi "golang.org/x/sys/windows"

	"github.com/tokentray/tokentray/assets"
)

var procPostMessageW = user32.NewProc("PostMessageW")

// TestBalloonWindows: a notification is a balloon on systray's own icon
// (Windows takes the window and id we found), a click on it runs its
// action, and everything else still reaches systray (a click on the icon).
func TestBalloonWindows(t *testing.T) {
	tapped := make(chan struct{}, 1)
	systray.SetOnTapped(func() { tapped <- struct{}{} })
	ready := make(chan struct{})
	go func() {
		// systray's window and its message loop: one thread.
		runtime.LockOSThread()
		systray.Run(func() {
			systray.SetIcon(assets.ICO(assets.TrayValid))
			close(ready)
		}, nil)
	}()
	t.Cleanup(systray.Quit)
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("systray did not start")
	}

	w := trayWindow()
	if w == 0 {
		t.Fatal("systray's window was not found")
	}
	if err := showBalloon(w, "x", "y", niifInfo); err != nil {
		t.Fatalf("a balloon on systray's icon: %v", err)
	}
	// The check can fail: an id that is not systray's icon is refused.
	wrong := notifyIconData{Wnd: winapi.Handle(w), ID: systrayID + 1, Flags: nifInfo}
	wrong.Size = uint32(unsafe.Sizeof(wrong))
	if err := shellNotify(&wrong); err == nil {
		t.Error("a balloon on an icon that does not exist was accepted: the check cannot fail")
	}

	var logs bytes.Buffer
	n := newNotifier(slog.New(slog.NewTextHandler(&logs, nil)))
	clicks := make(chan string, 4)
	n.Notify("signin-work", "Sign-in needed: work", "Click to sign in again.", func() { clicks <- "work" })
	if logs.Len() > 0 {
		t.Fatalf("Notify: %s", logs.String())
	}
	post := func(lParam uintptr) {
		if r, _, err := procPostMessageW.Call(uintptr(w), wmSystray, systrayID, lParam); r == 0 {
			t.Fatal(err)
		}
	}
	post(ninBalloonUserClick)
	select {
	case got := <-clicks:
		if got != "work" {
			t.Errorf("clicked %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a click on the balloon did nothing")
	}

	// A newer balloon without an action: a click on it does nothing.
	n.Notify("copy", "Access token copied.", "Clipboard clears in 1 min.", nil)
	post(ninBalloonUserClick)
	// systray still gets its own messages: a click on the icon.
	const wmLButtonUp = 0x0202
	post(wmLButtonUp)
	select {
	case <-tapped:
	case <-time.After(5 * time.Second):
		t.Fatal("a click on the icon no longer reaches systray")
	}
	select {
	case got := <-clicks:
		t.Errorf("a click on a balloon without an action ran %q's", got)
	default:
	}
	if logs.Len() > 0 {
		t.Errorf("Notify: %s", logs.String())
	}
}

// Balloon texts are cut to what the structure holds, whole characters
// only, always NUL-terminated.
func TestPutUTF16(t *testing.T) {
	for _, c := range []struct {
		in   string
		size int
		want string
	}{
		{"short", 64, "short"},
		{strings.Repeat("a", 70), 64, strings.Repeat("a", 62) + "…"},
		{strings.Repeat("a", 61) + "🔑🔑", 64, strings.Repeat("a", 61) + "…"},
	} {
		dst := make([]uint16, c.size)
		for i := range dst {
			dst[i] = 'z'
		}
		putUTF16(dst, c.in)
		end := 0
		for end < len(dst) && dst[end] != 0 {
			end++
		}
		if end == len(dst) {
			t.Fatalf("%q: no NUL", c.in)
		}
		if got := string(utf16.Decode(dst[:end])); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}
