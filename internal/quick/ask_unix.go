//go:build unix

package quick

import (
	"bytes"
	"encoding/json"
	"errors"
	"syscall"

	"github.com/tokentray/tokentray/internal/control"
)

// ErrNoAnswer is no answer from a tray that serves this profile file: no
// tray, a tray for another file or older than this program, a broken
// reply. The full program then runs the command itself.
var ErrNoAnswer = errors.New("no answer from a tray")

// Ask sends req to the tray and returns its token: nil, with no error, for
// a git request about a URL no profile holds. A failure the tray reports
// comes back as its *control.Error, to be said as the full program says
// it (asking again would only double the wait, and the provider's load).
// It talks on the socket with plain system calls: Go's network poller
// costs a start-up thread and about a millisecond, more than the tray
// takes to answer.
func Ask(req control.Request) (*control.Token, error) {
	sock, err := control.SocketPath()
	if err != nil {
		return nil, ErrNoAnswer
	}
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0) // closed before any exec
	if err != nil {
		return nil, ErrNoAnswer
	}
	defer syscall.Close(fd)
	if err := syscall.Connect(fd, &syscall.SockaddrUnix{Name: sock}); err != nil {
		return nil, ErrNoAnswer
	}
	line, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if err := writeAll(fd, append(line, '\n')); err != nil {
		return nil, ErrNoAnswer
	}
	// A token request is answered with one line (other requests stream
	// several; quick sends none of them).
	var buf []byte
	chunk := make([]byte, 16<<10)
	for !bytes.HasSuffix(buf, []byte("\n")) {
		n, err := syscall.Read(fd, chunk)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return nil, ErrNoAnswer
		}
		buf = append(buf, chunk[:n]...)
	}
	// Only what quick prints: decoding the whole Message costs more than
	// the tray's answer.
	var m struct {
		Token *control.Token  `json:"token"`
		Err   json.RawMessage `json:"error"`
		Done  bool            `json:"done"`
	}
	if json.Unmarshal(buf, &m) != nil || !m.Done {
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
