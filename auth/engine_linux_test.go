//go:build linux

// The session engine against the real test provider (oidc-provider: refresh
// tokens rotate on every use, and presenting a rotated-away one revokes the
// whole sign-in), the real Secret Service and real Chromium.
package auth

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/testkit"
)

// signedIn returns a session on prof that has signed in through Chromium.
func signedIn(t *testing.T, prof *profile.Profile, opts Options) *Session {
	t.Helper()
	testkit.RequireSecretService(t)
	b := testkit.NewBrowser(t)
	if opts.Store == nil {
		opts.Store = keychain.NewStore()
		opts.Store.Service = "tokentray-test-engine"
	}
	s := NewSession(prof, opts)
	pages := make(chan error, 1)
	open := func(u string) error {
		go func() { _, err := b.TrySignIn(u, "erin"); pages <- err }()
		return nil
	}
	if _, err := s.Login(context.Background(), LoginOptions{Open: open, Timeout: time.Minute}); err != nil {
		t.Fatalf("login: %v", err)
	}
	if err := <-pages; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.Logout(context.Background()) })
	return s
}

func providerProfile(p *testkit.Provider, name string) *profile.Profile {
	return &profile.Profile{Name: name, Issuer: p.Issuer, ClientID: "public",
		Scopes: []string{"openid", "email", "offline_access"}}
}

var rotations = flag.Int("rotations", 1000, "rotation cycles in TestThousandRotations")

// 1,000 rotations in a row: never invalid_grant, and after each one the
// keychain holds the refresh token the provider issued last.
func TestThousandRotations(t *testing.T) {
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	s := signedIn(t, providerProfile(p, "rotate"), Options{})
	cycles := *rotations
	prev, err := s.store.Load("rotate")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := range cycles {
		r, err := s.Get(context.Background(), 1<<62)
		if err != nil || !r.Refreshed {
			t.Fatalf("cycle %d: %+v %v", i, r, err)
		}
		cur, err := s.store.Load("rotate")
		if err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		if cur.RefreshToken == prev.RefreshToken || cur.AccessToken != r.Token.AccessToken {
			t.Fatalf("cycle %d: the keychain does not hold the newest tokens", i)
		}
		prev = cur
	}
	st := p.Stats(t)
	t.Logf("%d rotations in %s (%s each); provider: %d refresh grants, %d reuse detections, errors %v",
		cycles, time.Since(start).Round(time.Millisecond), (time.Since(start) / time.Duration(cycles)).Round(time.Microsecond),
		st.Token["refresh_token"], st.Reuse, st.GrantErrors)
	if st.Token["refresh_token"] != cycles || st.Reuse != 0 || len(st.GrantErrors) != 0 {
		t.Errorf("provider saw %d refreshes, %d reuses, errors %v; want %d, 0, none", st.Token["refresh_token"], st.Reuse, st.GrantErrors, cycles)
	}
}

// 50 goroutines want a token while a refresh is due: one refresh request
// reaches the provider.
func TestSingleFlight(t *testing.T) {
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	clock := &fakeClock{now: time.Now()}
	s := signedIn(t, providerProfile(p, "flight"), Options{Clock: clock})
	before := p.Stats(t).Token["refresh_token"]
	clock.Add(10*time.Minute - 30*time.Second) // 30 s left: every Token() call wants a refresh
	var wg sync.WaitGroup
	tokens := make([]string, 50)
	errs := make([]error, 50)
	for i := range 50 {
		wg.Go(func() {
			tok, err := s.Token()
			errs[i] = err
			if err == nil {
				tokens[i] = tok.AccessToken
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("goroutine %d: %v", i, err)
		}
		if tokens[i] != tokens[0] {
			t.Fatalf("goroutine %d got a different token", i)
		}
	}
	if got := p.Stats(t).Token["refresh_token"] - before; got != 1 {
		t.Errorf("%d refresh requests reached the provider, want 1", got)
	}
}

// watch records every state the session publishes.
type watch struct {
	mu     sync.Mutex
	states []State
	seen   chan State
}

func watchStates(t *testing.T, s *Session) *watch {
	w := &watch{seen: make(chan State, 1024)}
	ch, cancel := s.Subscribe()
	t.Cleanup(cancel)
	go func() {
		for st := range ch {
			w.mu.Lock()
			w.states = append(w.states, st)
			w.mu.Unlock()
			select {
			case w.seen <- st:
			default:
			}
		}
	}()
	return w
}

// until waits for a state that satisfies ok and returns how long it took.
func (w *watch) until(t *testing.T, limit time.Duration, what string, ok func(State) bool) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := time.After(limit)
	for {
		select {
		case st := <-w.seen:
			if ok(st) {
				return time.Since(start)
			}
		case <-deadline:
			t.Fatalf("no %s within %s; last states %v", what, limit, w.last(5))
		}
	}
}

// runStarted waits until Run has published its first state, after the one
// the subscription started with.
func (w *watch) runStarted(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); w.count(Valid) < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("Run published nothing; states %v", w.last(5))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (w *watch) last(n int) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, st := range w.states[max(0, len(w.states)-n):] {
		out = append(out, fmt.Sprintf("%s(%v)", st.Kind, st.Err))
	}
	return out
}

