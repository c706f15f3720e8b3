package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/plain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/auth/safefile"
	"golang.org/x/oauth2"
)

// endpoints are a profile's provider URLs after discovery and overrides.
type endpoints struct {
	profile.Endpoints
	Issuer      string
	AuthMethods []string // token_endpoint_auth_methods_supported
	verifier    *oidc.IDTokenVerifier
	// anyTenant: the issuer is a template ("…/{tenantid}/v2.0", Entra's
	// multi-tenant discovery), filled in by each ID token's tid.
	anyTenant bool
}

// discovery is resolved at most once per Session, and only when a provider
// call is needed: reusing a stored token must not touch the network.
type discovery struct {
	once sync.Once
	ep   endpoints
	err  error
}

func (s *Session) endpoints(ctx context.Context) (endpoints, error) {
	s.disc.once.Do(func() { s.disc.ep, s.disc.err = s.discover(ctx) })
	return s.disc.ep, s.disc.err
}

func (s *Session) discover(ctx context.Context) (endpoints, error) {
	p := s.profile
	ep := endpoints{Issuer: p.Issuer}
	hc, err := s.client()
	if err != nil {
		return ep, err
	}
	if p.Issuer != "" {
		ctx = oidc.ClientContext(ctx, hc)
		prov, err := oidc.NewProvider(ctx, p.Issuer)
		var mismatch *oidc.IssuerMismatchError
		if errors.As(err, &mismatch) {
			// An issuer written without the slash its provider publishes
			// (Auth0 does) is the same issuer; the published one is what ID
			// tokens carry. Entra's multi-tenant addresses publish a
			// template, filled in per token. Anything else is a setting to
			// fix.
			switch {
			case strings.TrimSuffix(mismatch.Provided, "/") == strings.TrimSuffix(mismatch.Discovered, "/"):
			case tenantTemplate(mismatch.Provided, mismatch.Discovered):
				ep.anyTenant = true
			default:
				return ep, &MisconfiguredError{Profile: p.Name, Issuer: mismatch.Provided, Discovered: mismatch.Discovered}
			}
			ep.Issuer = mismatch.Discovered
			prov, err = oidc.NewProvider(oidc.InsecureIssuerURLContext(ctx, mismatch.Discovered), p.Issuer)
		}
		if err != nil {
			return ep, fmt.Errorf("%w: reading the provider's settings at %s: %w", ErrProviderUnreachable, p.Issuer, err)
		}
		var extra struct {
			Revocation  string   `json:"revocation_endpoint"`
			Userinfo    string   `json:"userinfo_endpoint"`
			Device      string   `json:"device_authorization_endpoint"`
			AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
		}
		if err := prov.Claims(&extra); err != nil {
			return ep, fmt.Errorf("%w: reading the provider's settings at %s: %w", ErrProviderUnreachable, p.Issuer, err)
		}
		e := prov.Endpoint()
		ep.Auth, ep.Token = e.AuthURL, e.TokenURL
		ep.Revocation, ep.Userinfo, ep.Device, ep.AuthMethods = extra.Revocation, extra.Userinfo, extra.Device, extra.AuthMethods
		// With a template, keep checks each token's issuer against it.
		ep.verifier = prov.Verifier(&oidc.Config{ClientID: p.ClientID, Now: s.now, SkipIssuerCheck: ep.anyTenant})
	}
	for _, o := range []struct {
		dst *string
		val string
	}{
		{&ep.Auth, p.AuthURL}, {&ep.Token, p.TokenURL},
		{&ep.Revocation, p.RevocationURL}, {&ep.Userinfo, p.UserinfoURL}, {&ep.Device, p.DeviceAuthURL},
	} {
		if o.val != "" {
			*o.dst = o.val
		}
	}
	s.log.Debug("endpoints", "issuer", ep.Issuer, "authorize", ep.Auth, "token", ep.Token,
		"revocation", ep.Revocation, "userinfo", ep.Userinfo, "device", ep.Device, "auth_methods", ep.AuthMethods)
	switch {
	case ep.Token == "" || (ep.Auth == "" && p.BrowserSignIn()):
		return ep, fmt.Errorf("the provider at %s publishes no authorization or token endpoint; set auth_url and token_url", p.Issuer)
	case ep.Device == "" && p.DeviceOnly():
		return ep, p.KeyError("grant", fmt.Sprintf("the provider at %s offers no sign-in with a code (no device_authorization_endpoint); set device_authorization_url or use grant = \"authorization_code\"", p.Issuer))
	}
	if err := p.CheckEndpoints(&ep.Endpoints); err != nil {
		return ep, err
	}
	return ep, nil
}

// multiTenants are the path segments of Entra's issuers for any tenant.
var multiTenants = []string{"common", "organizations", "consumers"}

