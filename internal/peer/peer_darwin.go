package peer

import "golang.org/x/sys/unix"

func peerPID(fd int) (int, error) {
	return unix.GetsockoptInt(fd, unix.SOL_LOCAL, unix.LOCAL_PEERPID)
}

// describe: macOS says the process id; its program would take libproc.
func describe(pid int) Process { return Process{PID: pid} }

func exeOf(int) string { return "" }