func (w *watch) count(kind StateKind) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, st := range w.states {
		if st.Kind == kind {
			n++
		}
	}
	return n
}

// An outage of several minutes of compressed time — connections dropped,
// 5xx, a provider that hangs, garbage, a slow drip — never signs the user
// out, the valid token is served throughout, and once the provider answers
// again a fresh token arrives within the backoff cap.
func TestOutageNeverSignsOut(t *testing.T) {
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	proxy := testkit.StartFaultProxy(t, p.Issuer)
	prof := &profile.Profile{Name: "outage", ClientID: "public", Scopes: []string{"offline_access"},
		AuthURL: p.Issuer + "/auth", TokenURL: proxy.URL + "/token", RevocationURL: proxy.URL + "/token/revocation",
		SendTokensToOtherOrigins: []string{proxy.URL}} // the proxy stands between
	clock := &fakeClock{now: time.Now()}
	// Compressed time: backoff from 20 ms to 400 ms stands for 1 s to 5 min,
	// and a hanging or dripping provider is given up on after 300 ms instead
	// of 30 s, by the same per-request bound as in use.
	const retryMax = 400 * time.Millisecond
	hc := &http.Client{Transport: requestTimeout{http.DefaultTransport, 300 * time.Millisecond}}
	s := signedIn(t, prof, Options{Clock: clock, HTTPClient: hc, RetryMin: 20 * time.Millisecond, RetryMax: retryMax})
	first, _ := s.store.Load("outage")
	w := watchStates(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	w.runStarted(t)
	// Past the latest moment a refresh is planned for (the first half of
	// the 90 s margin, see runState.planned): due now, 40 s left.
	clock.Add(9*time.Minute + 20*time.Second)
	for _, f := range []testkit.Fault{testkit.Refuse, testkit.Status5xx, testkit.Hang, testkit.Garbage, testkit.SlowDrip} {
		proxy.Set(f)
		s.wake()
		for deadline := time.Now().Add(20 * time.Second); proxy.Count(f) < 4; {
			if time.Now().After(deadline) {
				t.Fatalf("during %s: %d requests reached the proxy; states %v", f, proxy.Count(f), w.last(6))
			}
			time.Sleep(20 * time.Millisecond)
		}
		if st := s.State(); st.Kind != Retrying && st.Kind != Refreshing {
			t.Errorf("during %s: state %s (%v)", f, st.Kind, st.Err)
		}
		// The still-valid token is served meanwhile, without waiting.
		r, err := s.Get(context.Background(), 10*time.Second)
		if err != nil || r.Token.AccessToken != first.AccessToken {
			t.Errorf("during %s: Get = %v, %v", f, r, err)
		}
		clock.Add(5 * time.Second)
	}
	since := s.State().Since
	proxy.Set(testkit.Pass)
	took := w.until(t, 10*time.Second, "a fresh token", func(st State) bool {
		return st.Kind == Valid && st.Until.After(first.Expiry)
	})
	t.Logf("recovered %s after the provider came back (backoff cap %s); outage began %s before", took.Round(time.Millisecond), retryMax, clock.Now().Sub(since).Round(time.Second))
	// The cap plus the refresh itself; a bound on behaviour, not a benchmark.
	if took > retryMax+2*time.Second {
		t.Errorf("took %s to recover, beyond the backoff cap %s", took, retryMax)
	}
	if n := w.count(NeedsSignIn); n != 0 {
		t.Errorf("the outage published NeedsSignIn %d times", n)
	}
	if n := w.count(SignedOut); n != 0 {
		t.Errorf("the outage published SignedOut %d times", n)
	}
	if p.Stats(t).Reuse != 0 {
		t.Error("the provider saw a reused refresh token")
	}
}

// A laptop suspended for 8 hours: when it wakes the session notices the
// wall clock jumped and refreshes within about 5 s (one check interval).
func TestWakeFromSuspend(t *testing.T) {
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	clock := &fakeClock{now: time.Now()}
	s := signedIn(t, providerProfile(p, "suspend"), Options{Clock: clock})
	w := watchStates(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	w.runStarted(t)
	before := p.Stats(t).Token["refresh_token"]

	clock.Add(8 * time.Hour) // the lid opens
	took := w.until(t, 15*time.Second, "a refresh after the wake", func(st State) bool {
		return st.Kind == Valid && st.Until.After(clock.Now())
	})
	t.Logf("refreshed %s after an 8-hour jump of the wall clock (check interval %s)", took.Round(time.Millisecond), wakeCheckEvery)
	if got := p.Stats(t).Token["refresh_token"] - before; got != 1 {
		t.Errorf("%d refreshes after the wake, want 1", got)
	}
	// A bound on behaviour, not a benchmark: the check runs every 5 s.
	if took > wakeCheckEvery+5*time.Second {
		t.Errorf("took %s to notice the wake", took)
	}
}

// A provider that hangs for longer than a request may take, then comes
// back and answers what it received meanwhile: the tray's renewal that
// reached it is awaited, not given up and sent again with the same
// refresh token — which the provider, seeing it twice, would punish by
// ending the sign-in. Callers meanwhile get the still-valid token within
// seconds, and nothing is asked twice.
func TestProviderHangsAndComesBack(t *testing.T) {
	old := requestLimit
	requestLimit = 2 * time.Second // what a request may take before it is given up
	t.Cleanup(func() { requestLimit = old })
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	s := signedIn(t, providerProfile(p, "hang"), Options{AwaitRefresh: time.Minute, RetryMin: 200 * time.Millisecond, RetryMax: 500 * time.Millisecond})
	before := p.Stats(t)
	// A new connection for the renewal, as after any pause longer than the
	// provider keeps an idle one: it waits in the kernel's queue until
	// the provider takes it.
	hc, err := s.client()
	if err != nil {
		t.Fatal(err)
	}
	hc.CloseIdleConnections()

	p.Pause()
	paused := true
	defer func() {
		if paused {
			p.Resume()
		}
	}()
	// The background refresh, and callers asking again and again meanwhile.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	s.wake()
	deadline := time.Now().Add(6 * time.Second) // three request limits
	for time.Now().Before(deadline) {
		start := time.Now()
		r, err := s.Get(context.Background(), 1<<62)
		if err != nil || r.Token == nil || r.Warning == nil {
			t.Fatalf("while the provider hangs: %+v, %v; want the still-valid token with a warning", r, err)
		}
		if took := time.Since(start); took > 6*time.Second {
			t.Fatalf("a caller waited %s for a provider that hangs", took)
		}
	}
	p.Resume()
	paused = false
	// The provider answers the one renewal it received; it is kept.
	testkit.Eventually(t, 20*time.Second, "the renewal's answer was not kept, nor the sign-in ended", func() bool {
		st := s.State()
		return st.Kind == NeedsSignIn || st.Kind == Valid && st.RefreshedAt.After(time.Now().Add(-30*time.Second))
	})
	after := p.Stats(t)
	if n := after.Token["refresh_token"] - before.Token["refresh_token"]; n != 1 {
		t.Errorf("%d refresh grants after the hang, want the one it received", n)
	}
	if after.Reuse != before.Reuse || after.GrantsRev != before.GrantsRev {
		t.Fatalf("the provider saw a refresh token twice (%d reuse detections) and ended the sign-in", after.Reuse-before.Reuse)
	}
	// And the sign-in lives on.
	if r, err := s.Get(context.Background(), 1<<62); err != nil || !r.Refreshed {
		t.Errorf("a refresh after the hang: %+v, %v", r, err)
	}
}
