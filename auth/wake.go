package auth

import (
	"sync"
	"time"
)

// Clock is the wall clock a session plans refreshes by. Tests pass one they
// can jump forward, as a suspended laptop's clock does.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// wakeCheckEvery is how often the wall clock is compared with the monotonic
// one. Go's timers run on the monotonic clock, which stops while the machine
// sleeps: a timer due "in 50 minutes" before an 8-hour suspend still has 50
// minutes to go after it. One cheap comparison every 5 s notices a wake
// within 5 s, for all sessions of the process together. On Linux the system
// clock needs no polling: the kernel says when the wall clock moved
// (wallChanges); the comparison is for other systems and for tests' clocks.
const wakeCheckEvery = 5 * time.Second

// wakeJump is how far wall time may run ahead of (or behind) monotonic time
// between two checks before it counts as a wake or a clock change.
const wakeJump = 2 * time.Second

// wallWatcher tells subscribers when wall-clock time jumped. One runs per
// Clock while any session of that clock runs.
type wallWatcher struct {
	clock Clock
	mu    sync.Mutex
	subs  map[chan struct{}]struct{}
	stop  chan struct{}
}

var (
	watchersMu sync.Mutex
	watchers   = map[Clock]*wallWatcher{}
)

// watchWall subscribes to wall-clock jumps of clock.
func watchWall(clock Clock) (<-chan struct{}, func()) {
	watchersMu.Lock()
	defer watchersMu.Unlock()
	w := watchers[clock]
	if w == nil {
		w = &wallWatcher{clock: clock, subs: map[chan struct{}]struct{}{}, stop: make(chan struct{})}
		watchers[clock] = w
		if _, system := clock.(systemClock); !system || wallChanges(w.stop, w.notify) != nil {
			go w.run()
		}
	}
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	w.subs[ch] = struct{}{}
	w.mu.Unlock()
	return ch, func() {
		watchersMu.Lock()
		defer watchersMu.Unlock()
		w.mu.Lock()
		delete(w.subs, ch)
		empty := len(w.subs) == 0
		w.mu.Unlock()
		if empty && watchers[clock] == w {
			delete(watchers, clock)
			close(w.stop)
		}
	}
}

func (w *wallWatcher) run() {
	t := time.NewTicker(wakeCheckEvery)
	defer t.Stop()
	wall, mono := w.clock.Now().Round(0), time.Now()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		nwall, nmono := w.clock.Now().Round(0), time.Now()
		drift := nwall.Sub(wall) - nmono.Sub(mono)
		wall, mono = nwall, nmono
		if drift > wakeJump || drift < -wakeJump {
			w.notify()
		}
	}
}

// notify tells every subscriber that the wall clock jumped.
func (w *wallWatcher) notify() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
