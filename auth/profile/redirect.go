package profile

import (
	"fmt"
	"net/url"
	"strings"
)

// Redirect is a parsed redirect_url: where to listen and what to accept.
type Redirect struct {
	Raw   string // as written in the profile; sent verbatim when the port is fixed
	URL   *url.URL
	Hosts []string // listen addresses, without port
	Port  string   // "0" means any free port
	Path  string
}

// ParseRedirect checks a redirect_url: a loopback address on this computer.
func ParseRedirect(raw string) (*Redirect, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL", raw)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("%q must start with http:// (a loopback callback, RFC 8252)", raw)
	}
	if u.User != nil || u.Fragment != "" || u.RawQuery != "" || u.Opaque != "" {
		return nil, fmt.Errorf("%q must be a plain http://HOST:PORT/PATH, without user, query or fragment", raw)
	}
	r := &Redirect{Raw: raw, URL: u, Port: u.Port(), Path: u.EscapedPath()}
	switch h := strings.ToLower(u.Hostname()); h {
	case "localhost":
		r.Hosts = []string{"127.0.0.1", "::1"}
	case "127.0.0.1", "::1":
		r.Hosts = []string{h}
	default:
		return nil, fmt.Errorf("%q must use 127.0.0.1, [::1] or localhost: the callback listens on this computer only", raw)
	}
	if r.Port == "" {
		r.Port = "80"
	}
	if r.Path == "" {
		r.Path = "/"
	}
	return r, nil
}
