package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// strictProvider is a fault-injection OAuth2 server that enforces exactly
// one client-authentication method, an exact redirect URI and PKCE S256 —
// stricter than the real test provider (oidc-provider accepts either basic or
// post). It is an emulation for tests, not a real provider.
type strictProvider struct {
	t   *testing.T
	srv *httptest.Server

	clientID, secret string
	method           string // "none", "basic" or "post"
	redirectURI      string // "" accepts any loopback URI
	rotate           bool   // issue a new refresh token on each refresh
	lifetime         time.Duration

	mu        sync.Mutex
	codes     map[string]codeGrant
	refresh   map[string]bool // live refresh tokens
	used      map[string]bool // rotated-away refresh tokens
	seq       int
	calls     map[string]int // by grant type, and "revoke"
	authError string         // make /authorize answer with this error
	fail      func(w http.ResponseWriter) bool
	errors    []string // every rejection, for diagnosis
}

type codeGrant struct{ challenge, redirect string }

func newStrictProvider(t *testing.T, method string) *strictProvider {
	p := &strictProvider{t: t, clientID: "cid", method: method, rotate: true, lifetime: time.Hour,
		codes: map[string]codeGrant{}, refresh: map[string]bool{}, used: map[string]bool{}, calls: map[string]int{}}
	if method != "none" {
		p.secret = "s3cr:t/+" // characters Basic auth must form-encode
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", p.authorize)
	mux.HandleFunc("/token", p.token)
	mux.HandleFunc("/revoke", p.revoke)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *strictProvider) profile(name string) *Profile {
	return &Profile{Name: name, ClientID: p.clientID, ClientSecret: p.secret, ClientAuth: p.method,
		AuthURL: p.srv.URL + "/authorize", TokenURL: p.srv.URL + "/token", RevocationURL: p.srv.URL + "/revoke"}
}

func (p *strictProvider) count(kind string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[kind]
}

func (p *strictProvider) reject(w http.ResponseWriter, status int, code, why string) {
	p.errors = append(p.errors, code+": "+why)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": why})
}

func (p *strictProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	u, err := url.Parse(redirect)
	if err != nil || (p.redirectURI != "" && redirect != p.redirectURI) || !isLoopbackHost(u.Hostname()) {
		http.Error(w, "redirect_uri mismatch", http.StatusBadRequest)
		return
	}
	back := u.Query()
	back.Set("state", q.Get("state"))
	switch {
	case p.authError != "":
		back.Set("error", p.authError)
		back.Set("error_description", "emulated <b>refusal</b>")
	case q.Get("client_id") != p.clientID || q.Get("response_type") != "code":
		back.Set("error", "unauthorized_client")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "":
		back.Set("error", "invalid_request")
		back.Set("error_description", "PKCE S256 and state are required")
	default:
		p.mu.Lock()
		p.seq++
		code := fmt.Sprintf("code-%d", p.seq)
		p.codes[code] = codeGrant{challenge: q.Get("code_challenge"), redirect: redirect}
		p.mu.Unlock()
		back.Set("code", code)
	}
	u.RawQuery = back.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// clientAuth enforces the one configured method.
func (p *strictProvider) clientAuth(w http.ResponseWriter, r *http.Request) bool {
	user, pass, hasBasic := r.BasicAuth()
	bodyID, bodySecret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	ok := false
	switch p.method {
	case "none":
		ok = !hasBasic && bodyID == p.clientID && bodySecret == ""
	case "basic":
		u, _ := url.QueryUnescape(user)
		s, _ := url.QueryUnescape(pass)
		ok = hasBasic && u == p.clientID && s == p.secret && bodySecret == ""
	case "post":
		ok = !hasBasic && bodyID == p.clientID && bodySecret == p.secret
	}
	if !ok {
		p.reject(w, http.StatusUnauthorized, "invalid_client", "client authentication must be "+p.method)
	}
	return ok
}

func (p *strictProvider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		p.reject(w, 400, "invalid_request", "POST a form")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	grant := r.PostForm.Get("grant_type")
	p.calls[grant]++
	if p.fail != nil && p.fail(w) {
		return
	}
	if !p.clientAuth(w, r) {
		return
	}
	resp := map[string]any{"token_type": "bearer", "expires_in": int(p.lifetime / time.Second)}
	p.seq++
	switch grant {
	case "authorization_code":
		c, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		switch {
		case !ok:
			p.reject(w, 400, "invalid_grant", "unknown code")
			return
		case r.PostForm.Get("redirect_uri") != c.redirect:
			p.reject(w, 400, "invalid_grant", "redirect_uri differs from the authorization request")
			return
		case base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
			p.reject(w, 400, "invalid_grant", "PKCE verification failed")
			return
		}
		rt := fmt.Sprintf("rt-%d", p.seq)
		p.refresh[rt] = true
		resp["refresh_token"] = rt
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if p.used[rt] {
			// Reuse detection: the whole family dies, as oidc-provider does.
			p.refresh = map[string]bool{}
			p.reject(w, 400, "invalid_grant", "refresh token reused")
			return
		}
		if !p.refresh[rt] {
			p.reject(w, 400, "invalid_grant", "unknown refresh token")
			return
		}
		if p.rotate {
			delete(p.refresh, rt)
			p.used[rt] = true
			next := fmt.Sprintf("rt-%d", p.seq)
			p.refresh[next] = true
			resp["refresh_token"] = next
		}
	default:
		p.reject(w, 400, "unsupported_grant_type", grant)
		return
	}
	resp["access_token"] = fmt.Sprintf("at-%d", p.seq)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func (p *strictProvider) revoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		p.reject(w, 400, "invalid_request", "form")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls["revoke"]++
	if !p.clientAuth(w, r) {
		return
	}
	delete(p.refresh, r.PostForm.Get("token"))
	w.WriteHeader(http.StatusOK)
}

// newTestSession is a session on the strict provider with an in-memory
// keychain and a settable clock.
func newTestSession(t *testing.T, p *strictProvider, kr *memKeyring) (*Session, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: time.Now()}
	s, err := NewSession(p.profile("work"), Options{Store: memStore(kr), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
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
