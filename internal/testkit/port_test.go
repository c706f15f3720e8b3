//go:build linux

package testkit

import (
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// FreePort's ports lie below the kernel's own choices, differ from call to
// call and from process to process, and skip one another program listens
// on.
func TestFreePort(t *testing.T) {
	if os.Getenv("TESTKIT_FREEPORT_CHILD") != "" {
		os.Stdout.WriteString("port " + strconv.Itoa(FreePort(t)) + "\n")
		return
	}
	first, last, err := ephemeralRange()
	if err != nil {
		t.Fatal(err)
	}
	p, q := FreePort(t), FreePort(t)
	for _, port := range []int{p, q} {
		if port >= first && port <= last && (first > portsFrom || last < 65535) {
			t.Errorf("port %d is among the kernel's own choices, %d–%d", port, first, last)
		}
	}
	if p == q {
		t.Errorf("port %d handed out twice", p)
	}
	// The next port in line, taken by a program that is not a test.
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(q+1)))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r := FreePort(t)
	if r == q+1 {
		t.Errorf("port %d handed out while another program listens on it", r)
	}
	// Another test process gets none of the ports this one holds.
	cmd := exec.Command(os.Args[0], "-test.run=^TestFreePort$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TESTKIT_FREEPORT_CHILD=1")
	out, err := Bounded(cmd, time.Minute)
	m := regexp.MustCompile(`port (\d+)`).FindSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("the other process: %v: %s", err, out)
	}
	if other, _ := strconv.Atoi(string(m[1])); other == p || other == q || other == r {
		t.Errorf("the other process got port %d, which this one holds (%d, %d, %d)", other, p, q, r)
	}
}
