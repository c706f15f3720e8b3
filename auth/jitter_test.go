package auth

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/profile"
)

// Proactive refreshes of tokens issued together spread over the first half
// of the margin window, repeatably for a given seed and profile; a session
// that first looks, or wakes, inside the window spreads over the first half
// of what is left.
func TestRefreshPlanSpread(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	exp := t0.Add(time.Hour)
	const margin = 9 * time.Minute // 15 % of an hour
	session := func(i int, seed uint64) *Session {
		return NewSession(&profile.Profile{Name: fmt.Sprintf("p%d", i)}, Options{Seed: seed, Store: keychain.MemoryStore(keychain.NewMemory(0))})
	}
	// spread draws n plans at now and reports them in quarters of
	// [lo, lo+width].
	spread := func(now, lo time.Time, width time.Duration) (quarters [4]int) {
		t.Helper()
		for i := range 1000 {
			var st runState
			at := st.planned(exp, margin, now, session(i, 1).rnd)
			q := int(4 * at.Sub(lo) / (width + 1))
			if q < 0 || q > 3 {
				t.Fatalf("planned %s after %s, outside [0, %s]", at.Sub(lo), lo.Format(time.TimeOnly), width)
			}
			quarters[q]++
		}
		for _, n := range quarters {
			if n < 200 || n > 300 { // 250 expected; 200 and 300 are 3.6 standard deviations off
				t.Errorf("planned at %s: %v per quarter of [%s, +%s], want about 250 each", now.Format(time.TimeOnly), quarters, lo.Format(time.TimeOnly), width)
				break
			}
		}
		return quarters
	}
	due := exp.Add(-margin)
	t.Logf("planned from the sign-in: %v per quarter", spread(t0, due, margin/2))
	late := exp.Add(-4 * time.Minute) // starting, or waking, with 4 minutes left
	t.Logf("planned with 4 min left: %v per quarter", spread(late, late, 2*time.Minute))

	// Repeatable per seed and profile, and different between profiles.
	a, b, c := session(7, 42), session(7, 42), session(8, 42)
	var sa, sb, sc runState
	pa, pb, pc := sa.planned(exp, margin, t0, a.rnd), sb.planned(exp, margin, t0, b.rnd), sc.planned(exp, margin, t0, c.rnd)
	if !pa.Equal(pb) || pa.Equal(pc) {
		t.Errorf("same seed and profile: %s and %s; another profile: %s", pa, pb, pc)
	}

	// Drawn once per token: looking again (a poke, the timer) keeps it,
	// however late; a wake before it keeps it; a wake past it draws again
	// from what is left; a new token draws anew.
	s := session(1, 3)
	var st runState
	p0 := st.planned(exp, margin, t0, s.rnd)
	if p := st.planned(exp, margin, p0.Add(time.Second), s.rnd); !p.Equal(p0) {
		t.Errorf("looked again: %s, want %s", p, p0)
	}
	st.woke = true
	if p := st.planned(exp, margin, p0.Add(-time.Second), s.rnd); !p.Equal(p0) {
		t.Errorf("woke before the plan: %s, want %s", p, p0)
	}
	st.woke = true
	now := exp.Add(-time.Minute)
	if p := st.planned(exp, margin, now, s.rnd); p.Before(now) || p.After(now.Add(30*time.Second)) {
		t.Errorf("woke past the plan with 1 min left: planned in %s, want within 30 s", p.Sub(now))
	}
	next := exp.Add(time.Hour)
	if p := st.planned(next, margin, exp, s.rnd); p.Before(next.Add(-margin)) || p.After(next.Add(-margin/2)) {
		t.Errorf("the next token: %s before its expiry", next.Sub(p))
	}
	if p := st.planned(t0, margin, exp, s.rnd); !p.Equal(exp) {
		t.Errorf("an expired token: planned %s after now, want now", p.Sub(exp))
	}

	// What Run sleeps until is this plan.
	s = session(5, 9)
	rec := &keychain.Record{AccessToken: "a", RefreshToken: "r", SignedInAt: t0, Expiry: exp}
	if err := s.save(rec); err != nil {
		t.Fatal(err)
	}
	s.clock = &fakeClock{now: t0}
	st = runState{backoff: backoff{min: time.Second, max: time.Minute}}
	var fresh runState
	want := fresh.planned(exp, margin, t0, session(5, 9).rnd)
	if got := s.step(context.Background(), &st); !got.Equal(want) {
		t.Errorf("Run sleeps until %s, want %s", got, want)
	}
}
