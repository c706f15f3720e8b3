package auth

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/testkit"
)

// serverProfile is a profile for the strict test server's client.
func serverProfile(p *testkit.OAuthServer, name string) *profile.Profile {
	return &profile.Profile{Name: name, ClientID: p.ClientID, ClientSecret: p.Secret, ClientAuth: p.Method,
		AuthURL: p.URL + "/authorize", TokenURL: p.URL + "/token", RevocationURL: p.URL + "/revoke"}
}

// newTestSession is a session on the strict provider with an in-memory
// keychain and a settable clock.
func newTestSession(t *testing.T, p *testkit.OAuthServer, kr *keychain.Memory) (*Session, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: time.Now()}
	s := NewSession(serverProfile(p, "work"), Options{Store: keychain.MemoryStore(kr), Clock: clock})
	return s, clock
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// browserSim plays the browser: it opens the authorization URL and follows
// the provider's redirect to the loopback callback. Each visit's final page
// ("STATUS body") arrives on pages.
func browserSim(t *testing.T) (open func(string) error, pages chan string) {
	pages = make(chan string, 4)
	open = func(u string) error {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				pages <- "error: " + err.Error()
				return
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			pages <- fmt.Sprintf("%d %s", resp.StatusCode, body)
		}()
		return nil
	}
	return open, pages
}
