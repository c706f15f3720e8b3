package auth

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/plain"
	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/words"
)

var (
	// ErrSignInNeeded means there are no usable tokens: never signed in, or
	// the provider rejected the refresh token (invalid_grant).
	ErrSignInNeeded = errors.New("sign-in needed")
	// ErrClientRefused means the provider does not accept the client's id
	// or secret (invalid_client): a setting to fix, not an outage.
	ErrClientRefused = errors.New("the provider does not accept this client's id or secret")
	// ErrProviderUnreachable means the provider could not be asked, or
	// answered with something other than a decision (network error, 5xx,
	// garbage). It never signs anyone out.
	ErrProviderUnreachable = errors.New("provider unreachable")
)

// Options configure a Session.
type Options struct {
	// Store is the keychain; nil means NewStore().
	Store *keychain.Store
	// HTTPClient talks to the provider; nil means one built from the
	// profile (ca_file, proxies from the environment, timeouts).
	HTTPClient *http.Client
	// Clock is the wall clock; nil means the system's.
	Clock Clock
	// RetryMin and RetryMax bound the backoff between failed background
	// refreshes; 0 means 1 s and 5 min.
	RetryMin, RetryMax time.Duration
	// Seed, when not 0, makes the jitter of planned refreshes and retries
	// repeatable (tests and simulations): each session draws from a source
	// seeded with Seed and its profile's name. 0 seeds at random.
	Seed uint64
	// Log receives what the session does, for troubleshooting; nil logs
	// nothing. Tokens, codes and secrets are never logged.
	Log *slog.Logger
	// Policy is the machine's policy (nil: none): the managed profiles it
	// names stand beside the person's (Sessions), and it judges imports.
	Policy *policy.Policy
	// TrustMemory lets Get hand out a fresh access token it read or stored
	// before without reading the keychain again: for a long-lived process
	// that serves many requests (the tray). A refresh always re-reads the
	// keychain under the profile's lock, so another process's rotation is
	// never missed; only a sign-out made by a process outside the tray
	// goes unnoticed until the token would be renewed.
	TrustMemory bool
	// AwaitRefresh, when not 0, is how long a refresh that has reached the
	// provider is awaited — in the background, callers waiting only a few
	// seconds for it: for a long-lived process (the tray), so that a
	// provider that hangs and comes back answers the request it has
	// rather than see a second one with the same refresh token. 0 (a
	// command on its own): callers wait for the answer, which the HTTP
	// client bounds as any request.
	AwaitRefresh time.Duration
}

// Session is one profile's sign-in: it signs in, hands out access tokens,
// refreshes them (on demand, and ahead of expiry while Run runs) and signs
// out. It is an oauth2.TokenSource, safe for concurrent use, and it
// publishes its State to subscribers.
type Session struct {
	profile            *profile.Profile
	store              *keychain.Store
	clock              Clock
	retryMin, retryMax time.Duration
	rnd                *rand.Rand // Run's jitter; only Run's goroutine uses it
	log                *slog.Logger
	disc               discovery
	pub                publisher
	// hc talks to the provider; made on first use (see client).
	hcOnce sync.Once
	hc     *http.Client
	hcErr  error

	// mu makes refreshes single-flight within the process; lockProfile
	// does the same across processes.
	mu sync.Mutex
	// poke wakes Run after a sign-in, sign-out or "refresh now".
	poke chan struct{}
	// trustMemory: see Options.TrustMemory; mem is the record last read or
	// stored (under mu).
	trustMemory bool
	mem         *keychain.Record
	// flight is the refresh out with the provider (under mu), gen counts
	// sign-ins and sign-outs, awaitRefresh is Options.AwaitRefresh.
	flight       *flight
	gen          int
	awaitRefresh time.Duration
}

var _ oauth2.TokenSource = (*Session)(nil)

