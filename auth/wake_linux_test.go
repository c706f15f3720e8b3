package auth

import (
	"os"
	"testing"
	"time"
)

// On Linux the system clock's watcher is the kernel's timerfd, not a poll,
// and stopping it gives the descriptor back.
func TestWallChangesTimerfd(t *testing.T) {
	fds := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(ents)
	}
	before := fds()
	stop := make(chan struct{})
	if err := wallChanges(stop, func() {}); err != nil {
		t.Fatalf("timerfd watcher: %v", err)
	}
	if got := fds(); got != before+1 {
		t.Errorf("%d descriptors while watching, want %d", got, before+1)
	}
	close(stop)
	for range 100 {
		if fds() == before {
			return
		}
		waitABit()
	}
	t.Errorf("the timerfd was not closed: %d descriptors, want %d", fds(), before)
}

// waitABit lets the closing goroutine run.
func waitABit() { time.Sleep(10 * time.Millisecond) }
