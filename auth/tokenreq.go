package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth/plain"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/words"
)

// maxTokenResponse caps what is read from a token endpoint: real answers are
// a few kilobytes, and a hostile or broken one must not fill memory.
const maxTokenResponse = 1 << 20

// tokenResponse is a successful token-endpoint answer (RFC 6749 §5.1).
type tokenResponse struct {
	AccessToken  string
	TokenType    string
	RefreshToken string
	ExpiresIn    int64 // seconds; 0 when the provider did not say
	Scope        string
	IDToken      string
	// RefreshExpiresIn is Keycloak's refresh_expires_in, when given.
	RefreshExpiresIn int64
}

// clientCreds is where a request's client authentication goes.
type clientCreds struct {
	id, secret string
	style      oauth2.AuthStyle // InHeader: HTTP Basic; InParams: in the body
	// omitID leaves client_id out of the body (JWT-bearer grants carry the
	// client in the assertion).
	omitID bool
	// assert, for private_key_jwt, signs a fresh client assertion.
	assert func() (string, error)
}

// unsentError is a request that could not be made here — no key to sign
// its assertion, a keychain that does not answer: nothing reached the
// provider, so it is no outage, and says what to fix as it is.
type unsentError struct{ err error }

func (e *unsentError) Error() string { return e.err.Error() }
func (e *unsentError) Unwrap() error { return e.err }

// newFormRequest is a POST of form to endpoint with the client's
// credentials where the profile says: HTTP Basic, or the body.
func newFormRequest(ctx context.Context, endpoint string, form url.Values, c clientCreds) (*http.Request, error) {
	form = cloneValues(form)
	if c.assert != nil {
		a, err := c.assert()
		if err != nil {
			return nil, &unsentError{err}
		}
		form.Set("client_id", c.id)
		form.Set("client_assertion_type", clientAssertionType)
		form.Set("client_assertion", a)
	} else if c.style != oauth2.AuthStyleInHeader && !c.omitID {
		form.Set("client_id", c.id)
		if c.secret != "" {
			form.Set("client_secret", c.secret)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if c.style == oauth2.AuthStyleInHeader {
		// RFC 6749 §2.3.1: form-encode id and secret before Basic encoding.
		req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret))
	}
	return req, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+2)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// postToken sends a token request and parses the answer. Provider refusals
// come back as *oauth2.RetrieveError, so classify can tell invalid_grant from
// the rest.
func (s *Session) postToken(ctx context.Context, endpoint string, form url.Values, c clientCreds) (*tokenResponse, error) {
	resp, body, err := s.postForm(ctx, endpoint, form, c, s.profile.TokenHeaders)
	if err != nil {
		return nil, err
	}
	tr, err := parseTokenResponse(resp, body)
	if err != nil {
		return nil, withRetryAfter(err, resp, s.now())
	}
	return tr, nil
}

// postForm sends form to a provider endpoint with the client's
// credentials and headers, and reads the answer within its cap. A
// provider that could not be asked fails as http.Client.Do does.
func (s *Session) postForm(ctx context.Context, endpoint string, form url.Values, c clientCreds, headers map[string]string) (resp *http.Response, body []byte, err error) {
	req, err := newFormRequest(ctx, endpoint, form, c)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range headers {
		req.Header.Set(k, strings.TrimSuffix(v, "/"))
	}
	hc, err := s.client()
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	resp, err = hc.Do(req)
	if err != nil {
		s.log.Debug("token request failed", "grant", form.Get("grant_type"), "endpoint", endpoint, "err", err)
		return nil, nil, err
	}
	defer resp.Body.Close()
	s.log.Debug("token request", "grant", form.Get("grant_type"), "endpoint", endpoint, "status", resp.StatusCode,
		"took", time.Since(start).Round(time.Millisecond))
	body, err = readCapped(resp.Body)
	return resp, body, err
}

// readCapped reads a provider's answer of at most maxTokenResponse bytes.
func readCapped(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxTokenResponse+1))
	if err != nil {
		return nil, fmt.Errorf("read the provider's answer: %w", err)
	}
	if len(body) > maxTokenResponse {
		return nil, errors.New("the provider's answer is larger than 1 MB")
	}
	return body, nil
}

// parseTokenResponse accepts JSON (and the form encoding some old providers
// use) and rejects anything tokentray could not use safely. Error messages
// never quote the body: it may hold tokens.
func parseTokenResponse(resp *http.Response, body []byte) (*tokenResponse, error) {
	fields, err := decodeTokenBody(resp.Header.Get("Content-Type"), body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, refusal(resp, fields, err)
	}
	if err != nil {
		return nil, err
	}
	tr := &tokenResponse{
		AccessToken:  fields.str("access_token"),
		TokenType:    fields.str("token_type"),
		RefreshToken: fields.str("refresh_token"),
		Scope:        fields.str("scope"),
		IDToken:      fields.str("id_token"),
	}
	if tr.AccessToken == "" {
		return nil, errors.New("the token endpoint's answer has no access_token")
	}
	if len(tr.AccessToken) > 64<<10 || len(tr.RefreshToken) > 64<<10 || len(tr.IDToken) > 64<<10 {
		return nil, errors.New("the token endpoint's answer holds a token longer than 64 KB")
	}
	// A token goes to terminals, HTTP headers, git's credential protocol
	// and programs' environments: from a hostile provider, a line break
	// would add lines to git's answer and an escape would drive the
	// terminal. Refused where it enters, so nothing downstream sees it.
	if !plain.AccessToken(tr.AccessToken) {
		return nil, fmt.Errorf("the token endpoint%s issued an access token with characters no bearer token has (a space, a line break, a control character, or a quote, $, %%, & or the like); it is not used", at(resp))
	}
	for _, t := range []struct{ key, val string }{{"refresh_token", tr.RefreshToken}, {"id_token", tr.IDToken}} {
		if t.val != "" && !plain.Token(t.val) {
			return nil, fmt.Errorf("the token endpoint%s issued a %s with characters no token has (a space, a line break or a control character); it is not used", at(resp), t.key)
		}
	}
	tr.Scope = plain.Line(tr.Scope, 2000)
	switch strings.ToLower(tr.TokenType) {
	case "bearer":
		tr.TokenType = "Bearer"
	case "":
		tr.TokenType = "Bearer" // some providers leave it out; bearer is what they mean
	default:
		return nil, fmt.Errorf("the token endpoint issued a %q token; tokentray handles bearer tokens only", plain.Line(tr.TokenType, 32))
	}
	if tr.ExpiresIn, err = fields.seconds("expires_in"); err != nil {
		return nil, err
	}
	// Keycloak's offline tokens come with refresh_expires_in 0: no end of
	// their own (an idle timeout applies; refresh_token_lifetime says it).
	if f, ok := fields["refresh_expires_in"].(json.Number); ok && f.String() == "0" {
		delete(fields, "refresh_expires_in")
	}
	if tr.RefreshExpiresIn, err = fields.seconds("refresh_expires_in"); err != nil {
		return nil, err
	}
	return tr, nil
}

