package auth

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
)

// StateKind is where a session stands.
type StateKind int

const (
	// Unknown: the keychain has not been read yet (or could not be).
	Unknown StateKind = iota
	// SignedOut: no tokens in the keychain.
	SignedOut
	// SigningIn: a browser sign-in is under way.
	SigningIn
	// Valid: the access token is good until State.Until.
	Valid
	// Refreshing: a refresh request is in flight.
	Refreshing
	// Retrying: refreshes fail for reasons that sign no one out (network,
	// 5xx, garbage, a keychain that does not answer); the access token is
	// still served while it lasts.
	Retrying
	// NeedsSignIn: the provider rejected the refresh token (invalid_grant),
	// or the token expired and there is no refresh token.
	NeedsSignIn
)

func (k StateKind) String() string {
	switch k {
	case Unknown:
		return "unknown"
	case SignedOut:
		return "signed out"
	case SigningIn:
		return "signing in"
	case Valid:
		return "valid"
	case Refreshing:
		return "refreshing"
	case Retrying:
		return "retrying"
	case NeedsSignIn:
		return "needs sign-in"
	}
	return fmt.Sprintf("StateKind(%d)", int(k))
}

// State is the one account of a session that everything shows — the tray
// menu, `status`, the windows and the notifications. It holds no secret.
type State struct {
	Kind StateKind
	// Who is signed in, when known.
	Who string
	// Until is when the access token expires (zero if there is none, or
	// the provider did not say).
	Until time.Time
	// HasRefreshToken tells whether the session can renew itself.
	HasRefreshToken bool
	// RefreshUntil is when the refresh token ends, when known.
	RefreshUntil time.Time
	// SignedInAt and RefreshedAt: the last sign-in and the last refresh.
	SignedInAt, RefreshedAt time.Time
	// Scope is what the provider granted, when it said.
	Scope string
	// Since is when refreshes started failing (Retrying).
	Since time.Time
	// Err is the last failure (Retrying), why sign-in is needed
	// (NeedsSignIn), or why the keychain could not be read (Unknown). It
	// never holds a token.
	Err error
}

// errRejected is why a record marked Rejected needs a sign-in.
var errRejected = fmt.Errorf("%w: the provider no longer accepts the saved sign-in", ErrSignInNeeded)

// errExpiredNoRefresh is why a record that cannot renew itself needs a
// sign-in once its access token has expired.
var errExpiredNoRefresh = fmt.Errorf("%w: the access token expired and the provider gives no refresh token", ErrSignInNeeded)

// stateOf is what a stored record means at now: the one rule that turns
// the keychain's contents into a State, in every process.
func (s *Session) stateOf(rec *keychain.Record, now time.Time) State {
	if rec == nil {
		return State{Kind: SignedOut}
	}
	st := State{Kind: Valid, Who: rec.Who(), Until: rec.Expiry, HasRefreshToken: rec.RefreshToken != "",
		RefreshUntil: rec.RefreshExpiry, SignedInAt: rec.SignedInAt, RefreshedAt: rec.RefreshedAt, Scope: rec.Scope}
	switch {
	case !rec.Rejected.IsZero():
		st.Kind, st.Err = NeedsSignIn, errRejected
	case !s.renewable(rec) && remaining(rec, now) <= 0:
		st.Kind, st.Err = NeedsSignIn, errExpiredNoRefresh
	}
	return st
}

// publisher fans states out to subscribers; a slow subscriber only ever
// misses intermediate states, never the latest one.
type publisher struct {
	mu    sync.Mutex
	state State
	subs  map[chan State]struct{}
}

func (p *publisher) get() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

// update applies f to the current state and publishes the result.
func (p *publisher) update(f func(*State)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.state)
	for ch := range p.subs {
		select {
		case <-ch: // drop the stale one
		default:
		}
		ch <- p.state
	}
}

func (p *publisher) subscribe() (<-chan State, func()) {
	ch := make(chan State, 1)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.subs == nil {
		p.subs = map[chan State]struct{}{}
	}
	p.subs[ch] = struct{}{}
	ch <- p.state
	return ch, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		delete(p.subs, ch)
	}
}

// State is the session's current state, as last published; Unknown until
// the keychain has been read (see Look).
func (s *Session) State() State { return s.pub.get() }

// Look is the session's state, reading the keychain first if this session
// has not read it yet. A keychain that cannot be read leaves it Unknown,
// with the reason in Err, and is asked again next time.
func (s *Session) Look() State {
	if st := s.State(); st.Kind != Unknown {
		return st
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.State(); st.Kind != Unknown {
		return st
	}
	rec, err := s.read()
	switch {
	case errors.Is(err, keychain.ErrNotFound):
		s.publish(nil)
	case errors.Is(err, errElsewhere):
		s.publishFailure(NeedsSignIn, err)
	case err != nil:
		s.pub.update(func(st *State) { *st = State{Kind: Unknown, Err: err} })
	default:
		s.mem = rec
		s.publish(rec)
	}
	return s.State()
}

// Subscribe delivers the current state at once and every change after it,
// until cancel is called. Only the newest state waits in the channel.
func (s *Session) Subscribe() (states <-chan State, cancel func()) { return s.pub.subscribe() }

// publish shows what rec means (nil: signed out).
func (s *Session) publish(rec *keychain.Record) {
	st := s.stateOf(rec, s.now())
	s.pub.update(func(cur *State) { *cur = st })
}

// publishRefreshing: a refresh of rec is in flight. A retry's refresh
// still belongs to the outage, so Since stays.
func (s *Session) publishRefreshing(rec *keychain.Record) {
	st := s.stateOf(rec, s.now())
	s.pub.update(func(cur *State) {
		st.Kind, st.Since = Refreshing, cur.Since
		*cur = st
	})
}

func (s *Session) publishFailure(kind StateKind, err error) {
	now := s.now()
	s.pub.update(func(st *State) {
		switch {
		case kind != Retrying:
			st.Since = time.Time{}
		case st.Since.IsZero():
			st.Since = now // the first failure of this outage
		}
		st.Kind, st.Err = kind, err
	})
}

// publishFresh reports a stored token found good enough. While background
// refreshes fail, the session stays Retrying, unless these are new tokens
// (another process refreshed them).
func (s *Session) publishFresh(rec *keychain.Record) {
	if st := s.State(); (st.Kind == Retrying || st.Kind == Refreshing) && st.Until.Equal(rec.Expiry) {
		return
	}
	s.publish(rec)
}
