package peer

import (
	"net"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// The destination is what ssh connects to, whatever options come first.
func TestDestination(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ssh", "devbox"}, "devbox"},
		{[]string{"ssh", "-R", "/home/me/t.sock:/run/user/1000/tokentray/forward.sock", "me@devbox"}, "me@devbox"},
		{[]string{"/usr/bin/ssh", "-i", "key", "-p", "2222", "-o", "BatchMode=yes", "-N", "-R", "a:b", "u@127.0.0.1"}, "u@127.0.0.1"},
		{[]string{"ssh", "-vNR", "a:b", "devbox", "uptime"}, "devbox"},
		{[]string{"ssh", "-p2222", "-oBatchMode=yes", "devbox"}, "devbox"},
		{[]string{"ssh", "-J", "jump", "devbox"}, "devbox"},
		{[]string{"ssh", "--", "devbox"}, "devbox"},
		{[]string{"ssh", "-N"}, ""},
		{nil, ""},
	} {
		if got := (Process{Exe: "/usr/bin/ssh", Args: c.args}).Destination(); got != c.want {
			t.Errorf("Destination(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}

func TestWho(t *testing.T) {
	for _, c := range []struct {
		p    Process
		want string
	}{
		{Process{PID: 7, Exe: "/usr/bin/ssh", Args: []string{"ssh", "-N", "devbox"}}, "ssh devbox"},
		{Process{PID: 7, Exe: "/usr/bin/ssh", Args: []string{"ssh", "-N"}}, "ssh (pid 7)"},
		{Process{PID: 7, Exe: "/usr/bin/tokentray"}, "tokentray (pid 7)"},
		{Process{PID: 7}, "pid 7"},
		{Process{}, ""},
	} {
		if got := c.p.Who(); got != c.want {
			t.Errorf("Who(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}

// An answer is remembered for the ssh client that forwards, else for the
// peer's session; for nothing when neither can be named.
func TestKey(t *testing.T) {
	for _, c := range []struct {
		p    Process
		want string
	}{
		{Process{PID: 7, Start: 100, Exe: "/usr/bin/ssh", Session: 3, SessionStart: 50}, "7/100"},
		{Process{PID: 7, Start: 100, Exe: "/usr/bin/tokentray", Session: 3, SessionStart: 50}, "3/50"},
		{Process{PID: 7, Start: 100, Exe: "/usr/bin/tokentray"}, "7/100"},
		{Process{PID: 7}, ""},
		{Process{}, ""},
	} {
		if got := c.p.Key(); got != c.want {
			t.Errorf("Key(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}

// Of names this very process at the other end of a socket it dials.
func TestOf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux says the peer's program")
	}
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "s"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("unix", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := Of(s)
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	if p.PID != os.Getpid() || p.Exe != exe || p.Start == 0 || len(p.Args) == 0 || p.SSH() || ViaSSH(s) {
		t.Errorf("Of = %+v; want this process (%d, %s), not ssh", p, os.Getpid(), exe)
	}
	if k := p.Key(); k == "" || !Alive(k) {
		t.Errorf("Key %q: this process is not alive by it", k)
	}
	if Alive("999999999/1") || Alive(fmtKey(os.Getpid(), p.Start+1)) || Alive("") {
		t.Error("a process that is not there (or another start time) is alive")
	}
}

func fmtKey(pid int, start uint64) string {
	return Process{PID: pid, Start: start, Exe: "/usr/bin/ssh"}.Key()
}
