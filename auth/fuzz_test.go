package auth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokentray/tokentray/auth/profile"
)

// The callback answers anything a browser, a page on another site or a
// local attacker can send: it never panics, and it hands the login a result
// only for its own path, Host, method and the exact state.
func FuzzCallback(f *testing.F) {
	f.Add("GET", "127.0.0.1:5000", "/callback?code=c&state=the-state")
	f.Add("GET", "127.0.0.1:5000", "/callback?error=access_denied&error_description=%3Cb%3E&state=the-state")
	f.Add("POST", "evil.example", "/callback?code=c&state=the-state")
	f.Add("GET", "127.0.0.1:5000", "/callback?state=the-state&state=x&code=%00%ff")
	f.Add("GET", "127.0.0.1:5000", "/callback?iss=https://evil&code=c&state=the-state")
	// What plain `go test` must catch without fuzzing: a wrong state, and
	// the right request from a foreign Host (DNS rebinding).
	f.Add("GET", "127.0.0.1:5000", "/callback?code=c&state=not-the-state")
	f.Add("GET", "evil.example:5000", "/callback?code=c&state=the-state")
	f.Fuzz(func(t *testing.T, method, host, target string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequest("GET", "http://x"+target, nil)
		if err != nil {
			return
		}
		if validMethod(method) {
			req.Method = method
		}
		req.Host = host
		rd, _ := profile.ParseRedirect("http://127.0.0.1:5000/callback")
		cs := &callbackServer{redirect: rd, uri: "http://127.0.0.1:5000/callback", host: "127.0.0.1:5000",
			state: "the-state", issuer: "https://issuer.example", results: make(chan callbackResult, 1)}
		done := make(chan struct{})
		rec := httptest.NewRecorder()
		go func() {
			defer close(done)
			cs.ServeHTTP(rec, req)
		}()
		select {
		case res := <-cs.results:
			q := req.URL.Query()
			if req.Method != "GET" || !strings.EqualFold(host, cs.host) || req.URL.EscapedPath() != "/callback" || q.Get("state") != "the-state" {
				t.Fatalf("accepted %s %s %s", req.Method, host, target)
			}
			if res.err != nil && !utf8.ValidString(res.err.Error()) {
				t.Fatalf("error is not valid UTF-8: %q", res.err)
			}
			res.reply <- outcome{err: res.err, headline: "Sign-in failed"}
			<-done
		case <-done:
		}
		if body := rec.Body.String(); strings.Contains(body, "<script") {
			t.Fatalf("the page echoes markup: %q", body)
		}
	})
}

func validMethod(m string) bool {
	if m == "" || len(m) > 10 {
		return false
	}
	for _, r := range m {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// The token-endpoint parser takes anything: it never panics, what it accepts
// is usable, and its errors never quote an access token.
func FuzzParseTokenResponse(f *testing.F) {
	f.Add(200, "application/json", []byte(`{"access_token":"AT","token_type":"bearer","expires_in":3600,"refresh_token":"RT"}`))
	f.Add(200, "application/json", []byte(`{"access_token":"AT","expires_in":"3600"}`))
	f.Add(200, "application/x-www-form-urlencoded", []byte(`access_token=AT&expires_in=60`))
	f.Add(400, "application/json", []byte(`{"error":"invalid_grant"}`))
	f.Add(200, "text/html", []byte(`<html>`))
	f.Add(200, "application/json", []byte(`{"access_token":"AT","expires_in":1e400}`))
	f.Add(200, "application/json", []byte(`{"access_token":"AT\nusername=evil","refresh_token":"R T"}`))
	f.Add(200, "application/json", []byte(`{"access_token":"\u001b]0;x\u0007","id_token":"a\u202eb"}`))
	f.Add(200, "application/x-www-form-urlencoded", []byte(`access_token=A%0AT&refresh_token=%1B`))
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {ctype}}}
		tr, err := parseTokenResponse(resp, body)
		if err != nil {
			if at := tokenFieldOf(body); len(at) >= 8 && strings.Contains(err.Error(), at) {
				t.Fatalf("error %q quotes the access token", err)
			}
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("accepted HTTP %d", status)
		}
		if tr.AccessToken == "" || tr.TokenType != "Bearer" || tr.ExpiresIn < 0 || tr.RefreshExpiresIn < 0 {
			t.Fatalf("accepted an unusable answer: %+v", tr)
		}
		// Tokens reach terminals, headers, git and environments: nothing
		// but visible ASCII may pass (checked here byte by byte, not with
		// the code under test).
		for _, tok := range []string{tr.AccessToken, tr.RefreshToken, tr.IDToken} {
			for i := 0; i < len(tok); i++ {
				if tok[i] <= ' ' || tok[i] >= 0x7f {
					t.Fatalf("accepted a token holding byte %#x at %d", tok[i], i)
				}
			}
		}
		// The access token lands in scripts too: no shell or cmd.exe syntax.
		for i := 0; i < len(tr.AccessToken); i++ {
			if strings.IndexByte("\"'$%&|^;<>`(){}[]\\*?#,:@", tr.AccessToken[i]) >= 0 {
				t.Fatalf("accepted an access token holding %q at %d", tr.AccessToken[i], i)
			}
		}
	})
}

// tokenFieldOf pulls an access_token value out of a JSON-ish body, roughly.
func tokenFieldOf(body []byte) string {
	s := string(body)
	i := strings.Index(s, `"access_token":"`)
	if i < 0 {
		return ""
	}
	s = s[i+len(`"access_token":"`):]
	if j := strings.IndexByte(s, '"'); j >= 0 {
		return s[:j]
	}
	return ""
}
