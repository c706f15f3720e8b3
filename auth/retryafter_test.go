package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/internal/testkit"
	"github.com/tokentray/tokentray/words"
)

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	date := func(t time.Time) string { return t.Format(http.TimeFormat) }
	cases := []struct {
		name        string
		status      int
		retry, sent string // Retry-After, Date
		want        time.Duration
	}{
		{"seconds on 429", 429, "120", "", 2 * time.Minute},
		{"seconds on 503", 503, "7", "", 7 * time.Second},
		{"spaces", 429, " 30 ", "", 30 * time.Second},
		{"a date, against the answer's Date (the provider's clock is 1 h off)", 429, date(now.Add(time.Hour + 90*time.Second)), date(now.Add(time.Hour)), 90 * time.Second},
		{"a date, no Date header: against ours", 503, date(now.Add(45 * time.Second)), "", 45 * time.Second},
		{"capped", 429, "99999999999", "", retryAfterCap},
		{"beyond 64 bits, capped", 429, "99999999999999999999999", "", retryAfterCap},
		{"a date far ahead, capped", 429, date(now.Add(24 * time.Hour)), "", retryAfterCap},
		{"zero", 429, "0", "", 0},
		{"a date in the past", 429, date(now.Add(-time.Minute)), "", 0},
		{"negative", 429, "-5", "", 0},
		{"fraction", 429, "1.5", "", 0},
		{"words", 429, "soon", "", 0},
		{"absent", 429, "", "", 0},
		{"500 is no request to wait", 500, "120", "", 0},
		{"400 neither", 400, "120", "", 0},
	}
	for _, c := range cases {
		resp := &http.Response{StatusCode: c.status, Header: http.Header{}}
		if c.retry != "" {
			resp.Header.Set("Retry-After", c.retry)
		}
		if c.sent != "" {
			resp.Header.Set("Date", c.sent)
		}
		refusal := errors.New("refused")
		err := withRetryAfter(refusal, resp, now)
		at, ok := retryAfterOf(err)
		if !errors.Is(err, refusal) {
			t.Errorf("%s: the refusal is lost: %v", c.name, err)
		}
		var got time.Duration // 0: no wait asked for
		if ok {
			got = at.Sub(now)
		}
		if got != c.want {
			t.Errorf("%s: wait %s, want %s", c.name, got, c.want)
		}
		// Said as people say it, not Go's 2m0s (issue 29).
		if want := "asks to be left alone for " + words.Duration(c.want); c.want > 0 && !strings.HasSuffix(err.Error(), want) {
			t.Errorf("%s: %q, want it to end %q", c.name, err, want)
		}
	}
}

