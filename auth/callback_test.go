package auth

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/profile"
)

func freeTCPPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

func startCallback(t *testing.T, redirectURL string) *callbackServer {
	t.Helper()
	rd, err := profile.ParseRedirect(redirectURL)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := listenCallback("work", rd, "the-state", "https://issuer.example")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cs.shutdown)
	return cs
}

// request sends one request to the callback with the given Host header.
func request(t *testing.T, cs *callbackServer, method, host, pathQuery string) (int, string) {
	t.Helper()
	addr := cs.listeners[0].Addr().String()
	req, err := http.NewRequest(method, "http://"+addr+pathQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	// Its own deadline: a callback that took this request for the sign-in's
	// answer waits for the login's outcome, and would hang the test.
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s (Host %s): no answer within 5 s — did the callback take it as the sign-in's answer? %v", method, pathQuery, host, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// noResult asserts the login is still waiting.
func noResult(t *testing.T, cs *callbackServer) {
	t.Helper()
	select {
	case r := <-cs.results:
		t.Fatalf("the login ended: code %q, err %v", r.code, r.err)
	default:
	}
}

func TestCallbackRejectsWithoutEndingLogin(t *testing.T) {
	cs := startCallback(t, "http://127.0.0.1:0/callback")
	host := cs.host
	cases := []struct {
		name, method, host, path string
		status                   int
	}{
		{"wrong state", "GET", host, "/callback?code=c&state=other", 400},
		{"missing state", "GET", host, "/callback?code=c", 400},
		{"error without state", "GET", host, "/callback?error=access_denied", 400},
		{"other path", "GET", host, "/callbackx?code=c&state=the-state", 404},
		{"root path", "GET", host, "/?code=c&state=the-state", 404},
		{"DNS rebinding: foreign Host", "GET", "evil.example:" + strings.Split(host, ":")[1], "/callback?code=c&state=the-state", 421},
		{"localhost is not 127.0.0.1", "GET", "localhost:" + strings.Split(host, ":")[1], "/callback?code=c&state=the-state", 421},
		{"cross-site POST", "POST", host, "/callback?code=c&state=the-state", 405},
		{"1 MB query", "GET", host, "/callback?state=the-state&code=" + strings.Repeat("x", 1<<20), 431},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := request(t, cs, c.method, c.host, c.path)
			if status != c.status {
				t.Errorf("status %d, want %d: %s", status, c.status, body)
			}
			noResult(t, cs)
		})
	}
}

func TestCallbackOutcomes(t *testing.T) {
	cases := []struct {
		name, query string
		wantCode    string
		wantErr     string
	}{
		{"code", "code=abc&state=the-state", "abc", ""},
		{"code with matching iss", "code=abc&state=the-state&iss=https%3A%2F%2Fissuer.example", "abc", ""},
		{"mix-up: other iss", "code=abc&state=the-state&iss=https%3A%2F%2Fevil.example", "", "not from the provider"},
		{"missing code", "state=the-state", "", "no authorization code"},
		{"access_denied", "error=access_denied&state=the-state", "", "declined"},
		{"control characters", "error=server_error&error_description=a%1b%5B31mred%07&state=the-state", "", "a [31mred "},
		// Found by review: a profile without issuer whose sign-in page
		// sends the browser on to a genuine provider's; the genuine one
		// says who it is (RFC 9207), and it is not where this profile
		// signs in and redeems codes.
		{"no issuer: iss of the sign-in page's site", "code=abc&state=the-state&iss=https%3A%2F%2Flogin.example%2Fo", "abc", ""},
		{"no issuer: iss of another site", "code=abc&state=the-state&iss=https%3A%2F%2Fgenuine.example", "", "another site than this profile signs in at"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs := startCallback(t, "http://127.0.0.1:0/callback")
			if strings.HasPrefix(c.name, "no issuer") {
				cs.issuer = ""
				cs.home = func(iss string) bool { return profile.Origin(iss) == "https://login.example" }
			}
			type reply struct {
				status int
				body   string
			}
			got := make(chan reply, 1)
			go func() {
				s, b := request(t, cs, "GET", cs.host, "/callback?"+c.query)
				got <- reply{s, b}
			}()
			var res callbackResult
			select {
			case res = <-cs.results:
			case <-time.After(5 * time.Second):
				t.Fatal("no result")
			}
			if res.code != c.wantCode || (c.wantErr == "") != (res.err == nil) || (res.err != nil && !strings.Contains(res.err.Error(), c.wantErr)) {
				t.Fatalf("code %q err %v; want code %q, error with %q", res.code, res.err, c.wantCode, c.wantErr)
			}
			res.reply <- outcome{err: res.err, headline: "Sign-in failed"}
			r := <-got
			if r.status != 200 {
				t.Errorf("page status %d", r.status)
			}
			// A second use of the callback is refused.
			if s, _ := request(t, cs, "GET", cs.host, "/callback?"+c.query); s != http.StatusGone {
				t.Errorf("second callback: status %d, want 410", s)
			}
			noResult(t, cs)
		})
	}
}

func TestCallbackFixedPortAndPortInUse(t *testing.T) {
	port := freeTCPPort(t)
	cs := startCallback(t, "http://localhost:"+port+"/")
	if cs.uri != "http://localhost:"+port+"/" || cs.host != "localhost:"+port {
		t.Errorf("uri %q host %q", cs.uri, cs.host)
	}
	if s, _ := request(t, cs, "GET", cs.host, "/?state=x"); s != 400 {
		t.Errorf("path / on a fixed redirect: %d", s)
	}
	rd, _ := profile.ParseRedirect("http://localhost:" + port + "/")
	_, err := listenCallback("lightfi", rd, "s", "")
	var pe *PortInUseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "port "+port) || !strings.Contains(err.Error(), "lightfi") {
		t.Errorf("second listener on the same port: %v", err)
	}
}
