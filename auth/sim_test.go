package auth

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
)

var (
	simSessions = flag.Int("sim-sessions", 1000, "sessions in TestCompanyWakesAtNine (docs/RELIABILITY.md: 10000)")
	simRate     = flag.Int("sim-rate", 0, "token requests per second the simulated provider serves; 0: one per 100 sessions")
)

// A company's laptops all resume at once, their tokens expiring within
// minutes, against a provider that serves only so many token requests a
// second and answers 429 with Retry-After beyond that. Nobody may be
// signed out, nobody may ask again before the provider said, and everyone
// must be fresh again within a bound — with the refreshes spread (as
// shipped) and, for comparison, without.
//
// Every session is a real Session with its Run loop, store (an in-memory
// keychain), refresh lock and HTTP client; the provider is an in-process
// http.Handler reached through an in-memory transport (fault injection:
// the rate limit is the fault). Time is testing/synctest's: simulated,
// advancing only when every goroutine waits, so the figures do not depend
// on this machine's speed, and the Go timers, the wall-clock watcher and
// the suspend jump are the ones in use.
func TestCompanyWakesAtNine(t *testing.T) {
	n, rate := *simSessions, *simRate
	if rate <= 0 {
		rate = max(1, n/100)
	}
	for _, spread := range []bool{true, false} {
		name := map[bool]string{true: "spread", false: "not spread (comparison)"}[spread]
		t.Run(name, func(t *testing.T) {
			r := simulate(t, n, rate, spread)
			t.Logf("%d sessions, provider limited to %d token requests/s; refreshes spread: %v", n, rate, spread)
			t.Logf("peak %d requests/s seen by the provider; %d answered 429; %d requests in all", r.peak, r.busy, r.requests)
			t.Logf("every session fresh %s after the wake (half of them by %s); %d tokens lapsed before renewal",
				r.allFresh.Round(time.Second), r.halfFresh.Round(time.Second), r.lapsed)
			t.Logf("signed out %d; asked again before Retry-After %d; refresh tokens refused %d", r.signedOut, r.early, r.refused)
			if r.signedOut != 0 || r.refused != 0 {
				t.Errorf("%d sessions signed out, %d refresh tokens refused", r.signedOut, r.refused)
			}
			if r.early != 0 {
				t.Errorf("%d requests came before the Retry-After the provider gave", r.early)
			}
			if r.fresh != n {
				t.Fatalf("%d of %d sessions fresh after %s", r.fresh, n, simLimit)
			}
			if spread {
				// The provider can serve the spread-out load with few refusals:
				// well below one per session.
				if r.peak > 2*rate || r.busy > n/10 {
					t.Errorf("spread: peak %d requests/s (limit %d), %d answered 429 (%d sessions)", r.peak, rate, r.busy, n)
				}
				// Everyone within the last token's margin (10 minutes), and
				// nobody's token lapsed on the way.
				if r.allFresh > 10*time.Minute || r.lapsed != 0 {
					t.Errorf("spread: everyone fresh only after %s; %d tokens lapsed first", r.allFresh, r.lapsed)
				}
			}
		})
	}
}

// simLimit is how long after the wake the simulation waits for everyone to
// be fresh.
const simLimit = 30 * time.Minute

type simResult struct {
	requests, peak, busy, early, refused int
	fresh, lapsed, signedOut             int
	allFresh, halfFresh                  time.Duration
}

// simulate runs n sessions from before the suspend to everyone fresh.
func simulate(t *testing.T, n, rate int, spread bool) simResult {
	locks := t.TempDir()
	userLockDir, lockDirs.dir = func() (string, error) { return locks, nil }, ""
	spreadRefreshes = spread
	t.Cleanup(func() { userLockDir, lockDirs.dir, spreadRefreshes = defaultLockDir, "", true })

	var res simResult
	synctest.Test(t, func(t *testing.T) {
		// The laptops suspend at 08:50 for a meeting and resume at 09:00.
		// Each signed in between 08:01 and 08:10 for an hour, so its token
		// expires between 09:01 and 09:10: due (9 minutes' margin) from
		// 08:52 on.
		clock := &simClock{}
		suspend := time.Now()
		wake := suspend.Add(10 * time.Minute)
		p := newSimProvider(rate, wake, clock.Now)
		hc := &http.Client{Transport: handlerTransport{p}}
		store := keychain.MemoryStore(keychain.NewMemory(0))
		sessions := make([]*Session, n)
		for i := range sessions {
			prof := &profile.Profile{Name: fmt.Sprintf("u%05d", i), ClientID: "laptop", ClientAuth: "none",
				AuthURL: "https://login.example.test/authorize", TokenURL: "https://login.example.test/token"}
			s := NewSession(prof, Options{Store: store, Clock: clock, HTTPClient: hc, Seed: 20261130})
			signed := suspend.Add(-49*time.Minute + time.Duration(i)*9*time.Minute/time.Duration(n))
			rec := &keychain.Record{AccessToken: "at", TokenType: "Bearer", RefreshToken: p.signIn(i, signed.Add(time.Hour)),
				SignedInAt: signed, Expiry: signed.Add(time.Hour)}
			if err := s.save(rec); err != nil {
				t.Fatal(err)
			}
			sessions[i] = s
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for _, s := range sessions {
			wg.Go(func() { s.Run(ctx) })
		}
		synctest.Wait() // every session has planned its refresh
		clock.jump(wake.Sub(suspend))
		for clock.Now().Sub(wake) < simLimit && p.freshCount() < n {
			time.Sleep(time.Second)
		}
		cancel()
		wg.Wait()

		res = p.result()
		for i, s := range sessions {
			rec, err := store.Load(s.profile.Name)
			if st := s.State(); st.Kind != Valid || err != nil || !p.live(i, rec.RefreshToken) {
				res.signedOut++
			}
		}
	})
	return res
}

var defaultLockDir = userLockDir

// simClock is the laptops' wall clock: synctest's time, plus the time spent
// suspended, which Go's timers (monotonic) do not count.
type simClock struct {
	mu        sync.Mutex
	suspended time.Duration
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.suspended)
}

