package app

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"
	"unsafe"

	winapi "golang.org/x/sys/windows"
)

// The Windows clipboard, written here rather than through
// golang.design/x/clipboard: each of its writes (v0.9) leaves a goroutine
// on a locked OS thread polling the clipboard once a second until
// something else is copied — the clear's write too — so the tray would
// wake every second after its first copy. Here nothing runs between a copy
// and its clear, and the clear empties the clipboard.

var (
	user32                     = winapi.NewLazySystemDLL("user32.dll")
	kernel32                   = winapi.NewLazySystemDLL("kernel32.dll")
	procOpenClipboard          = user32.NewProc("OpenClipboard")
	procCloseClipboard         = user32.NewProc("CloseClipboard")
	procEmptyClipboard         = user32.NewProc("EmptyClipboard")
	procSetClipboardData       = user32.NewProc("SetClipboardData")
	procGetClipboardData       = user32.NewProc("GetClipboardData")
	procRegisterClipboardFmtW  = user32.NewProc("RegisterClipboardFormatW")
	procIsClipboardFormatAvail = user32.NewProc("IsClipboardFormatAvailable")
	procGlobalAlloc            = kernel32.NewProc("GlobalAlloc")
	procGlobalFree             = kernel32.NewProc("GlobalFree")
	procGlobalLock             = kernel32.NewProc("GlobalLock")
	procGlobalUnlock           = kernel32.NewProc("GlobalUnlock")
	procGlobalSize             = kernel32.NewProc("GlobalSize")
	// RtlMoveMemory copies between our memory and a global block, so no
	// uintptr from Windows is turned into a Go pointer.
	procMoveMemory = kernel32.NewProc("RtlMoveMemory")
)

const (
	cfUnicodeText = 13
	gmemMoveable  = 0x0002
)

// privacyFormats mark a copy as not for clipboard history or cloud
// clipboard (Windows 10 1809 and later; older Windows ignores them).
// Their data is a DWORD 0, as the formats' documentation asks.
var privacyFormats = []string{
	"ExcludeClipboardContentFromMonitorProcessing",
	"CanIncludeInClipboardHistory",
	"CanUploadToCloudClipboard",
}

func clipInit() error {
	for _, p := range []*winapi.LazyProc{procOpenClipboard, procCloseClipboard, procEmptyClipboard,
		procSetClipboardData, procGetClipboardData, procRegisterClipboardFmtW, procIsClipboardFormatAvail,
		procGlobalAlloc, procGlobalFree, procGlobalLock, procGlobalUnlock, procGlobalSize, procMoveMemory} {
		if err := p.Find(); err != nil {
			return fmt.Errorf("the clipboard API is missing: %w", err)
		}
	}
	return nil
}

// withClipboard runs f with the clipboard open. OpenClipboard and
// CloseClipboard must be called on one thread; another program may hold
// the clipboard for a moment, so opening is retried for a second.
func withClipboard(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	deadline := time.Now().Add(time.Second)
	for {
		r, _, err := procOpenClipboard.Call(0)
		if r != 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("open the clipboard: %w", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	defer procCloseClipboard.Call()
	return f()
}

func clipWrite(text string) error {
	u, err := winapi.UTF16FromString(text)
	if err != nil {
		return errors.New("the text holds a NUL character")
	}
	return withClipboard(func() error {
		if r, _, err := procEmptyClipboard.Call(); r == 0 {
			return fmt.Errorf("empty the clipboard: %w", err)
		}
		// The marks go first: if one cannot be set, the token is not
		// put on the clipboard unmarked.
		zero := []byte{0, 0, 0, 0}
		for _, name := range privacyFormats {
			id, err := registerFormat(name)
			if err == nil {
				err = setData(id, unsafe.Pointer(&zero[0]), len(zero))
			}
			if err != nil {
				return fmt.Errorf("mark the copy %s: %w", name, err)
			}
		}
		if err := setData(cfUnicodeText, unsafe.Pointer(&u[0]), len(u)*2); err != nil {
			_, _, _ = procEmptyClipboard.Call()
			return fmt.Errorf("put the text on the clipboard: %w", err)
		}
		return nil
	})
}

// clipClearIf empties the clipboard if its text is text.
func clipClearIf(text string) {
	want, err := winapi.UTF16FromString(text)
	if err != nil {
		return
	}
	_ = withClipboard(func() error {
		if got, ok := clipText(); ok && slices.Equal(got, want) {
			_, _, _ = procEmptyClipboard.Call()
		}
		return nil
	})
}

// clipText is the clipboard's text as UTF-16 up to and with its NUL; the
// clipboard must be open.
func clipText() ([]uint16, bool) {
	if r, _, _ := procIsClipboardFormatAvail.Call(cfUnicodeText); r == 0 {
		return nil, false
	}
	h, _, _ := procGetClipboardData.Call(cfUnicodeText)
	if h == 0 {
		return nil, false
	}
	size, _, _ := procGlobalSize.Call(h)
	p, _, _ := procGlobalLock.Call(h)
	if p == 0 {
		return nil, false
	}
	defer procGlobalUnlock.Call(h)
	buf := make([]uint16, size/2)
	if len(buf) == 0 {
		return nil, false
	}
	procMoveMemory.Call(uintptr(unsafe.Pointer(&buf[0])), p, uintptr(len(buf)*2))
	if i := slices.Index(buf, 0); i >= 0 {
		return buf[:i+1], true
	}
	return nil, false
}

func registerFormat(name string) (uintptr, error) {
	p, err := winapi.UTF16PtrFromString(name)
	if err != nil {
		return 0, err
	}
	id, _, err := procRegisterClipboardFmtW.Call(uintptr(unsafe.Pointer(p)))
	if id == 0 {
		return 0, fmt.Errorf("register the clipboard format: %w", err)
	}
	return id, nil
}

// setData puts n bytes at data on the open clipboard as format: copied
// into a global block that the clipboard owns once SetClipboardData
// succeeds.
func setData(format uintptr, data unsafe.Pointer, n int) error {
	h, _, err := procGlobalAlloc.Call(gmemMoveable, uintptr(n))
	if h == 0 {
		return fmt.Errorf("allocate: %w", err)
	}
	p, _, err := procGlobalLock.Call(h)
	if p == 0 {
		procGlobalFree.Call(h)
		return fmt.Errorf("lock: %w", err)
	}
	procMoveMemory.Call(p, uintptr(data), uintptr(n))
	procGlobalUnlock.Call(h)
	if r, _, err := procSetClipboardData.Call(format, h); r == 0 {
		procGlobalFree.Call(h)
		return err
	}
	return nil
}
