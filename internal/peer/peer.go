// Package peer says what it can of the process at the other end of a
// Unix socket: its process id, its program and command line, when it
// started. The tray uses it on its forwarding socket to say who asks
// ("ssh devbox") and to remember an answer for as long as the asking
// connection lasts, and on its control socket to notice a forwarded one.
//
// None of this is a security boundary by itself: a program of the same
// user can look like anything. The rule the tray enforces is which socket
// a request came in on (see control.ForwardSocketPath); this package only
// names what asks, and catches the mistake of forwarding the wrong socket.
package peer

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
)

// Process is the peer of a connection, as far as the OS says: Linux says
// all of it, macOS the process id, other systems nothing.
type Process struct {
	PID int
	// Exe is the path of its program, "" when unknown.
	Exe string
	// Args is its command line, nil when unknown.
	Args []string
	// Start is when it started (Linux: clock ticks since boot), 0 when
	// unknown: with PID, it names the process even after its id is reused.
	Start uint64
	// Session is its session id, and SessionStart when that session's
	// leader started; 0 when unknown.
	Session      int
	SessionStart uint64
}

// Of is the peer process of c, a Unix socket connection.
func Of(c net.Conn) (Process, error) {
	pid, err := pidOf(c)
	if err != nil {
		return Process{}, err
	}
	return describe(pid), nil
}

// ViaSSH tells whether c's peer is OpenSSH's client, reading no more than
// it must (the control socket asks it of every connection): false where
// the OS does not say.
func ViaSSH(c net.Conn) bool {
	pid, err := pidOf(c)
	return err == nil && isSSH(exeOf(pid))
}

func pidOf(c net.Conn) (int, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return 0, fmt.Errorf("not a unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return 0, err
	}
	var pid int
	var perr error
	if err := raw.Control(func(fd uintptr) { pid, perr = peerPID(int(fd)) }); err != nil {
		return 0, err
	}
	return pid, perr
}

// SSH tells whether the peer is OpenSSH's client. A connection it makes
// to a socket here comes from the other end of an `ssh -R` forward (or a
// multiplexed master that carries one).
func (p Process) SSH() bool { return isSSH(p.Exe) }

func isSSH(exe string) bool { return exe != "" && filepath.Base(exe) == "ssh" }

// sshValueFlags are ssh(1)'s options that take a value.
const sshValueFlags = "BbcDEeFIiJLlmOoPpQRSWw"

// Destination is the destination an ssh client was given ("devbox",
// "me@devbox.example"), "" when its command line does not show one.
func (p Process) Destination() string {
	args := p.Args
	if len(args) > 0 {
		args = args[1:]
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			return a
		}
		// A cluster of flags, the last of which may take a value: -vR x,
		// -p2222, -oBatchMode=yes.
		for j := 1; j < len(a); j++ {
			if strings.IndexByte(sshValueFlags, a[j]) >= 0 {
				if j == len(a)-1 {
					i++ // the value is the next argument
				}
				break
			}
		}
	}
	return ""
}

// Who says what asks, for a person: "ssh devbox" for a forwarded
// request, else the program and its process id; "" when nothing is known.
func (p Process) Who() string {
	switch {
	case p.SSH() && p.Destination() != "":
		return "ssh " + p.Destination()
	case p.Exe != "":
		return fmt.Sprintf("%s (pid %d)", filepath.Base(p.Exe), p.PID)
	case p.PID > 0:
		return fmt.Sprintf("pid %d", p.PID)
	}
	return ""
}

// Key names what an answer to this peer holds for: the ssh client that
// forwards (one per connection), else the peer's session — a container's
// or a terminal's — so that every process of one does not ask again; ""
// when the OS says too little to name either, and nothing is remembered.
func (p Process) Key() string {
	switch {
	case p.PID > 0 && p.Start > 0 && (p.SSH() || p.Session <= 0 || p.SessionStart == 0):
		return fmt.Sprintf("%d/%d", p.PID, p.Start)
	case p.Session > 0 && p.SessionStart > 0:
		return fmt.Sprintf("%d/%d", p.Session, p.SessionStart)
	}
	return ""
}

// Alive tells whether the process a Key names still runs: an answer ends
// with the connection (or session) it was given to.
func Alive(key string) bool {
	var pid int
	var start uint64
	if _, err := fmt.Sscanf(key, "%d/%d", &pid, &start); err != nil || pid <= 0 {
		return false
	}
	p := describe(pid)
	return p.Start == start
}