// NewSession prepares a session; it touches neither the network, the
// keychain nor any file the profile names (see client).
func NewSession(p *profile.Profile, opts Options) *Session {
	s := &Session{profile: p, store: opts.Store, hc: opts.HTTPClient, clock: opts.Clock,
		retryMin: opts.RetryMin, retryMax: opts.RetryMax, log: opts.Log, poke: make(chan struct{}, 1),
		trustMemory: opts.TrustMemory, awaitRefresh: opts.AwaitRefresh}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("profile", p.Name)
	if s.store == nil {
		s.store = keychain.NewStore()
	}
	if s.clock == nil {
		s.clock = systemClock{}
	}
	if s.retryMin <= 0 {
		s.retryMin = time.Second
	}
	if s.retryMax <= 0 {
		s.retryMax = 5 * time.Minute
	}
	seed := opts.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	name := fnv.New64a()
	name.Write([]byte(p.Name))
	s.rnd = rand.New(rand.NewPCG(seed, name.Sum64()))
	return s
}

// client is the HTTP client for the provider, made when the provider is
// first called: a command that only reads the keychain reads no ca_file.
func (s *Session) client() (*http.Client, error) {
	s.hcOnce.Do(func() {
		if s.hc == nil {
			s.hc, s.hcErr = newHTTPClient(s.profile)
		}
	})
	return s.hc, s.hcErr
}

func (s *Session) now() time.Time { return s.clock.Now() }

// Profile is the profile this session signs in to.
func (s *Session) Profile() *profile.Profile { return s.profile }

// Token returns an access token with at least defaults.MinValid left,
// refreshing first when needed.
func (s *Session) Token() (*oauth2.Token, error) {
	r, err := s.Get(context.Background(), defaults.MinValid)
	if err != nil {
		return nil, err
	}
	return r.Token, nil
}

// TokenResult is a token and how it was obtained.
type TokenResult struct {
	Token *oauth2.Token
	// Refreshed is true when the provider was asked for this token.
	Refreshed bool
	// Warning is set when the token is still valid but could not be renewed
	// for as long as asked: the refresh failed for a reason that signs no one
	// out, or there is no refresh token.
	Warning error
}

// Get returns an access token with more than minValid left. It reuses the
// stored one when it can, without any provider call; otherwise it refreshes,
// and stores any rotated refresh token before returning the new access token.
//
// One refresh at a time is out with the provider (a flight): a caller that
// finds one waits for its answer rather than presenting the same refresh
// token again — with rotation and reuse detection a second presentation
// would end the sign-in once the provider, stopped for a while, processes
// both. See Options.AwaitRefresh for how long each waits.
func (s *Session) Get(ctx context.Context, minValid time.Duration) (TokenResult, error) {
	// A profile that still holds an example value was never signed in and
	// cannot be: say what to fix, not "sign in", which would only refuse.
	if err := s.profile.Ready(); err != nil {
		return TokenResult{}, err
	}
	s.mu.Lock()
	f := s.flight
	var (
		res TokenResult
		err error
	)
	if f == nil {
		res, f, err = s.getLocked(ctx, minValid)
	}
	s.mu.Unlock()
	if f == nil {
		return res, err
	}
	return s.await(ctx, f)
}

