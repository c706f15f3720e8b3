//go:build unix

package quick

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/tokentray/tokentray/internal/control"
)

// ErrNoAnswer is no answer from a tray that serves this profile file: no
// tray, a tray for another file or older than this program, a broken
// reply. The full program then runs the command itself.
var ErrNoAnswer = errors.New("no answer from a tray")

// ErrSilent is a tray that accepted the request but did not ack it in
// time (stopped, hung): the full program, told so (SilentTray), does not
// ask it again.
var ErrSilent = fmt.Errorf("%w: the tray does not answer", ErrNoAnswer)

// Ask sends req to this user's tray and returns its token: nil, with no
// error, for a git request about a URL no profile holds. A failure the
// tray reports comes back as its *control.Error, to be said as the full
// program says it (asking again would only double the wait, and the
// provider's load).
func Ask(req control.Request) (*control.Token, error) {
	sock, err := control.SocketPath()
	if err != nil {
		return nil, ErrNoAnswer
	}
	return AskAt(sock, req, nil)
}

// AskAt is Ask on the socket sock (the one TOKENTRAY_SOCKET names, say);
// asking, if set, is handed what a tray says while it asks its person
// whether to answer. It talks on the socket with plain system calls: Go's
// network poller costs a start-up thread and about a millisecond, more
// than the tray takes to answer.
func AskAt(sock string, req control.Request, asking func(string)) (*control.Token, error) {
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0) // closed before any exec
	if err != nil {
		return nil, ErrNoAnswer
	}
	defer syscall.Close(fd)
	if err := syscall.Connect(fd, &syscall.SockaddrUnix{Name: sock}); err != nil {
		return nil, fmt.Errorf("%w: connect to %s: %v", ErrNoAnswer, sock, err)
	}
	line, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if err := writeAll(fd, append(line, '\n')); err != nil {
		return nil, ErrNoAnswer
	}
	// The tray acks at once (a stopped one never does: the full program
	// then runs the command itself), then answers a token request with
	// one line, within its own bounds; answerTimeout is a last resort.
	r := lineReader{fd: fd}
	buf, err := r.line(control.AckTimeout)
	if errors.Is(err, syscall.EAGAIN) {
		return nil, ErrSilent
	}
	if err != nil {
		return nil, ErrNoAnswer
	}
	if bytes.Equal(bytes.TrimSpace(buf), []byte(`{"ack":true}`)) {
		if buf, err = r.line(answerTimeout); err != nil {
			return nil, ErrNoAnswer
		}
	}
	// Only what quick prints: decoding the whole Message costs more than
	// the tray's answer.
	var m struct {
		Token  *control.Token  `json:"token"`
		Err    json.RawMessage `json:"error"`
		Done   bool            `json:"done"`
		Asking string          `json:"asking"`
	}
	for {
		if json.Unmarshal(buf, &m) != nil {
			return nil, ErrNoAnswer
		}
		if m.Done || m.Asking == "" {
			break
		}
		// The tray asks its person first: say so, and wait as long as the
		// question stands.
		if asking != nil {
			asking(m.Asking)
		}
		m.Asking = ""
		if buf, err = r.line(answerTimeout); err != nil {
			return nil, ErrNoAnswer
		}
	}
	if !m.Done {
		return nil, ErrNoAnswer
	}
	if m.Err != nil {
		var e control.Error
		if json.Unmarshal(m.Err, &e) != nil || control.NotServedHere(&e) {
			return nil, ErrNoAnswer
		}
		return nil, &e
	}
	if m.Token == nil && req.Op != control.OpGitToken {
		return nil, ErrNoAnswer
	}
	return m.Token, nil
}

// answerTimeout bounds the wait for an acked request's answer: far beyond
// what the tray takes, even for a provider that hangs.
const answerTimeout = 2 * time.Minute

// lineReader reads the lines of an answer from a socket.
type lineReader struct {
	fd   int
	rest []byte // read past the last line returned
}

// line reads the next line, waiting at most d for it.
func (r *lineReader) line(d time.Duration) ([]byte, error) {
	tv := syscall.NsecToTimeval(d.Nanoseconds())
	if err := syscall.SetsockoptTimeval(r.fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv); err != nil {
		return nil, err
	}
	chunk := make([]byte, 16<<10)
	for {
		if i := bytes.IndexByte(r.rest, '\n'); i >= 0 {
			line := r.rest[:i+1]
			r.rest = r.rest[i+1:]
			return line, nil
		}
		n, err := syscall.Read(r.fd, chunk)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err // EAGAIN: the deadline passed
		}
		if n <= 0 {
			return nil, ErrNoAnswer
		}
		r.rest = append(r.rest, chunk[:n]...)
	}
}

func writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := syscall.Write(fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
