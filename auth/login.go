package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/tokentray/tokentray/words"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/plain"
	"github.com/tokentray/tokentray/auth/profile"
)

// LoginOptions configure one browser sign-in.
type LoginOptions struct {
	// Open is handed the authorization URL once the callback listens; it
	// opens a browser or shows the URL. An error is not fatal: the sign-in
	// keeps waiting, since the user may open the URL some other way.
	Open func(authURL string) error
	// Device is handed the code and where to enter it, when the sign-in
	// runs with a device code.
	Device func(DeviceCode)
	// Flow chooses between the browser and a device code.
	Flow Flow
	// Timeout bounds the whole sign-in; 0 means 5 minutes in the browser,
	// the code's lifetime with a device code.
	Timeout time.Duration
	// Describe puts a failed sign-in in a person's words for the browser's
	// page: a headline and the next step (the error itself is the detail).
	// Nil says only that it failed.
	Describe func(err error) (headline, next string)
}

// Login runs the authorization-code flow with PKCE (S256) and state, plus a
// nonce and ID-token verification when the profile asks for openid, against
// a loopback callback (RFC 8252) — or the device authorization grant (RFC
// 8628) where opts.Flow and the profile say. The tokens go to the keychain.
func (s *Session) Login(ctx context.Context, opts LoginOptions) (*keychain.Record, error) {
	prev := s.State()
	s.pub.update(func(st *State) { st.Kind, st.Err = SigningIn, nil })
	rec, err := s.login(ctx, opts)
	if err != nil {
		s.pub.update(func(st *State) { *st = prev })
		return nil, err
	}
	s.mu.Lock()
	s.mem = rec
	s.gen++ // a renewal still out belongs to the sign-in before
	s.mu.Unlock()
	s.publish(rec)
	s.wake()
	return rec, nil
}

func (s *Session) login(ctx context.Context, opts LoginOptions) (*keychain.Record, error) {
	p := s.profile
	if err := p.Ready(); err != nil {
		return nil, err
	}
	// A sign-in that could not be kept is not started (sealed files whose
	// passphrase was not typed since the last restart).
	if err := s.store.Ready(); err != nil {
		return nil, err
	}
	if p.Machine() {
		return s.loginMachine(ctx)
	}
	if p.DeviceOnly() && opts.Flow == FlowBrowser {
		return nil, s.profile.KeyError("grant", "is \"device_code\": this profile signs in with a code only")
	}
	if p.DeviceOnly() || opts.Flow == FlowDevice {
		ep, err := s.endpoints(ctx)
		if err != nil {
			return nil, fmt.Errorf("sign in to %s: %w", p.Name, err)
		}
		return s.loginDevice(ctx, ep, opts, "")
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	bctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	redir := p.RedirectURL
	if redir == "" {
		redir = profile.DefaultRedirectURL
	}
	rd, err := profile.ParseRedirect(redir)
	if err != nil {
		return nil, fmt.Errorf("profile %s: redirect_url: %w", p.Name, err)
	}
	ep, err := s.endpoints(bctx)
	if err != nil {
		return nil, fmt.Errorf("sign in to %s: %w", p.Name, err)
	}
	if opts.Flow == FlowPreferDevice && ep.Device != "" {
		return s.loginDevice(ctx, ep, opts, "")
	}
	state := oauth2.GenerateVerifier()
	cs, err := listenCallback(p.Name, rd, state, ep.Issuer)
	if err != nil {
		if opts.Flow == FlowAuto && ep.Device != "" {
			// A policy or another program keeps the callback from
			// listening; a code needs no port.
			s.log.Info("the sign-in callback cannot listen; signing in with a code", "err", err)
			return s.loginDevice(ctx, ep, opts, words.T("the browser sign-in cannot receive its answer here ({reason})", "reason", err.Error()))
		}
		return nil, err
	}
	defer cs.shutdown()
	cs.home = func(iss string) bool {
		o := profile.Origin(iss)
		return o == profile.Origin(ep.Auth) || o == profile.Origin(ep.Token) || p.Trusts(iss)
	}
	ctx = bctx

	cfg, _, err := s.oauthConfig(ctx, cs.uri)
	if err != nil {
		return nil, fmt.Errorf("sign in to %s: %w", p.Name, err)
	}
	verifier := oauth2.GenerateVerifier()
	authOpts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	nonce := ""
	if p.HasScope("openid") {
		nonce = oauth2.GenerateVerifier()
		authOpts = append(authOpts, oidc.Nonce(nonce))
	}
	// OpenID Connect Core §11: without prompt=consent a provider may drop
	// offline_access and give no refresh token.
	if p.HasScope("offline_access") && p.AuthParams["prompt"] == "" {
		authOpts = append(authOpts, oauth2.SetAuthURLParam("prompt", "consent"))
	}
	for k, v := range p.AuthParams {
		authOpts = append(authOpts, oauth2.SetAuthURLParam(k, v))
	}
	authURL := cfg.AuthCodeURL(state, authOpts...)
	s.log.Debug("waiting for the browser", "redirect_uri", cs.uri, "timeout", timeout)
	if opts.Open != nil {
		_ = opts.Open(authURL)
	}

	var res callbackResult
	select {
	case res = <-cs.results:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("sign in to %s: no answer from the browser within %s: %w", p.Name, words.Duration(timeout), context.DeadlineExceeded)
		}
		return nil, fmt.Errorf("sign in to %s: %w", p.Name, ctx.Err())
	}
	s.log.Debug("callback received", "has_code", res.code != "", "err", res.err)
	rec, err := s.finishLogin(ctx, cfg, ep, res, verifier, nonce)
	o := outcome{err: err}
	if err == nil {
		o.who = rec.Who()
	} else {
		o.headline, o.next, o.detail = words.T("tokentray could not sign you in."), words.T("Go back to tokentray to see why."), err.Error()
		if opts.Describe != nil {
			o.headline, o.next = opts.Describe(err)
		}
	}
	res.reply <- o
	if err != nil {
		return nil, fmt.Errorf("sign in to %s: %w", p.Name, err)
	}
	return rec, nil
}

