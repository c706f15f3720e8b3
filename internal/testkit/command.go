package testkit

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// commandTimeout bounds a helper program a test runs (ssh-keygen, xclip,
// git): far beyond what each takes, far below go test's own limit.
const commandTimeout = 30 * time.Second

// Bounded runs cmd to the end and returns what it wrote (standard output
// and error, unless the caller set them), killing it at the deadline: a
// program that hangs fails the test in seconds with an error naming it,
// instead of holding the whole package until go test gives up.
func Bounded(cmd *exec.Cmd, d time.Duration) ([]byte, error) {
	var out bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &out
	}
	if cmd.Stderr == nil {
		cmd.Stderr = &out
	}
	if cmd.WaitDelay == 0 {
		cmd.WaitDelay = 2 * time.Second // a child left holding its output
	}
	err := Within(cmd, d)
	return out.Bytes(), err
}

// Within runs cmd to the end as Run does — output where the caller put it,
// nowhere otherwise, so a daemon it starts holds no pipe — killing it at
// the deadline.
func Within(cmd *exec.Cmd, d time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	return WaitWithin(cmd, d)
}

// WaitWithin waits for a started cmd to end, killing it at the deadline.
func WaitWithin(cmd *exec.Cmd, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("%s did not finish within %s (killed)", strings.Join(cmd.Args, " "), d)
	}
}

// stopGently ends a server cmd with SIGTERM, so that it cleans up after
// itself, and kills it if it has not exited within d.
func stopGently(cmd *exec.Cmd, d time.Duration) {
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(d):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Redact stands for a value that may be a token in a test's failure
// message: its length and a short hash, enough to tell two apart, never
// the token itself — CI logs are read by more people than tokens should.
func Redact(s string) string {
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("<%d bytes, sha256 %x…>", len(s), sum[:4])
}

// Eventually polls ok until it holds, and fails the test with msg (what
// did not happen) when it does not within d: the one way tests wait for
// something to happen, instead of sleeping a fixed time.
func Eventually(t testing.TB, d time.Duration, msg string, ok func() bool) {
	t.Helper()
	if !Poll(d, ok) {
		t.Fatalf("after %s: %s", d, msg)
	}
}

// Poll is Eventually for a test that says more than msg when ok never
// holds (a screenshot of what was there): whether it held within d.
func Poll(d time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}
