package peer

import (
	"bytes"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

func peerPID(fd int) (int, error) {
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return 0, err
	}
	return int(cred.Pid), nil
}

// describe reads what /proc says of pid; what cannot be read stays zero.
func describe(pid int) Process {
	p := Process{PID: pid}
	if pid <= 0 {
		return p
	}
	dir := "/proc/" + strconv.Itoa(pid)
	p.Exe = exeOf(pid)
	if b, err := os.ReadFile(dir + "/cmdline"); err == nil && len(b) > 0 {
		p.Args = strings.Split(string(bytes.TrimRight(b, "\x00")), "\x00")
	}
	p.Start, p.Session = stat(pid)
	if p.Session > 0 {
		p.SessionStart, _ = stat(p.Session)
	}
	return p
}

// stat is a process's start time and session from /proc/PID/stat.
func stat(pid int) (start uint64, session int) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0
	}
	// "pid (comm) state ppid pgrp session … starttime …": comm may hold
	// spaces and parentheses, so the fields are counted after its last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, 0
	}
	session, _ = strconv.Atoi(f[3])             // field 6
	start, _ = strconv.ParseUint(f[19], 10, 64) // field 22
	return start, session
}

// exeOf is pid's program, "" when it cannot be read.
func exeOf(pid int) string {
	if pid <= 0 {
		return ""
	}
	exe, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	return exe
}
