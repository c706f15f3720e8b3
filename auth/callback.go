package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tokentray/tokentray/words"

	"github.com/tokentray/tokentray/auth/plain"
	"github.com/tokentray/tokentray/auth/profile"
)

// PortInUseError means the callback port is taken, often by an old script
// still listening on localhost:3000.
type PortInUseError struct {
	Profile string
	Addr    string
	// Holder is the program that holds the port, where the OS says.
	Holder string
	Err    error
}

func (e *PortInUseError) Error() string {
	_, port, _ := net.SplitHostPort(e.Addr)
	by := "another program"
	if e.Holder != "" {
		by = e.Holder
	}
	return fmt.Sprintf("profile %s: port %s is in use by %s, and the sign-in callback (%s) needs it; close that program or change redirect_url", e.Profile, port, by, e.Addr)
}

func (e *PortInUseError) Unwrap() error { return e.Err }

// ProviderError is an error the provider sent to the callback (RFC 6749
// §4.1.2.1).
type ProviderError struct {
	Code        string
	Description string
}

func (e *ProviderError) Error() string {
	msg := "the provider did not sign you in: " + plainProviderError(e.Code)
	if e.Description != "" {
		msg += " (" + e.Code + ": " + e.Description + ")"
	} else {
		msg += " (" + e.Code + ")"
	}
	return msg
}

func plainProviderError(code string) string {
	switch code {
	case "access_denied":
		return "the sign-in was declined or cancelled"
	case "invalid_scope":
		return "it does not accept the scopes in the profile"
	case "unauthorized_client", "invalid_client":
		return "it does not accept this client id for this kind of sign-in"
	case "invalid_request":
		return "it rejected the sign-in request (check redirect_url and the profile's settings)"
	case "server_error", "temporarily_unavailable":
		return "it had a problem of its own; try again in a moment"
	case "login_required", "consent_required", "interaction_required":
		return "it needs you to sign in or agree interactively"
	default:
		return "it reported an error"
	}
}

// callbackServer receives the provider's redirect on loopback. It accepts
// exactly one answer carrying the expected state, on its own path and Host,
// and shows the browser the outcome of the whole sign-in.
type callbackServer struct {
	profile  string
	redirect *profile.Redirect
	uri      string // redirect_uri sent to the provider
	host     string // the Host header browsers send for uri
	state    string
	issuer   string // when set, an `iss` parameter must match (RFC 9207)
	// home says whether an `iss` parameter may name a provider of this
	// profile, when the profile names no issuer.
	home      func(iss string) bool
	listeners []net.Listener
	srv       *http.Server

	mu       sync.Mutex
	finished bool
	results  chan callbackResult
}

// callbackResult is one accepted callback. The login answers on reply with
// the final outcome, which becomes the page the browser shows.
type callbackResult struct {
	code  string
	err   error
	reply chan outcome
}

// outcome is how the whole sign-in ended, for the browser's page: who is
// signed in, or why not in a person's words.
type outcome struct {
	who                    string
	err                    error
	headline, next, detail string
}

func listenCallback(profile string, r *profile.Redirect, state, issuer string) (*callbackServer, error) {
	cs := &callbackServer{profile: profile, redirect: r, state: state, issuer: issuer, results: make(chan callbackResult, 1)}
	port := r.Port
	for _, h := range r.Hosts {
		addr := net.JoinHostPort(h, port)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			if isAddrInUse(err) {
				cs.closeListeners()
				p, _ := strconv.Atoi(port)
				return nil, &PortInUseError{Profile: profile, Addr: addr, Holder: portHolder(p), Err: err}
			}
			if h == "::1" && len(r.Hosts) > 1 {
				continue // no IPv6 loopback here; 127.0.0.1 serves localhost
			}
			cs.closeListeners()
			return nil, fmt.Errorf("profile %s: listen for the sign-in callback on %s: %w", profile, addr, err)
		}
		cs.listeners = append(cs.listeners, l)
		_, port, _ = net.SplitHostPort(l.Addr().String()) // later hosts share the chosen port
	}
	if r.Port == "0" {
		u := *r.URL
		u.Host = net.JoinHostPort(r.URL.Hostname(), port)
		cs.uri, cs.host = u.String(), u.Host
	} else {
		cs.uri, cs.host = r.Raw, r.URL.Host
	}
	cs.srv = &http.Server{
		Handler:           cs,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10, // a longer request line gets 431, not our memory
	}
	for _, l := range cs.listeners {
		go cs.srv.Serve(l) //nolint:errcheck // ends with Shutdown
	}
	return cs, nil
}