// tenantTemplate tells whether discovered is Entra's issuer template
// ("https://login.microsoftonline.com/{tenantid}/v2.0") for the
// multi-tenant issuer provided ("…/organizations/v2.0").
func tenantTemplate(provided, discovered string) bool {
	if strings.Count(discovered, "{tenantid}") != 1 {
		return false
	}
	for _, t := range multiTenants {
		if strings.TrimSuffix(strings.Replace(discovered, "{tenantid}", t, 1), "/") == strings.TrimSuffix(provided, "/") {
			return true
		}
	}
	return false
}

// tenantIssuer is the issuer an ID token from tenant tid must carry under
// the template, or "" when tid is no tenant id.
func tenantIssuer(template, tid string) string {
	if tid == "" || strings.ContainsAny(tid, "/?#{}") || slices.Contains(multiTenants, tid) {
		return ""
	}
	return strings.Replace(template, "{tenantid}", tid, 1)
}

// MisconfiguredError is a provider whose discovery document names another
// issuer than the profile: a setting to fix, not an outage.
type MisconfiguredError struct {
	Profile, Issuer, Discovered string
}

func (e *MisconfiguredError) Error() string {
	return fmt.Sprintf("profile %s: issuer is %q, but the provider there says its issuer is %q", e.Profile, e.Issuer, plain.Line(e.Discovered, 200))
}

// clientSecret is the keychain's secret if there is one, else the file's.
// One saved for other settings of the profile is an error, not a reason to
// fall back: it must not be sent, and the user must hear why.
func (s *Session) clientSecret() (string, error) {
	secret, err := s.store.Secret(s.profile.Name, s.profile.Binding())
	switch {
	case err == nil:
		return secret, nil
	case errors.Is(err, keychain.ErrNotFound):
		return s.profile.ClientSecret, nil
	default:
		return "", err
	}
}

// authStyle decides where the client credentials go: the profile's choice,
// else what discovery advertises (RFC 8414 defaults to basic), else basic
// with a secret and none without.
func authStyle(p *profile.Profile, ep endpoints, secret string) (oauth2.AuthStyle, string, error) {
	method := p.ClientAuth
	if method == "" {
		switch {
		case secret == "" && p.Grant == "client_credentials":
			// A machine client always proves who it is (RFC 6749 4.4):
			// without its secret the provider would only say it does not
			// know the client.
			return 0, "", fmt.Errorf("%w: profile %s is a machine client; run `tokentray secret set %s`", ErrNoSecret, p.Name, p.Name)
		case secret == "":
			method = "none"
		case len(ep.AuthMethods) == 0 || slices.Contains(ep.AuthMethods, "client_secret_basic"):
			method = "basic"
		case slices.Contains(ep.AuthMethods, "client_secret_post"):
			method = "post"
		default:
			method = "basic"
		}
	}
	switch method {
	case "private_key_jwt":
		return oauth2.AuthStyleInParams, method, nil
	case "basic", "post":
		if secret == "" {
			return 0, "", fmt.Errorf("%w: profile %s uses client_auth %q; run `tokentray secret set %s`", ErrNoSecret, p.Name, method, p.Name)
		}
		if method == "basic" {
			return oauth2.AuthStyleInHeader, method, nil
		}
		return oauth2.AuthStyleInParams, method, nil
	default:
		// A public client sends client_id in the body and no secret.
		return oauth2.AuthStyleInParams, "none", nil
	}
}

// oauthConfig is the x/oauth2 view of the profile.
func (s *Session) oauthConfig(ctx context.Context, redirectURI string) (*oauth2.Config, endpoints, error) {
	ep, err := s.endpoints(ctx)
	if err != nil {
		return nil, ep, err
	}
	secret, err := s.clientSecret()
	if err != nil {
		return nil, ep, err
	}
	style, method, err := authStyle(s.profile, ep, secret)
	if err != nil {
		return nil, ep, err
	}
	if method == "none" || method == "private_key_jwt" {
		secret = ""
	}
	return &oauth2.Config{
		ClientID:     s.profile.ClientID,
		ClientSecret: secret,
		Endpoint:     oauth2.Endpoint{AuthURL: ep.Auth, TokenURL: ep.Token, AuthStyle: style},
		RedirectURL:  redirectURI,
		Scopes:       s.profile.Scopes,
	}, ep, nil
}

// credsOf is where cfg's client authentication goes on a form request.
func (s *Session) credsOf(cfg *oauth2.Config) clientCreds {
	c := clientCreds{id: cfg.ClientID, secret: cfg.ClientSecret, style: cfg.Endpoint.AuthStyle}
	if s.profile.ClientAuth == "private_key_jwt" {
		// One audience for every request, wherever it goes: the token
		// endpoint's URL, as OpenID Connect Core §9 says and certified
		// providers demand at their revocation endpoints too.
		token := cfg.Endpoint.TokenURL
		c.assert = func() (string, error) { return s.clientAssertion(token) }
	}
	return c
}