// busy answers the token request as a rate-limited provider does.
func busy(status int, retryAfter, body string) func(w http.ResponseWriter) bool {
	return func(w http.ResponseWriter) bool {
		w.Header().Set("Content-Type", "application/json")
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

// A 429 or 503 is the provider being busy, whatever its body says: never a
// sign-out. The still-valid token is served with a warning, as in any
// outage, and the error says when the provider asked to be asked again.
func TestBusyNeverSignsOut(t *testing.T) {
	for _, c := range []struct {
		name    string
		fail    func(w http.ResponseWriter) bool
		expired bool
		wait    time.Duration
	}{
		{"429 saying invalid_grant, time left", busy(429, "120", `{"error":"invalid_grant"}`), false, 2 * time.Minute},
		{"429 saying invalid_grant, expired", busy(429, "120", `{"error":"invalid_grant"}`), true, 2 * time.Minute},
		{"503 saying invalid_grant", busy(503, "", `{"error":"invalid_grant"}`), true, 0},
		{"429 without Retry-After", busy(429, "", `{"error":"rate_limited"}`), false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := testkit.NewOAuthServer(t, "none")
			kr := keychain.NewMemory(0)
			s, clock := newTestSession(t, p, kr)
			rec := login(t, s)
			p.Fail = c.fail
			clock.Add(59 * time.Minute)
			if c.expired {
				clock.Add(2 * time.Hour)
			}
			r, err := s.Get(context.Background(), 5*time.Minute)
			got := err
			if c.expired {
				if !errors.Is(err, ErrProviderUnreachable) || errors.Is(err, ErrSignInNeeded) {
					t.Errorf("got %v, want %v", err, ErrProviderUnreachable)
				}
			} else {
				got = r.Warning
				if err != nil || r.Token.AccessToken != rec.AccessToken || !errors.Is(r.Warning, ErrProviderUnreachable) {
					t.Errorf("got %+v, %v; want the still-valid token and a warning", r, err)
				}
			}
			var wait time.Duration // 0: none carried
			if at, ok := retryAfterOf(got); ok {
				wait = at.Sub(clock.Now())
			}
			if wait != c.wait {
				t.Errorf("Retry-After: %s, want %s", wait, c.wait)
			}
			if got != nil && (strings.Contains(got.Error(), rec.RefreshToken) || strings.Contains(got.Error(), rec.AccessToken)) {
				t.Errorf("the error shows a token: %v", got)
			}
			if k := s.State().Kind; k != Retrying {
				t.Errorf("state %s, want %s", k, Retrying)
			}
			stored, err := keychain.MemoryStore(kr).Load("work")
			if err != nil || stored.RefreshToken != rec.RefreshToken || !stored.Rejected.IsZero() {
				t.Errorf("the keychain after a busy answer: %v, refresh token kept %v", err, err == nil && stored.RefreshToken == rec.RefreshToken)
			}
		})
	}
}

// The background loop asks again no earlier than Retry-After, plus the
// backoff's jitter; without one, the backoff alone.
func TestRunWaitsForRetryAfter(t *testing.T) {
	for _, c := range []struct {
		name string
		fail func(w http.ResponseWriter) bool
		wait time.Duration
		// expired: the access token has run out by then (a laptop woken
		// after hours): the wait is honoured all the same (README).
		expired bool
	}{
		{"429, seconds", busy(429, "300", `{"error":"slow_down"}`), 5 * time.Minute, false},
		{"429, seconds, the token expired", busy(429, "300", `{"error":"slow_down"}`), 5 * time.Minute, true},
		{"503, seconds, the token expired", busy(503, "120", "busy"), 2 * time.Minute, true},
		// The server's Date is the real clock's, not the test's: the wait is
		// what the two headers say together.
		{"503, a date", func(w http.ResponseWriter) bool {
			return busy(503, time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat), "busy")(w)
		}, 90 * time.Second, false},
		{"429 asking for an hour", busy(429, "3600", ""), retryAfterCap, false},
		{"503 without", busy(503, "", "busy"), 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := testkit.NewOAuthServer(t, "none")
			s, clock := newTestSession(t, p, keychain.NewMemory(0))
			login(t, s)
			p.Fail = c.fail
			b := runState{backoff: backoff{min: s.retryMin, max: s.retryMax}}
			s.step(context.Background(), &b) // plans the refresh, as Run does first
			clock.Add(59 * time.Minute)      // past the plan: due
			if c.expired {
				clock.Add(2 * time.Hour)
			}
			now := clock.Now()
			next := s.step(context.Background(), &b)
			if n := p.Count("refresh_token"); n != 1 {
				t.Fatalf("%d refresh attempts, want 1", n)
			}
			// The first backoff step is between half and all of RetryMin, after
			// the wait asked for (the date is to the second).
			lo, hi := now.Add(c.wait+s.retryMin/2-time.Second), now.Add(c.wait+s.retryMin)
			if next.Before(lo) || next.After(hi) {
				t.Errorf("next attempt in %s, want between %s and %s", next.Sub(now), lo.Sub(now), hi.Sub(now))
			}
			// A wake (resume, clock change) or a poke meanwhile asks again at
			// once after a plain failure, but waits out a Retry-After.
			clock.Add(time.Second)
			b.woke = true
			again := s.step(context.Background(), &b)
			if want := map[bool]int{true: 1, false: 2}[c.wait > 0]; p.Count("refresh_token") != want {
				t.Errorf("%d refresh attempts after a wake, want %d", p.Count("refresh_token"), want)
			}
			if c.wait > 0 && !again.Equal(now.Add(c.wait)) {
				t.Errorf("after a wake, next attempt in %s, want %s", again.Sub(now), c.wait)
			}
		})
	}
}