// getLocked is Get's look at the keychain and, when a refresh is due,
// the start of its flight. Callers hold s.mu, and no flight is out.
func (s *Session) getLocked(ctx context.Context, minValid time.Duration) (TokenResult, *flight, error) {
	if s.trustMemory && s.mem != nil && fresh(s.mem, s.now(), minValid) {
		return TokenResult{Token: tokenOf(s.mem)}, nil, nil
	}
	// The keychain may hold a token another process renewed; when the last
	// one seen is already too old, the look under the lock below will do.
	if s.mem == nil || fresh(s.mem, s.now(), minValid) {
		rec, err := s.load()
		if err != nil {
			return TokenResult{}, nil, err
		}
		if fresh(rec, s.now(), minValid) {
			s.publishFresh(rec)
			return TokenResult{Token: tokenOf(rec)}, nil, nil
		}
	}
	// Another process may be refreshing right now: take the profile's lock,
	// then look again, since it may have rotated the refresh token already.
	lockStart := time.Now()
	unlock, err := lockProfile(ctx, s.profile.Name)
	if err != nil {
		return TokenResult{}, nil, err
	}
	s.log.Debug("took the refresh lock", "waited", time.Since(lockStart).Round(time.Millisecond))
	rec, err := s.load()
	if err != nil {
		unlock()
		return TokenResult{}, nil, err
	}
	now := s.now()
	if fresh(rec, now, minValid) {
		unlock()
		s.publishFresh(rec)
		return TokenResult{Token: tokenOf(rec)}, nil, nil
	}
	name := s.profile.Name
	if !s.renewable(rec) {
		unlock()
		s.publish(rec)
		if stillValid(rec, now) {
			return TokenResult{Token: tokenOf(rec), Warning: fmt.Errorf("%s: the token expires in %s and cannot be renewed; sign in again before then", name, words.Duration(remaining(rec, now)))}, nil, nil
		}
		why := errExpiredNoRefresh
		if !rec.Rejected.IsZero() {
			why = errRejected
		}
		return TokenResult{}, nil, fmt.Errorf("%s: %w", name, why)
	}
	s.log.Debug("refreshing", "remaining", remaining(rec, now).Round(time.Second), "min_valid", minValid)
	s.publishRefreshing(rec)
	f := &flight{prev: rec, gen: s.gen, done: make(chan struct{})}
	s.flight = f
	go s.fly(f, unlock)
	return TokenResult{}, f, nil
}

// flight is one refresh out with the provider.
type flight struct {
	prev *keychain.Record // what it renews
	gen  int              // s.gen when it left: a sign-in or sign-out since makes its answer moot
	done chan struct{}    // closed when it has an answer (next or err)
	next *keychain.Record
	err  error
}

// fly asks the provider for new tokens and keeps them, holding the
// profile's lock (so that no process presents the same refresh token)
// until the answer is stored — however long the provider takes once the
// request has reached it (AwaitRefresh).
func (s *Session) fly(f *flight, unlock func()) {
	// Once sent, a refresh is seen through to the keychain even if every
	// caller gives up (Ctrl-C, SIGTERM at shutdown): the provider may
	// already have rotated, and an answer dropped here would lose the
	// sign-in.
	ctx := context.Background()
	if s.awaitRefresh > 0 {
		ctx = awaitAnswer(ctx, s.awaitRefresh)
	}
	next, err := s.refresh(ctx, f.prev)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer unlock() // before s.mu: no flight shows while the lock is still held
	defer func() {
		f.next, f.err = next, err
		s.flight = nil
		close(f.done)
	}()
	name := s.profile.Name
	switch {
	case s.gen != f.gen:
		// Signed out (or in again) meanwhile: these tokens belong to a
		// sign-in that is over. They are not kept, nor handed out.
		err = fmt.Errorf("%s: %w: signed out while the provider was answering a renewal", name, ErrSignInNeeded)
		s.log.Debug("a renewal answered after a sign-out or sign-in; not kept")
		if next != nil {
			// Live at the provider, kept nowhere: revoked, best effort.
			go func(orphan *keychain.Record) { _ = s.revoke(context.Background(), orphan) }(next)
		}
		next = nil
	case errors.Is(err, ErrSignInNeeded):
		s.reject(f.prev, err)
	case err != nil:
		s.log.Debug("refresh failed", "err", err)
		s.publishFailure(Retrying, err)
	default:
		// The provider may have rotated the refresh token and forgotten the
		// old one: it must be safely stored before anyone uses the new
		// access token.
		if serr := s.save(next); serr != nil {
			err = fmt.Errorf("refresh %s: the new tokens could not be stored, so they are not used: %w", name, serr)
			next = nil
			s.publishFailure(Retrying, err)
			return
		}
		s.mem = next
		s.log.Debug("refreshed and stored", "expiry", next.Expiry, "refresh_token_rotated", next.RefreshToken != f.prev.RefreshToken)
		s.publish(next)
	}
}