// at names where an answer came from (" at https://host"), when known.
func at(resp *http.Response) string {
	if resp == nil || resp.Request == nil || resp.Request.URL == nil {
		return ""
	}
	return " at " + profile.Origin(resp.Request.URL.String())
}

// refusal is a provider's error answer, as x/oauth2 reports one, so that
// classify can read its code. No Body: RetrieveError.Error prints it, and
// an answer can hold tokens (the fuzzer found one that does).
func refusal(resp *http.Response, fields tokenFields, decodeErr error) *oauth2.RetrieveError {
	re := &oauth2.RetrieveError{Response: resp}
	if decodeErr == nil {
		re.ErrorCode, re.ErrorDescription, re.ErrorURI = fields.str("error"), fields.str("error_description"), fields.str("error_uri")
	}
	return re
}

// tokenFields are the top-level members of a token answer.
type tokenFields map[string]any

func decodeTokenBody(contentType string, body []byte) (tokenFields, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/x-www-form-urlencoded" || mt == "text/plain" {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, errors.New("the token endpoint's answer is not a valid form")
		}
		f := tokenFields{}
		for k := range vals {
			f[k] = vals.Get(k)
		}
		return f, nil
	}
	var f tokenFields
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil || f == nil {
		return nil, errors.New("the token endpoint's answer is not a JSON object")
	}
	return f, nil
}

func (f tokenFields) str(k string) string {
	s, _ := f[k].(string)
	return s
}

// seconds reads a lifetime given as a number or a numeric string (both are
// seen in the wild); absent is 0, anything not positive is refused.
func (f tokenFields) seconds(k string) (int64, error) {
	var s string
	switch v := f[k].(type) {
	case nil:
		return 0, nil
	case json.Number:
		s = v.String()
	case string:
		s = v
	default:
		return 0, fmt.Errorf("the token endpoint's %s is not a number", k)
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n != n {
		return 0, fmt.Errorf("the token endpoint's %s is not a number", k)
	}
	if n <= 0 || n > 100*365*24*3600 {
		return 0, fmt.Errorf("the token endpoint's %s (%g s) is not a usable lifetime", k, n)
	}
	return int64(n), nil
}

// retryAfterCap bounds how long a provider's Retry-After holds background
// refreshes back: a broken or hostile provider must not silence them for
// ever with "Retry-After: 99999999".
const retryAfterCap = 10 * time.Minute

// busyError is a 429 or 503 from the token endpoint that said when to come
// back (Retry-After). Run waits until then before asking again.
type busyError struct {
	err  error
	wait time.Duration // as asked, capped at retryAfterCap
	at   time.Time     // now + wait, on the session's clock
}

func (e *busyError) Error() string {
	return fmt.Sprintf("%v; it asks to be left alone for %s", e.err, words.Duration(e.wait))
}

func (e *busyError) Unwrap() error { return e.err }

// retryAfterOf is when the provider asked to be asked again, if any of errs
// carries a Retry-After.
func retryAfterOf(errs ...error) (time.Time, bool) {
	for _, err := range errs {
		var busy *busyError
		if errors.As(err, &busy) {
			return busy.at, true
		}
	}
	return time.Time{}, false
}

// withRetryAfter wraps a 429 or 503 refusal that carries a Retry-After
// header (RFC 9110 §10.2.3: delay-seconds or an HTTP date) in a busyError.
// A date is measured against the answer's own Date header when there is
// one, so that a provider whose clock is off by minutes still means what it
// says; otherwise against now. Anything unreadable, or not in the future,
// is ignored: the usual backoff applies.
func withRetryAfter(err error, resp *http.Response, now time.Time) error {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return err
	}
	h := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if h == "" {
		return err
	}
	var wait time.Duration
	if secs, perr := strconv.ParseUint(h, 10, 63); perr == nil {
		wait = time.Duration(min(secs, uint64(retryAfterCap/time.Second))) * time.Second
	} else if errors.Is(perr, strconv.ErrRange) {
		wait = retryAfterCap // digits beyond any clock: as long as we wait
	} else if at, perr := http.ParseTime(h); perr == nil {
		base := now
		if d, derr := http.ParseTime(resp.Header.Get("Date")); derr == nil {
			base = d
		}
		wait = at.Sub(base)
	}
	if wait <= 0 {
		return err
	}
	wait = min(wait, retryAfterCap)
	return &busyError{err: err, wait: wait, at: now.Add(wait)}
}