func (c *simClock) jump(d time.Duration) {
	c.mu.Lock()
	c.suspended += d
	c.mu.Unlock()
}

// handlerTransport takes requests to an in-process handler.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// simProvider is a token endpoint that serves rate refresh requests per
// second (fixed one-second windows) and answers the rest 429 with
// "Retry-After: 1", the next window. It rotates refresh tokens and refuses
// unknown ones (invalid_grant), so a lost rotation would show as a
// sign-out. Its clock is synctest's: it does not sleep.
type simProvider struct {
	rate int
	wake time.Time
	now  func() time.Time // the true time: the laptops' wall clock once awake

	mu                                     sync.Mutex
	window                                 time.Time // the current one-second window
	served                                 int       // in it
	seq                                    int
	tokens                                 map[string]int // live refresh token → session
	current                                map[int]string // session → its live refresh token
	expiry                                 map[int]time.Time
	notBefore                              map[int]time.Time // session → the Retry-After it was given
	freshAt                                map[int]time.Time // session → its first new token after the wake
	perSecond                              map[int64]int     // requests by second since the wake
	requests, busy, early, refused, lapsed int
}

func newSimProvider(rate int, wake time.Time, now func() time.Time) *simProvider {
	return &simProvider{rate: rate, wake: wake, now: now, tokens: map[string]int{}, current: map[int]string{},
		expiry: map[int]time.Time{}, notBefore: map[int]time.Time{}, freshAt: map[int]time.Time{}, perSecond: map[int64]int{}}
}

func (p *simProvider) signIn(i int, expiry time.Time) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	rt := fmt.Sprintf("rt-%03d-%06d", i, p.seq)
	p.tokens[rt], p.current[i], p.expiry[i] = i, rt, expiry
	return rt
}

func (p *simProvider) live(i int, rt string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current[i] == rt && p.tokens[rt] == i
}

func (p *simProvider) freshCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.freshAt)
}

func (p *simProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("client_id") != "laptop" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	p.perSecond[int64(now.Sub(p.wake).Seconds())]++
	i, ok := p.tokens[r.PostForm.Get("refresh_token")]
	if !ok {
		p.refused++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
		return
	}
	if nb, ok := p.notBefore[i]; ok && now.Before(nb) {
		p.early++
	}
	if win := now.Truncate(time.Second); !win.Equal(p.window) {
		p.window, p.served = win, 0
	}
	if p.served >= p.rate {
		p.busy++
		p.notBefore[i] = p.window.Add(time.Second)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", strconv.Itoa(int(p.window.Add(time.Second).Sub(now).Seconds()+0.999)))
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":"too_many_requests"}`))
		return
	}
	p.served++
	delete(p.notBefore, i)
	old := p.current[i]
	delete(p.tokens, old)
	p.seq++
	rt := fmt.Sprintf("rt-%03d-%06d", i, p.seq)
	p.tokens[rt], p.current[i] = i, rt
	if _, ok := p.freshAt[i]; !ok && !now.Before(p.wake) {
		p.freshAt[i] = now
		if now.After(p.expiry[i]) {
			p.lapsed++
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"access_token":"at-%06d","token_type":"Bearer","expires_in":3600,"refresh_token":%q}`, p.seq, rt)
}

func (p *simProvider) result() simResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := simResult{requests: p.requests, busy: p.busy, early: p.early, refused: p.refused, lapsed: p.lapsed, fresh: len(p.freshAt)}
	for _, c := range p.perSecond {
		r.peak = max(r.peak, c)
	}
	var took []time.Duration
	for _, at := range p.freshAt {
		took = append(took, at.Sub(p.wake))
	}
	slices.Sort(took)
	if len(took) > 0 {
		r.allFresh, r.halfFresh = took[len(took)-1], took[len(took)/2]
	}
	return r
}