// errPending is a renewal the provider has not answered yet: tokentray
// waits for that answer rather than ask again with the same refresh token.
var errPending = fmt.Errorf("%w: the provider has not answered the renewal yet; tokentray waits for its answer rather than ask again", ErrProviderUnreachable)

// await waits for f's answer as long as a caller should: in the tray, a
// few seconds (then the still-valid token with a warning, or "not yet"),
// the flight going on; in a command of its own, until the answer, which
// its HTTP client bounds.
func (s *Session) await(ctx context.Context, f *flight) (TokenResult, error) {
	now := s.now()
	if s.awaitRefresh <= 0 {
		<-f.done
		return s.landed(f, now)
	}
	patience := 25 * time.Second // nothing else to hand out: wait a while
	if stillValid(f.prev, now) {
		patience = 5 * time.Second
	}
	t := time.NewTimer(patience)
	defer t.Stop()
	select {
	case <-f.done:
		return s.landed(f, now)
	case <-ctx.Done():
		return TokenResult{}, ctx.Err()
	case <-t.C:
	}
	s.publishFailure(Retrying, errPending)
	if stillValid(f.prev, now) {
		return TokenResult{Token: tokenOf(f.prev), Warning: errPending}, nil
	}
	return TokenResult{}, fmt.Errorf("%s: %w", s.profile.Name, errPending)
}

// landed is what a flight's answer gives its callers.
func (s *Session) landed(f *flight, now time.Time) (TokenResult, error) {
	switch {
	case f.err == nil:
		return TokenResult{Token: tokenOf(f.next), Refreshed: true}, nil
	case errors.Is(f.err, ErrProviderUnreachable) && stillValid(f.prev, now):
		return TokenResult{Token: tokenOf(f.prev), Warning: f.err}, nil
	}
	return TokenResult{}, f.err
}

// stillValid tells whether r's access token may still be served, however
// briefly: a renewal that failed for a reason that signs no one out
// leaves it in use until it expires.
func stillValid(r *keychain.Record, now time.Time) bool {
	return r.AccessToken != "" && r.Rejected.IsZero() && remaining(r, now) > 0
}

// renewable tells whether the session can get a new access token without
// the user: with a refresh token, or a service account's credentials.
func (s *Session) renewable(rec *keychain.Record) bool {
	return s.profile.Machine() || rec.RefreshToken != ""
}

// reject records that the provider refused rec's refresh token, for why:
// the dead token leaves the keychain and the mark tells every process that
// sign-in is needed. Callers hold s.mu and the profile's lock.
func (s *Session) reject(rec *keychain.Record, why error) {
	ended := *rec
	// The access token goes too: a provider that ends a grant revokes its
	// tokens with it, and one handed out after "sign in again" would only
	// fail where it is used — every path says sign-in is needed instead.
	ended.AccessToken, ended.Expiry = "", time.Time{}
	ended.RefreshToken, ended.RefreshExpiry, ended.Rejected = "", time.Time{}, s.now()
	s.mem = &ended
	if err := s.save(&ended); err != nil {
		s.log.Warn("the rejected sign-in could not be marked in the keychain", "err", err)
	}
	st := s.stateOf(&ended, s.now())
	st.Err = why // the provider's own words, not only ours
	s.pub.update(func(cur *State) { *cur = st })
}

// load reads the record; no record means sign-in is needed. Callers hold
// s.mu.
func (s *Session) load() (*keychain.Record, error) {
	rec, err := s.read()
	switch {
	case errors.Is(err, keychain.ErrNotFound) && s.profile.Machine():
		// No person signs a machine in: its first token comes on first
		// use, from its own credentials, as its later ones do.
		s.mem = nil
		return &keychain.Record{SignedInAt: s.now()}, nil
	case errors.Is(err, keychain.ErrNotFound):
		s.mem = nil
		s.publish(nil)
		return nil, fmt.Errorf("%s: %w: no sign-in for it is kept in %s", s.profile.Name, ErrSignInNeeded, s.store.Name())
	case errors.Is(err, errElsewhere):
		s.mem = nil
		s.publishFailure(NeedsSignIn, err)
		return nil, err
	case err != nil:
		return nil, err
	}
	s.mem = rec
	return rec, nil
}

