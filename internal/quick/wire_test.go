package quick

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/control"
)

// The front's request is the bytes json.Marshal makes of it, for any text
// in its fields (FuzzAppendRequest); a request with another field set is
// json.Marshal's.
func FuzzAppendRequest(f *testing.F) {
	f.Add("token", "/home/a/.config/tokentray/profiles.toml", "work", int64(time.Minute), "")
	f.Add("git-token", "", "", int64(1<<62), "https://git.example.com/a/b.git")
	f.Add("token", "C:\\Users\\ä\\<&>\"\n\x00\x7f\xff\u2028", "x\u2029", int64(-1), "\t\r\b\f")
	f.Fuzz(func(t *testing.T, op, config, profile string, minValid int64, gitURL string) {
		req := control.Request{Op: control.Op(op), Config: config, Profile: profile, MinValid: time.Duration(minValid), GitURL: gitURL}
		want, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendRequest(nil, req)
		if err != nil || string(got) != string(want) {
			t.Fatalf("appendRequest = %s, %v\njson.Marshal = %s", got, err, want)
		}
		req.Header = true
		want, _ = json.Marshal(req)
		if got, err = appendRequest(nil, req); err != nil || string(got) != string(want) {
			t.Fatalf("another field: appendRequest = %s, %v\njson.Marshal = %s", got, err, want)
		}
	})
}

// Whatever a line holds, reading it by hand gives what encoding/json
// gives, or leaves it to encoding/json.
func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{
		`{"token":{"access_token":"at-000001","token_type":"Bearer","expiry":"2026-12-06T18:30:00.123456789+01:00"},"done":true}` + "\n",
		`{"token":{"access_token":"a","token_type":"Bearer","warning":"work: the provider is unreachable","git_username":"oauth2"},"done":true}`,
		`{"done":true}`, `{}`, `{"done":false}`, `{"token":{}}`, `{"token":null,"done":true}`,
		`{"Done":true}`, `{"done":true,"done":false}`, `{"token":{"access_token":"\u00e9"},"done":true}`,
		`{"token":{"expiry":"2026-13-01T00:00:00Z"},"done":true}`, `{"token":{"access_token":"é\xff"},"done":true}`,
		`{"error":{"kind":"sign-in","msg":"no"},"done":true}`, `{"asking":"Asking at your tray first."}`,
		`{"done":true} `, ` {"done":true}`, `{"done":true}x`, `{"done":tru}`, `{"done":true,}`,
		`{"token":{"access_token":"a"},"token":{"token_type":"B"},"done":true}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		got, ok := parseAnswer(line)
		if !ok {
			return
		}
		var want answer
		if err := json.Unmarshal(line, &want); err != nil {
			t.Fatalf("parsed by hand as %+v, but encoding/json refuses %q: %v", got, line, err)
		}
		if !reflect.DeepEqual(got.Token, want.Token) || got.Done != want.Done || got.Asking != "" || got.Err != nil {
			t.Fatalf("%q:\nby hand        %+v %+v\nencoding/json  %+v %+v", line, got, got.Token, want, want.Token)
		}
	})
}

// What the tray writes for a token request takes the short path: were it
// to go to encoding/json, the front would be a quarter of a millisecond
// slower and no test would fail.
func TestAnswersTakeTheShortPath(t *testing.T) {
	when := time.Date(2026, 12, 6, 18, 30, 0, 123456789, time.FixedZone("", 3600))
	for name, m := range map[string]control.Message{
		"a token":                  {Token: &control.Token{AccessToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln-_~+/=", TokenType: "Bearer", Expiry: when}, Done: true},
		"a token for git":          {Token: &control.Token{AccessToken: "at-000001", TokenType: "Bearer", GitUsername: "oauth2"}, Done: true},
		"a token with its warning": {Token: &control.Token{AccessToken: "at-000001", TokenType: "Bearer", Warning: "work: the token expires in 3 min and cannot be renewed"}, Done: true},
		"no token for that URL":    {Done: true},
	} {
		t.Run(name, func(t *testing.T) {
			line, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			a, ok := parseAnswer(append(line, '\n'))
			if !ok {
				t.Fatalf("%s went to encoding/json", line)
			}
			if !reflect.DeepEqual(a.Token, m.Token) || !a.Done {
				t.Fatalf("%s read as %+v", line, a.Token)
			}
		})
	}
}
