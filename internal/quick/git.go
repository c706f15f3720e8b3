package quick

import (
	"bufio"
	"bytes"
	"io"
	"net/url"
	"strings"
)

// MaxGitRequest bounds what git-credential reads from git: a request is a
// few lines (protocol, host, path, username, capabilities, the server's
// WWW-Authenticate lines), and a hand-over to the full program must fit in
// an empty pipe (16 KiB on macOS, 64 KiB on Linux).
const MaxGitRequest = 16 << 10

// ReadGitRequest reads git's key=value lines up to a blank line or the end
// (at most MaxGitRequest bytes); raw is what was read, for a hand-over.
func ReadGitRequest(r io.Reader) (req map[string]string, raw []byte, err error) {
	var buf bytes.Buffer
	req = map[string]string{}
	sc := bufio.NewScanner(io.TeeReader(io.LimitReader(r, MaxGitRequest), &buf))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			req[k] = v
		}
	}
	return req, buf.Bytes(), sc.Err()
}

// GitURL is the URL a git request is about: url= when git sends it, else
// built from protocol, host and path.
func GitURL(req map[string]string) string {
	if u := req["url"]; u != "" {
		return u
	}
	return (&url.URL{Scheme: req["protocol"], Host: req["host"], Path: "/" + strings.TrimPrefix(req["path"], "/")}).String()
}