// Refresh renews the tokens now, whatever their lifetime ("Refresh now").
func (s *Session) Refresh(ctx context.Context) error {
	r, err := s.Get(ctx, 1<<62)
	if err == nil && r.Warning != nil {
		err = r.Warning
	}
	return err
}

// fresh tells whether r's access token may be handed out for minValid
// more: one kept before tokens were checked where they enter, holding
// what no token may, is renewed rather than served.
func fresh(r *keychain.Record, now time.Time, minValid time.Duration) bool {
	return r.Rejected.IsZero() && plain.AccessToken(r.AccessToken) && remaining(r, now) > minValid
}

// remaining is the lifetime left (see expiryOf).
func remaining(r *keychain.Record, now time.Time) time.Duration {
	return expiryOf(r).Sub(now)
}

// expiryOf is when r's access token expires; a token without expiry counts
// as valid for an hour from its last refresh, the commonest lifetime,
// rather than for ever.
func expiryOf(r *keychain.Record) time.Time {
	if !r.Expiry.IsZero() {
		return r.Expiry
	}
	base := r.RefreshedAt
	if base.IsZero() {
		base = r.SignedInAt
	}
	return base.Add(time.Hour)
}

func tokenOf(r *keychain.Record) *oauth2.Token {
	typ := r.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	return &oauth2.Token{AccessToken: r.AccessToken, TokenType: typ, Expiry: r.Expiry}
}

// refresh asks the provider for new tokens; it returns the record to store.
func (s *Session) refresh(ctx context.Context, rec *keychain.Record) (*keychain.Record, error) {
	name := s.profile.Name
	if err := s.profile.Ready(); err != nil {
		return nil, err
	}
	if s.profile.Machine() {
		next, err := s.machineToken(ctx, rec)
		if err != nil {
			return nil, fmt.Errorf("token for %s: %w", name, err)
		}
		return next, nil
	}
	cfg, _, err := s.oauthConfig(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("refresh %s: %w", name, err)
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rec.RefreshToken}}
	if s.profile.ScopeOnRefresh {
		s.profile.SetScope(form)
	}
	tr, err := s.postToken(ctx, cfg.Endpoint.TokenURL, form, s.credsOf(cfg))
	if err != nil {
		return nil, fmt.Errorf("refresh %s: %w", name, s.classify(err))
	}
	next := *rec
	s.apply(&next, tr)
	return &next, nil
}

// apply puts a token answer into a record. A missing refresh token keeps the
// old one: Cognito and others leave it valid and send none.
func (s *Session) apply(rec *keychain.Record, tr *tokenResponse) {
	now := s.now()
	rec.AccessToken, rec.TokenType = tr.AccessToken, tr.TokenType
	rec.Expiry = time.Time{}
	if tr.ExpiresIn > 0 {
		rec.Expiry = now.Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	if tr.RefreshToken != "" {
		rec.RefreshToken = tr.RefreshToken
		rec.RefreshExpiry = time.Time{}
		switch {
		case tr.RefreshExpiresIn > 0:
			rec.RefreshExpiry = now.Add(time.Duration(tr.RefreshExpiresIn) * time.Second)
		case s.profile.RefreshTokenLifetime.Duration > 0:
			rec.RefreshExpiry = now.Add(s.profile.RefreshTokenLifetime.Duration)
		}
	}
	if tr.Scope != "" {
		rec.Scope = tr.Scope
	}
	rec.RefreshedAt, rec.Rejected = now, time.Time{}
}

// classify turns a token-endpoint failure into ErrSignInNeeded (only for
// invalid_grant), a configuration error in plain words, or
// ErrProviderUnreachable, keeping a Retry-After the provider sent. The
// provider's raw answer is never included: it is not ours to print.
func classify(err error) error {
	out := classifyRefusal(err)
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if said := strings.TrimSpace(plain.Line(re.ErrorDescription, maxSaid)); said != "" {
			out = &saidError{error: out, said: said}
		}
	}
	var busy *busyError
	if errors.As(err, &busy) {
		return &busyError{err: out, wait: busy.wait, at: busy.at}
	}
	return out
}

