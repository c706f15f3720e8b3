package auth

import (
	"fmt"
	"sync"
	"time"
)

// StateKind is where a session stands.
type StateKind int

const (
	// SignedOut: no tokens in the keychain.
	SignedOut StateKind = iota
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

// State is a snapshot of a session for people: the tray renders it.
type State struct {
	Kind StateKind
	// Who is signed in, when known.
	Who string
	// Until is when the access token expires (zero if there is none).
	Until time.Time
	// HasRefreshToken tells whether the session can renew itself.
	HasRefreshToken bool
	// Since is when refreshes started failing (Retrying).
	Since time.Time
	// Err is the last failure (Retrying) or why sign-in is needed
	// (NeedsSignIn). It never holds a token.
	Err error
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

// State is the session's current state.
func (s *Session) State() State { return s.pub.get() }

// Subscribe delivers the current state at once and every change after it,
// until cancel is called. Only the newest state waits in the channel.
func (s *Session) Subscribe() (states <-chan State, cancel func()) { return s.pub.subscribe() }

func (s *Session) publishRecord(kind StateKind, rec *Record) {
	s.pub.update(func(st *State) {
		st.Kind, st.Err = kind, nil
		if kind != Refreshing { // a retry's refresh still belongs to the outage
			st.Since = time.Time{}
		}
		if rec == nil {
			st.Who, st.Until, st.HasRefreshToken = "", time.Time{}, false
			return
		}
		st.Who, st.Until, st.HasRefreshToken = rec.Who(), rec.Expiry, rec.RefreshToken != ""
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
func (s *Session) publishFresh(rec *Record) {
	if st := s.State(); (st.Kind == Retrying || st.Kind == Refreshing) && st.Until.Equal(rec.Expiry) {
		return
	}
	s.publishRecord(Valid, rec)
}
