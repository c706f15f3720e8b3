package testkit

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"testing"
)

// Child is a helper process a test talks to a line at a time — a program
// that copies to the clipboard, say, so that the clipboard changes owner
// as it does between programs. It is killed when the test ends.
type Child struct {
	in  io.Writer
	out *bufio.Reader
}

// StartChild starts cmd with its standard input and output for the test.
func StartChild(t testing.TB, cmd *exec.Cmd) *Child {
	t.Helper()
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return &Child{in: in, out: bufio.NewReader(out)}
}

// Send writes line to the child.
func (c *Child) Send(line string) { fmt.Fprintln(c.in, line) }

// Expect reads the child's next line and fails the test unless it is want.
func (c *Child) Expect(t testing.TB, want string) {
	t.Helper()
	if line, err := c.out.ReadString('\n'); err != nil || line != want+"\n" {
		t.Fatalf("helper process: %q %v, want %q", line, err, want)
	}
}