// classify is classify for this session's profile: a client the provider
// refuses, whose profile left client_auth to tokentray, is told the one
// setting that usually fixes it.
func (s *Session) classify(err error) error {
	out := classify(err)
	if errors.Is(out, ErrClientRefused) && s.profile.ClientAuth == "" && s.profile.Grant != "jwt-bearer" {
		return &fixError{error: out, fix: "If your provider wants the client secret in the request body (client_secret_post, as Cognito app clients with a secret do), " +
			"set client_auth = \"post\" in the profile; otherwise save the client secret again, or ask your IT team to check client_id."}
	}
	return out
}

// fixError carries the one next step that fits a failure better than its
// kind's usual one.
type fixError struct {
	error
	fix string
}

func (e *fixError) Unwrap() error { return e.error }

// Fix is the next step a failure in err's chain names for itself, or "".
func Fix(err error) string {
	var f *fixError
	if errors.As(err, &f) {
		return f.fix
	}
	var ke *keychain.Error
	if errors.As(err, &ke) {
		return ke.Fix
	}
	return ""
}

// maxSaid bounds a provider's own words about a refusal (its
// error_description): whole as real providers write them — the reason
// often comes last ("…The refresh token was already used.") — and capped
// for a hostile one.
const maxSaid = 1000

// saidError keeps the provider's own words (its error_description) beside
// a refusal's message, for a window that shows them without the codes.
type saidError struct {
	error
	said string
}

func (e *saidError) Unwrap() error { return e.error }

// ProviderSaid is the provider's own words about a refusal in err's chain
// (its error_description, cleaned), or "".
func ProviderSaid(err error) string {
	var s *saidError
	if errors.As(err, &s) {
		return s.said
	}
	var pe *ProviderError
	if errors.As(err, &pe) {
		return pe.Description
	}
	return ""
}

func classifyRefusal(err error) error {
	var (
		re     *oauth2.RetrieveError
		unsent *unsentError
	)
	if !errors.As(err, &re) {
		if errors.Is(err, context.Canceled) || errors.As(err, &unsent) {
			return err
		}
		return fmt.Errorf("%w: %s", ErrProviderUnreachable, plain.Line(err.Error(), 300))
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		// Busy, whatever the body says: an overloaded provider (or the
		// gateway in front of it) that answers "invalid_grant" with a 429
		// must not sign anyone out.
		return fmt.Errorf("%w: HTTP %d from the token endpoint (busy)", ErrProviderUnreachable, status)
	}
	desc := plain.Line(re.ErrorDescription, maxSaid)
	detail := plain.Line(re.ErrorCode, 64)
	if desc != "" {
		detail += ": " + desc
	}
	switch re.ErrorCode {
	case "invalid_grant":
		return fmt.Errorf("%w: the provider no longer accepts the saved sign-in (%s)", ErrSignInNeeded, detail)
	case "invalid_client", "unauthorized_client":
		return fmt.Errorf("%w; check client_id, client_secret and client_auth in the profile (%s)", ErrClientRefused, detail)
	case "invalid_scope":
		return fmt.Errorf("the provider does not accept the profile's scopes (%s)", detail)
	case "invalid_request", "unsupported_grant_type":
		return fmt.Errorf("the provider rejected the request; check the profile's settings (%s)", detail)
	}
	if status >= 400 && status < 500 && status != 408 && status != 429 && re.ErrorCode != "" {
		return fmt.Errorf("the provider refused (HTTP %d, %s)", status, detail)
	}
	if status != 0 {
		return fmt.Errorf("%w: HTTP %d from the token endpoint", ErrProviderUnreachable, status)
	}
	return fmt.Errorf("%w: the token endpoint's answer could not be read", ErrProviderUnreachable)
}