// isAddrInUse covers Unix (EADDRINUSE) and Windows (WSAEADDRINUSE, which
// syscall does not map to EADDRINUSE).
func isAddrInUse(err error) bool {
	const wsaEADDRINUSE = 10048
	var errno syscall.Errno
	return errors.Is(err, syscall.EADDRINUSE) || (errors.As(err, &errno) && errno == wsaEADDRINUSE)
}

func (cs *callbackServer) closeListeners() {
	for _, l := range cs.listeners {
		l.Close()
	}
}

// shutdown lets the last page reach the browser, then stops.
func (cs *callbackServer) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = cs.srv.Shutdown(ctx)
}

func (cs *callbackServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")

	// A page on another site can make the browser send requests here, and
	// DNS rebinding can even make them look same-origin; only the exact Host
	// of our redirect URI is ours.
	if !strings.EqualFold(r.Host, cs.host) {
		page(w, http.StatusMisdirectedRequest, "Wrong address", "This address is not tokentray's sign-in page.")
		return
	}
	if r.URL.EscapedPath() != cs.redirect.Path {
		page(w, http.StatusNotFound, "Not found", "This address is not tokentray's sign-in page.")
		return
	}
	if r.Method != http.MethodGet {
		h.Set("Allow", "GET")
		page(w, http.StatusMethodNotAllowed, "Not allowed", "This address only accepts the provider's redirect.")
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	cs.mu.Lock()
	if cs.finished {
		cs.mu.Unlock()
		page(w, http.StatusGone, words.T("Already done"), words.T("This sign-in has already finished. You can close this tab."))
		return
	}
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(cs.state)) != 1 {
		cs.mu.Unlock()
		page(w, http.StatusBadRequest, words.T("Not this sign-in"),
			words.T("This link does not belong to the sign-in tokentray is waiting for. Go back to tokentray and start signing in again."))
		return
	}
	res := callbackResult{reply: make(chan outcome, 1)}
	switch iss := q.Get("iss"); {
	case iss != "" && cs.issuer != "" && iss != cs.issuer:
		res.err = fmt.Errorf("the answer came from %q, not from the provider of this profile (%s); sign-in stopped", plain.Line(iss, 200), cs.issuer)
	case iss != "" && cs.issuer == "" && cs.home != nil && !cs.home(iss):
		// A sign-in page that sent the browser on to another provider's
		// (a redirect no origin rule can see): its code would go to this
		// profile's token endpoint, which is not that provider's.
		res.err = fmt.Errorf("the answer came from %q, another site than this profile signs in at; sign-in stopped", plain.Line(iss, 200))
	case q.Get("error") != "":
		res.err = &ProviderError{Code: plain.Line(q.Get("error"), 64), Description: plain.Line(q.Get("error_description"), maxSaid)}
	case q.Get("code") == "":
		res.err = errors.New("the provider's answer has no authorization code")
	default:
		res.code = q.Get("code")
	}
	cs.finished = true
	cs.mu.Unlock()

	cs.results <- res
	var o outcome
	select {
	case o = <-res.reply:
	case <-r.Context().Done():
		return
	}
	if o.err != nil {
		pageDetail(w, http.StatusOK, o.headline, o.next, o.detail)
		return
	}
	who := o.who
	if who == "" {
		who = words.T("your account")
	}
	page(w, http.StatusOK, words.T("Signed in to {profile}", "profile", cs.profile),
		words.T("You are signed in to {profile} as {account}. You can close this tab; tokentray keeps you signed in.", "profile", cs.profile, "account", who))
}

// pageTmpl is parsed on first use: every tokentray process would pay for
// it at start-up, and only a sign-in needs it.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(pageHTML))
})

const pageHTML = `<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>tokentray: {{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}h1{font-size:1.4em}.detail{color:#555;font-size:.9em}</style>
</head><body><h1>{{.Title}}</h1><p>{{.Body}}</p>{{if .Detail}}<p class="detail">{{.Detail}}</p>{{end}}</body></html>
`

func page(w http.ResponseWriter, status int, title, body string) {
	pageDetail(w, status, title, body, "")
}

// pageDetail is a page with a detail line (a provider's own words, say).
func pageDetail(w http.ResponseWriter, status int, title, body, detail string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pageTmpl().Execute(w, struct{ Lang, Title, Body, Detail string }{words.Language(), title, body, detail})
}