func (s *Session) finishLogin(ctx context.Context, cfg *oauth2.Config, ep endpoints, res callbackResult, verifier, nonce string) (*keychain.Record, error) {
	if res.err != nil {
		return nil, res.err
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {res.code},
		"redirect_uri": {cfg.RedirectURL}, "code_verifier": {verifier}}
	tr, err := s.postToken(ctx, cfg.Endpoint.TokenURL, form, s.credsOf(cfg))
	if err != nil {
		return nil, fmt.Errorf("exchange the authorization code: %w", s.classify(err))
	}
	return s.keep(ctx, ep, tr, nonce)
}

// keep makes a sign-in's token answer the profile's record: the ID token
// verified (with nonce, when the sign-in sent one), the account named, the
// record saved.
func (s *Session) keep(ctx context.Context, ep endpoints, tr *tokenResponse, nonce string) (*keychain.Record, error) {
	rec := &keychain.Record{SignedInAt: s.now()}
	s.apply(rec, tr)
	if s.profile.HasScope("openid") {
		raw := tr.IDToken
		if raw == "" {
			return nil, errors.New("the provider sent no ID token although openid was requested")
		}
		if ep.verifier == nil {
			return nil, errors.New("cannot verify the ID token without issuer discovery")
		}
		hc, err := s.client()
		if err != nil {
			return nil, err
		}
		idt, err := ep.verifier.Verify(oidc.ClientContext(ctx, hc), raw)
		if err != nil {
			return nil, fmt.Errorf("the ID token is not valid: %w", err)
		}
		if nonce != "" && idt.Nonce != nonce {
			return nil, errors.New("the ID token does not belong to this sign-in (nonce mismatch)")
		}
		var c identity
		claimsErr := idt.Claims(&c)
		if ep.anyTenant {
			if want := tenantIssuer(ep.Issuer, c.Tenant); claimsErr != nil || want == "" || idt.Issuer != want {
				return nil, fmt.Errorf("the ID token's issuer %q is not its tenant's (%q under %s)", plain.Line(idt.Issuer, 200), plain.Line(c.Tenant, 64), ep.Issuer)
			}
		}
		if claimsErr == nil {
			rec.Subject, rec.Name, rec.Email = plain.Line(idt.Subject, 200), c.name(), plain.Line(c.Email, 200)
		}
	}
	if rec.Email == "" && rec.Name == "" && ep.Userinfo != "" {
		// Best effort: it names the account in status and the tray, where a
		// bare subject id means little.
		if c, err := s.userinfo(ctx, ep.Userinfo, rec); err == nil && (rec.Subject == "" || c.Subject == rec.Subject) {
			rec.Subject, rec.Name, rec.Email = plain.Line(c.Subject, 200), c.name(), plain.Line(c.Email, 200)
		}
	}
	return s.keepSignIn(ctx, rec)
}

// identity is the part of an ID token or userinfo answer that names a person.
type identity struct {
	Subject           string `json:"sub"`
	Email             string `json:"email"`
	Name              string `json:"name"`
	PreferredUsername string `json:"preferred_username"`
	Username          string `json:"username"` // Cognito's userInfo
	Tenant            string `json:"tid"`      // Entra's tenant id
}

func (c identity) name() string {
	for _, n := range []string{c.Name, c.PreferredUsername, c.Username} {
		if n != "" {
			return plain.Line(n, 100)
		}
	}
	return ""
}

func (s *Session) userinfo(ctx context.Context, endpoint string, rec *keychain.Record) (identity, error) {
	var c identity
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return c, err
	}
	tokenOf(rec).SetAuthHeader(req)
	hc, err := s.client()
	if err != nil {
		return c, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return c, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return c, fmt.Errorf("userinfo: HTTP %d", resp.StatusCode)
	}
	err = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&c)
	return c, err
}
