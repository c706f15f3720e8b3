// The Windows clipboard as another program reads it. On Linux it runs
// under Wine (8.0 needs the bcryptprimitives.dll stand-in for Go programs):
//
//	GOOS=windows go test -c -o app.test.exe ./app
//	wine app.test.exe -test.run TestClipboardWindows
package app

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"
	"unsafe"

	winapi "golang.org/x/sys/windows"
)

// readClip is the clipboard's text and the data of each privacy format
// (nil where the format is absent), as another program reads them.
func readClip(t *testing.T) (text string, marks map[string][]byte) {
	t.Helper()
	marks = map[string][]byte{}
	err := withClipboard(func() error {
		if u, ok := clipText(); ok {
			text = winapi.UTF16ToString(u)
		}
		for _, name := range privacyFormats {
			id, err := registerFormat(name)
			if err != nil {
				return err
			}
			if r, _, _ := procIsClipboardFormatAvail.Call(id); r == 0 {
				continue
			}
			h, _, _ := procGetClipboardData.Call(id)
			size, _, _ := procGlobalSize.Call(h)
			p, _, _ := procGlobalLock.Call(h)
			if p == 0 {
				return fmt.Errorf("lock %s", name)
			}
			b := make([]byte, size)
			if size > 0 {
				procMoveMemory.Call(uintptr(unsafe.Pointer(&b[0])), p, size)
			}
			procGlobalUnlock.Call(h)
			marks[name] = b
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return text, marks
}

// TestClipboardWindows: the token is on the clipboard with the three
// formats that keep it out of clipboard history and cloud clipboard, is
// cleared after the clear time, and text copied meanwhile is left alone.
func TestClipboardWindows(t *testing.T) {
	var c clipboardOwner
	if err := c.Copy("token-one", time.Second); err != nil {
		t.Fatal(err)
	}
	text, marks := readClip(t)
	if text != "token-one" {
		t.Fatalf("clipboard text %q, want the token", text)
	}
	for _, name := range privacyFormats {
		if b, ok := marks[name]; !ok || len(b) < 4 || binary.LittleEndian.Uint32(b) != 0 {
			t.Errorf("format %s: %v, want a DWORD 0", name, b)
		}
	}
	time.Sleep(2 * time.Second)
	if text, _ := readClip(t); text != "" {
		t.Errorf("not cleared: %q", text)
	}

	if err := c.Copy("token-two", time.Second); err != nil {
		t.Fatal(err)
	}
	// Another program's copy: plain text, no marks.
	mine, _ := winapi.UTF16FromString("mine")
	err := withClipboard(func() error {
		procEmptyClipboard.Call()
		return setData(cfUnicodeText, unsafe.Pointer(&mine[0]), len(mine)*2)
	})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	if text, marks := readClip(t); text != "mine" || len(marks) != 0 {
		t.Errorf("after the clear time: %q %v, want the other program's text kept", text, marks)
	}
}