// newHTTPClient trusts the system roots plus the profile's CA file, takes
// proxies from the environment, and never waits for ever.
func newHTTPClient(p *profile.Profile) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if p.CAFile != "" {
		pem, err := safefile.ReadSmall(p.CAFile)
		if err != nil {
			return nil, fmt.Errorf("profile %s: read ca_file: %w", p.Name, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("profile %s: ca_file %s holds no PEM certificate", p.Name, p.CAFile)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	// No ResponseHeaderTimeout: requestTimeout bounds a request whole, and
	// lets a refresh that has reached the provider be awaited longer.
	return &http.Client{Transport: limitBody{requestTimeout{tr, requestLimit}}, CheckRedirect: checkRedirect}, nil
}

// checkRedirect follows a redirect only for a plain GET without
// credentials (discovery, keys), only within the origin asked, and only to
// an address a profile could name. A token, revocation or userinfo request
// carries a code, a token or a secret: re-sent to wherever the answer
// points, it would go where the profile never said; and a discovery
// document fetched from elsewhere (an open redirect on the provider's site)
// would choose where the code goes.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	switch {
	case first.Method != http.MethodGet || first.Header.Get("Authorization") != "":
		return fmt.Errorf("%s answered with a redirect to %s; requests carrying credentials are not redirected: put the final address in the profile", first.URL.Redacted(), req.URL.Redacted())
	case profile.Origin(req.URL.String()) != profile.Origin(first.URL.String()):
		return fmt.Errorf("%s answered with a redirect to another site (%s), which is not followed", first.URL.Redacted(), profile.Origin(req.URL.String()))
	case len(via) >= 5:
		return errors.New("too many redirects")
	}
	if msg := profile.CheckURL(req.URL.String()); msg != "" {
		return fmt.Errorf("redirected to %s", msg)
	}
	return nil
}

// maxBody bounds any answer from a provider: discovery, keys and tokens
// are a few KB; an endless one must not fill the memory.
const maxBody = 1 << 20

type limitBody struct{ next http.RoundTripper }

// closeIdler is a transport that can close its idle connections
// (http.Client.CloseIdleConnections asks its transport so).
type closeIdler interface{ CloseIdleConnections() }

func (t limitBody) CloseIdleConnections() {
	if c, ok := t.next.(closeIdler); ok {
		c.CloseIdleConnections()
	}
}

func (t requestTimeout) CloseIdleConnections() {
	if c, ok := t.next.(closeIdler); ok {
		c.CloseIdleConnections()
	}
}

func (t limitBody) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		resp.Body = &cappedBody{ReadCloser: resp.Body, left: maxBody}
	}
	return resp, err
}

// cappedBody fails a read past its limit rather than cutting the answer
// short silently.
type cappedBody struct {
	io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// At the limit: fine if the answer ends here.
		if n, err := b.ReadCloser.Read(make([]byte, 1)); n == 0 && err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("the provider's answer is larger than %d KB", maxBody>>10)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// requestLimit bounds a request to a provider, reading its answer
// included; a test of what lies beyond it shortens it.
var requestLimit = 30 * time.Second

// requestTimeout bounds each request, reading its body included, as
// http.Client.Timeout would, but with a context deadline the transport
// already watches: Client.Timeout starts a goroutine per request, two more
// thread wake-ups in every refresh.
type requestTimeout struct {
	next http.RoundTripper
	d    time.Duration
}

func (t requestTimeout) RoundTrip(req *http.Request) (*http.Response, error) {
	if long, ok := req.Context().Value(awaitKey{}).(time.Duration); ok {
		return t.awaited(req, long)
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.d)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = cancelOnClose{resp.Body, cancel}
	return resp, nil
}

// awaitKey marks a request whose answer is awaited long once it has
// reached the provider (awaitAnswer).
type awaitKey struct{}

// awaitAnswer marks ctx's request as one to await for up to long once it
// has been written to the provider: a refresh the provider has received
// is answered eventually, and one given up and sent again would present
// the same refresh token twice. Until it is written it is bounded as any.
func awaitAnswer(ctx context.Context, long time.Duration) context.Context {
	return context.WithValue(ctx, awaitKey{}, long)
}

// awaited is RoundTrip for a request marked by awaitAnswer: the usual
// bound until the request is written (a provider that never took it can
// be asked again), long after.
func (t requestTimeout) awaited(req *http.Request, long time.Duration) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	deadline := time.AfterFunc(t.d, cancel)
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				deadline.Reset(long)
			}
		},
	})
	stop := func() { deadline.Stop(); cancel() }
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		stop()
		return nil, err
	}
	resp.Body = cancelOnClose{resp.Body, stop}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
