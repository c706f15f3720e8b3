package auth

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func answer(status int, ctype, body string) (*tokenResponse, error) {
	resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {ctype}}}
	return parseTokenResponse(resp, []byte(body))
}

// Every shape of answer a broken or hostile provider can give: accepted only
// when tokentray can use it safely, and never quoted in an error.
func TestParseTokenResponse(t *testing.T) {
	const js = "application/json"
	cases := []struct {
		name, ctype, body string
		status            int
		wantErr           string // "" accepts
		wantExpires       int64
	}{
		{"plain", js, `{"access_token":"AT","token_type":"Bearer","expires_in":3600,"refresh_token":"RT"}`, 200, "", 3600},
		{"lower-case bearer", js, `{"access_token":"AT","token_type":"bearer","expires_in":60}`, 200, "", 60},
		{"no token_type", js, `{"access_token":"AT"}`, 200, "", 0},
		{"expires_in as a string", js, `{"access_token":"AT","token_type":"bearer","expires_in":"3600"}`, 200, "", 3600},
		{"form encoded", "application/x-www-form-urlencoded", `access_token=AT&token_type=bearer&expires_in=7200`, 200, "", 7200},
		{"json with charset", "application/json; charset=utf-8", `{"access_token":"AT","expires_in":1.5e3}`, 200, "", 1500},
		{"not JSON", "text/html", `<html>hello AT</html>`, 200, "not a JSON object", 0},
		{"truncated", js, `{"access_token":"AT","expi`, 200, "not a JSON object", 0},
		{"JSON array", js, `["AT"]`, 200, "not a JSON object", 0},
		{"null", js, `null`, 200, "not a JSON object", 0},
		{"missing access_token", js, `{"token_type":"bearer","expires_in":3600}`, 200, "no access_token", 0},
		{"access_token not a string", js, `{"access_token":12345}`, 200, "no access_token", 0},
		{"expires_in zero", js, `{"access_token":"AT","expires_in":0}`, 200, "not a usable lifetime", 0},
		{"expires_in negative", js, `{"access_token":"AT","expires_in":-5}`, 200, "not a usable lifetime", 0},
		{"expires_in words", js, `{"access_token":"AT","expires_in":"an hour"}`, 200, "not a number", 0},
		{"expires_in object", js, `{"access_token":"AT","expires_in":{"s":1}}`, 200, "not a number", 0},
		{"expires_in NaN-ish", js, `{"access_token":"AT","expires_in":"NaN"}`, 200, "not a number", 0},
		{"expires_in absurd", js, `{"access_token":"AT","expires_in":1e30}`, 200, "not a usable lifetime", 0},
		{"MAC token", js, `{"access_token":"AT","token_type":"mac"}`, 200, "bearer tokens only", 0},
		{"DPoP token", js, `{"access_token":"AT","token_type":"DPoP"}`, 200, "bearer tokens only", 0},
		{"huge token", js, `{"access_token":"` + strings.Repeat("A", 70<<10) + `"}`, 200, "longer than 64 KB", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := answer(c.status, c.ctype, c.body)
			if c.wantErr == "" {
				if err != nil || tr.AccessToken != "AT" || tr.TokenType != "Bearer" || tr.ExpiresIn != c.wantExpires {
					t.Fatalf("got %+v, %v", tr, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("got %v, want an error with %q", err, c.wantErr)
			}
			if strings.Contains(err.Error(), "AT") {
				t.Errorf("the error quotes the answer: %v", err)
			}
		})
	}
}

func TestParseTokenErrors(t *testing.T) {
	_, err := answer(400, "application/json", `{"error":"invalid_grant","error_description":"expired"}`)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || !errors.Is(classify(err), ErrSignInNeeded) {
		t.Errorf("invalid_grant: %v", err)
	}
	_, err = answer(502, "text/html", `<html>bad gateway</html>`)
	if !errors.Is(classify(err), ErrProviderUnreachable) {
		t.Errorf("502: %v", classify(err))
	}
}
