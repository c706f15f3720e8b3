package app

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"
	"unsafe"

	winapi "golang.org/x/sys/windows"
)

// Balloons on fyne.io/systray's own notification icon. Windows knows an
// icon by its window and id, so Shell_NotifyIconW(NIM_MODIFY, NIF_INFO) with
// systray's pair shows a balloon (a toast on Windows 10 and 11) on the very
// icon, without a second icon and without touching systray's state: its
// own later NIM_MODIFY calls leave NIF_INFO out. What systray v1.12.2 uses
// (systray_windows.go, initInstance; TestBalloonWindows fails if an
// upgrade changes them):
const (
	systrayClass = "SystrayClass" // its window class
	systrayID    = 100            // its icon's uID
	// Its callback message, WM_USER+1; a click on a balloon arrives there
	// with lParam NIN_BALLOONUSERCLICK.
	wmSystray = 0x0400 + 1
)

const (
	nimModify = 0x1
	nifInfo   = 0x10

	niifInfo    = 0x1
	niifWarning = 0x2
	niifNoSound = 0x10

	ninBalloonUserClick = 0x0400 + 5

	gwlpWndProc = ^uintptr(3) // GWLP_WNDPROC, -4
)

var (
	shell32               = winapi.NewLazySystemDLL("shell32.dll")
	procShellNotifyIconW  = shell32.NewProc("Shell_NotifyIconW")
	procFindWindowExW     = user32.NewProc("FindWindowExW")
	procGetWindowLongPtrW = user32.NewProc("GetWindowLongPtrW")
	procSetWindowLongPtrW = user32.NewProc("SetWindowLongPtrW")
	procCallWindowProcW   = user32.NewProc("CallWindowProcW")
)

// notifyIconData is NOTIFYICONDATAW (shellapi.h), as systray declares it.
type notifyIconData struct {
	Size                       uint32
	Wnd                        winapi.Handle
	ID, Flags, CallbackMessage uint32
	Icon                       winapi.Handle
	Tip                        [128]uint16
	State, StateMask           uint32
	Info                       [256]uint16
	Timeout                    uint32 // also uVersion
	InfoTitle                  [64]uint16
	InfoFlags                  uint32
	GuidItem                   winapi.GUID
	BalloonIcon                winapi.Handle
}

// trayWindow is systray's window in this process, or 0 while there is
// none yet. Other programs built with systray have one of the same class.
func trayWindow() winapi.HWND {
	class, _ := winapi.UTF16PtrFromString(systrayClass)
	me := winapi.GetCurrentProcessId()
	var after uintptr
	for {
		h, _, _ := procFindWindowExW.Call(0, after, uintptr(unsafe.Pointer(class)), 0)
		if h == 0 {
			return 0
		}
		var pid uint32
		if _, err := winapi.GetWindowThreadProcessId(winapi.HWND(h), &pid); err == nil && pid == me {
			return winapi.HWND(h)
		}
		after = h
	}
}

// showBalloon shows title and text on the icon of window w.
func showBalloon(w winapi.HWND, title, text string, flags uint32) error {
	nid := notifyIconData{Wnd: winapi.Handle(w), ID: systrayID, Flags: nifInfo, InfoFlags: flags}
	nid.Size = uint32(unsafe.Sizeof(nid))
	putUTF16(nid.InfoTitle[:], title)
	putUTF16(nid.Info[:], text)
	return shellNotify(&nid)
}

// shellNotify modifies the icon nid names.
func shellNotify(nid *notifyIconData) error {
	if r, _, err := procShellNotifyIconW.Call(nimModify, uintptr(unsafe.Pointer(nid))); r == 0 {
		return fmt.Errorf("Shell_NotifyIcon: %w", err)
	}
	return nil
}

// putUTF16 copies s into dst NUL-terminated, cut with an ellipsis where
// it is too long (a balloon title holds 63 UTF-16 units, its text 255).
func putUTF16(dst []uint16, s string) {
	u := utf16.Encode([]rune(s))
	if len(u) > len(dst)-1 {
		n := len(dst) - 2
		if u[n-1] >= 0xd800 && u[n-1] < 0xdc00 {
			n-- // a high surrogate: no half a character
		}
		u = append(u[:n:n], '…')
	}
	copy(dst, u)
	dst[len(u)] = 0
}

// balloonHook subclasses systray's window once, to hear of clicks on a
// balloon, which systray itself ignores: every message still goes on to
// systray's window procedure. One callback only: Go cannot free them.
type balloonHook struct {
	once    sync.Once
	err     error
	old     atomic.Uintptr // systray's window procedure
	mu      sync.Mutex
	clicked func()
}

var balloonClicks balloonHook

func hookBalloonClicks(w winapi.HWND, clicked func()) error {
	b := &balloonClicks
	b.mu.Lock()
	b.clicked = clicked
	b.mu.Unlock()
	b.once.Do(func() {
		proc := winapi.NewCallback(func(hwnd, msg, wParam, lParam uintptr) uintptr {
			// NOTIFYICON_VERSION (systray's) puts the event in lParam.
			if msg == wmSystray && wParam == systrayID && lParam&0xffff == ninBalloonUserClick {
				b.fire()
			}
			r, _, _ := procCallWindowProcW.Call(b.old.Load(), hwnd, msg, wParam, lParam)
			return r
		})
		// Read first: a message may come the moment ours is set.
		old, _, err := procGetWindowLongPtrW.Call(uintptr(w), gwlpWndProc)
		if old == 0 {
			b.err = fmt.Errorf("GetWindowLongPtr: %w", err)
			return
		}
		b.old.Store(old)
		if r, _, err := procSetWindowLongPtrW.Call(uintptr(w), gwlpWndProc, proc); r == 0 {
			b.err = fmt.Errorf("SetWindowLongPtr: %w", err)
		}
	})
	return b.err
}

func (b *balloonHook) fire() {
	b.mu.Lock()
	f := b.clicked
	b.mu.Unlock()
	if f != nil {
		// Not on systray's window thread: the action may take a while.
		go f()
	}
}

// errNoTray: systray's icon did not appear in time.
var errNoTray = errors.New("no tray icon to show it on")

// waitTrayWindow waits up to d for systray's window: a notification may
// come before the tray is up (a sign-in needed at start).
func waitTrayWindow(d time.Duration) (winapi.HWND, error) {
	deadline := time.Now().Add(d)
	for {
		if w := trayWindow(); w != 0 {
			return w, nil
		}
		if time.Now().After(deadline) {
			return 0, errNoTray
		}
		time.Sleep(100 * time.Millisecond)
	}
}
