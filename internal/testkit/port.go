//go:build linux

package testkit

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// The ports FreePort hands out: a block below the kernel's ephemeral range
// (ip_local_port_range, 32768–60999 by default), which the kernel never
// gives a socket by itself.
const portsFrom, portsTo = 20000, 30000

// heldPorts keeps the locks of the ports handed out open (an os.File closes
// itself when collected), so that each stays this process's until it ends.
var heldPorts struct {
	sync.Mutex
	locks []*os.File
}

// FreePort is a loopback TCP port for a server the test starts later — a
// sign-in callback, sshd, a port doctor checks. A port a listener on :0
// was given and closed again is free only for a moment: the kernel hands
// it to the next socket that asks, and Chromium and the packages go test
// runs side by side ask all the time. The ports here come from outside the
// ephemeral range, are reserved against other test processes (and later
// calls) for the life of this one, and were bound once, on 127.0.0.1 and
// ::1, to see that no other program has them.
func FreePort(t testing.TB) int {
	t.Helper()
	first, last, err := ephemeralRange()
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	// Below the range, or above it where a machine's range starts low
	// (1024–65535 leaves nothing; then the kernel's picks may collide, and
	// the bind check is the only guard).
	blocks := [][2]int{{portsFrom, min(portsTo, first)}, {max(last+1, 61000), 65536}}
	if first <= portsFrom && last >= 65535 {
		blocks = append(blocks, [2]int{portsFrom, portsTo})
	}
	for _, b := range blocks {
		for p := b[0]; p < b[1]; p++ {
			lock, ok := reserve(fmt.Sprintf("port%d", p))
			if !ok {
				continue
			}
			if !bindable(p) {
				lock.Close()
				continue
			}
			heldPorts.Lock()
			heldPorts.locks = append(heldPorts.locks, lock)
			heldPorts.Unlock()
			return p
		}
	}
	t.Fatalf("no free port outside the kernel's ephemeral ports (%d–%d; /proc/sys/net/ipv4/ip_local_port_range)", first, last)
	return 0
}

// ephemeralRange is the range the kernel picks ports from by itself.
func ephemeralRange() (first, last int, err error) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("ip_local_port_range reads %q", b)
	}
	if first, err = strconv.Atoi(f[0]); err == nil {
		last, err = strconv.Atoi(f[1])
	}
	return first, last, err
}

// bindable tells whether port p can be listened on, on 127.0.0.1 and, where
// the machine has it, ::1: a localhost callback listens on both.
func bindable(p int) bool {
	for _, host := range []string{"127.0.0.1", "::1"} {
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			if host == "::1" && !errors.Is(err, syscall.EADDRINUSE) {
				continue // no IPv6 loopback here
			}
			return false
		}
		l.Close()
	}
	return true
}
