package auth

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
)

// RefreshMargin is how long before expiry Run renews the access token (at
// a moment in the first half of it, see runState.planned): the profile's
// refresh_margin, else max(60 s, 15 % of the token's lifetime).
// It is never more than half the lifetime, so a short-lived token is not
// renewed the moment it arrives.
func (s *Session) RefreshMargin(rec *keychain.Record) time.Duration {
	issued := rec.RefreshedAt
	if issued.IsZero() {
		issued = rec.SignedInAt
	}
	life := expiryOf(rec).Sub(issued)
	m := s.profile.RefreshMargin.Duration
	switch {
	case m > 0:
	case s.profile.Machine():
		m = time.Minute // the buffer DT documents: a new token is cheap
	default:
		m = max(time.Minute, life*15/100)
	}
	if life > 0 && m > life/2 {
		m = life / 2
	}
	return m
}

// wake makes Run look again at once.
func (s *Session) wake() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// Run keeps the session's access token fresh until ctx ends: it refreshes
// ahead of expiry, retries failures with exponential backoff and jitter
// (serving the still-valid token meanwhile), and notices within seconds
// when the machine wakes from sleep. Between refreshes it only waits.
func (s *Session) Run(ctx context.Context) {
	wakes, stop := watchWall(s.clock)
	defer stop()
	st := runState{backoff: backoff{min: s.retryMin, max: s.retryMax, rnd: s.rnd}}
	for {
		next := s.step(ctx, &st)
		var timer *time.Timer
		var fire <-chan time.Time
		if !next.IsZero() {
			timer = time.NewTimer(max(next.Sub(s.now()), 0))
			fire = timer.C
		}
		select {
		case <-ctx.Done():
		case <-fire:
		case <-wakes:
			s.log.Debug("the wall clock jumped (wake from sleep?); looking again")
			st.woke = true
		case <-s.poke:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// runState is what Run carries from one step to the next. Only Run's
// goroutine uses it, and s.rnd through it.
type runState struct {
	backoff
	// plan is when the token expiring at planFor is to be renewed.
	plan, planFor time.Time
	// woke is set when the wall clock jumped (a resume) since the last step.
	woke bool
	// quietUntil is when the provider, refusing to renew the token expiring
	// at quietFor, asked to be asked again (Retry-After).
	quietUntil, quietFor time.Time
}

// step does what is due now and returns when to look again (zero: only
// when poked or woken). A wake or a poke during a backoff retries at once:
// after a resume or a sign-in, waiting out the old backoff helps no one. A
// provider's Retry-After is waited out all the same: it asked.
func (s *Session) step(ctx context.Context, b *runState) time.Time {
	rec, err := s.read()
	now := s.now()
	switch {
	case errors.Is(err, keychain.ErrNotFound):
		b.reset()
		if s.State().Kind != SigningIn {
			s.publish(nil)
		}
		return time.Time{}
	case errors.Is(err, errElsewhere):
		b.reset()
		if s.State().Kind != SigningIn {
			s.publishFailure(NeedsSignIn, err)
		}
		return time.Time{}
	case err != nil: // a keychain that is locked or gone: try again later
		if s.State().Until.IsZero() {
			// Nothing known of a sign-in: the keychain is the news, not
			// an outage of a session that may not exist.
			s.pub.update(func(st *State) { *st = State{Kind: Unknown, Err: err} })
		} else {
			s.publishFailure(Retrying, err)
		}
		return b.next(now)
	}
	if !s.renewable(rec) {
		// Valid until it expires, then sign-in needed (keeping the
		// provider's own words, once it has said no).
		if s.stateOf(rec, now).Kind != NeedsSignIn || s.State().Kind != NeedsSignIn {
			s.publish(rec)
		}
		if s.State().Kind == Valid {
			return expiryOf(rec)
		}
		return time.Time{}
	}
	margin := s.RefreshMargin(rec)
	// expiryOf, not rec.Expiry: a provider that sends no expires_in leaves
	// it zero, which is always due, and Get, counting an hour, would not
	// refresh: Run would spin on the keychain.
	exp := expiryOf(rec)
	due := b.planned(exp, margin, now, s.rnd)
	if now.Before(due) && !b.failing() {
		s.publish(rec)
		s.log.Debug("next refresh planned", "at", due, "margin", margin)
		return due
	}
	if b.failing() && now.Before(b.quietUntil) && b.quietFor.Equal(exp) {
		return b.quietUntil
	}
	res, err := s.Get(ctx, margin)
	switch {
	case errors.Is(err, ErrSignInNeeded):
		b.reset()
		return time.Time{}
	case err != nil || res.Warning != nil:
		from := s.now()
		if until, ok := retryAfterOf(err, res.Warning); ok && until.After(from) {
			// Not before the provider said (429 or 503 with Retry-After),
			// and the backoff's jitter after that: everyone told the same
			// second must not come back in it together.
			from = until
			b.quietUntil, b.quietFor = until, exp
		}
		at := b.next(from)
		s.log.Debug("retry planned", "at", at, "attempt", b.attempt)
		return at
	}
	b.reset()
	return s.now() // look again at once: plan the next refresh from the new record
}

// planned is when to renew the token expiring at exp: a moment drawn once
// per token, uniformly from the first half of the margin window,
// [exp−margin, exp−margin/2], so that tokens issued together (a company
// signing in at nine) are not all renewed in the same second; the second
// half is left for retries. A session that starts, or resumes from sleep,
// past its moment draws again from the first half of what is left, so
// that laptops waking together spread too. No timer is added: Run sleeps
// until this moment instead of exp−margin.
func (b *runState) planned(exp time.Time, margin time.Duration, now time.Time, rnd *rand.Rand) time.Time {
	woke := b.woke
	b.woke = false
	if b.planFor.Equal(exp) && !(woke && now.After(b.plan)) {
		return b.plan
	}
	start := exp.Add(-margin)
	if now.After(start) {
		start = now
	}
	b.plan, b.planFor = start, exp
	if spread := exp.Sub(start) / 2; spread > 0 && spreadRefreshes {
		b.plan = start.Add(time.Duration(rnd.Int64N(int64(spread) + 1)))
	}
	return b.plan
}

// spreadRefreshes is false only in the company-at-nine simulation's
// comparison run (sim_test.go): what synchronised wake-ups did before.
var spreadRefreshes = true

// backoff doubles from min to max, with jitter so that many clients coming
// back from one outage do not all ask at once.
type backoff struct {
	min, max time.Duration
	attempt  int
	rnd      *rand.Rand // nil: the global source
}

func (b *backoff) reset()        { b.attempt = 0 }
func (b *backoff) failing() bool { return b.attempt > 0 }

func (b *backoff) next(now time.Time) time.Time {
	d := b.min << min(b.attempt, 20)
	if d > b.max || d <= 0 {
		d = b.max
	}
	b.attempt++
	// Between half and all of d.
	if b.rnd != nil {
		d = d/2 + time.Duration(b.rnd.Int64N(int64(d/2)+1))
	} else {
		d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	}
	return now.Add(d)
}
