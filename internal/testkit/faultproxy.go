//go:build linux

package testkit

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fault is what the proxy does to each request.
type Fault int32

const (
	Pass      Fault = iota // forward to the provider
	Refuse                 // drop the connection without an answer, as a dead host or a reset does
	Status5xx              // 503 with an HTML error page, as a load balancer does
	Hang                   // accept and never answer
	Garbage                // 200 with a body that is not a token response
	SlowDrip               // 200, then a valid-looking JSON start one byte a second
)

func (f Fault) String() string {
	return [...]string{"pass", "refuse", "5xx", "hang", "garbage", "slow drip"}[f]
}

// FaultProxy sits on loopback between tokentray and the test provider and
// injects failures on demand.
type FaultProxy struct {
	URL   string
	fault atomic.Int32
	mu    sync.Mutex
	count map[Fault]int
	done  chan struct{}
}

// StartFaultProxy proxies to target (the provider's base URL).
func StartFaultProxy(t testing.TB, target string) *FaultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &FaultProxy{count: map[Fault]int{}, done: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := Fault(p.fault.Load())
		p.mu.Lock()
		p.count[f]++
		p.mu.Unlock()
		switch f {
		case Pass:
			rp.ServeHTTP(w, r)
		case Refuse:
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					_ = c.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		case Status5xx:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("<html><body>503 Service Temporarily Unavailable</body></html>"))
		case Hang:
			select {
			case <-r.Context().Done():
			case <-p.done:
			}
		case Garbage:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("\x00\x1f<<garbage>>{\"access_tok"))
		case SlowDrip:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			for _, b := range []byte(`{"access_token":"`) {
				_, _ = w.Write([]byte{b})
				if fl, ok := w.(http.Flusher); ok {
					fl.Flush()
				}
				select {
				case <-time.After(time.Second):
				case <-r.Context().Done():
					return
				case <-p.done:
					return
				}
			}
		}
	}))
	t.Cleanup(func() {
		close(p.done)
		srv.CloseClientConnections()
		srv.Close()
	})
	p.URL = srv.URL
	return p
}

// Set changes what the proxy does from the next request on.
func (p *FaultProxy) Set(f Fault) { p.fault.Store(int32(f)) }

// Count is how many requests met fault f.
func (p *FaultProxy) Count(f Fault) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count[f]
}

// StartTimingProxy forwards to target and reports how long each upstream
// answer took, so a benchmark can subtract the provider's own time.
func StartTimingProxy(t testing.TB, target string, took func(time.Duration)) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rp.ServeHTTP(w, r)
		took(time.Since(start))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
