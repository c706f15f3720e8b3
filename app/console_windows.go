package app

import (
	"syscall"
	"unsafe"
)

// detachConsole lets go of a console window Windows made just for the tray
// (started from the Run key or Explorer), so none stays open all day. A
// console shared with a shell that started us is kept.
func detachConsole() {
	k := syscall.NewLazyDLL("kernel32.dll")
	list := make([]uint32, 2)
	n, _, _ := k.NewProc("GetConsoleProcessList").Call(uintptr(unsafe.Pointer(&list[0])), 2)
	if n == 1 {
		_, _, _ = k.NewProc("FreeConsole").Call()
	}
}
