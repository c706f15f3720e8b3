//go:build unix

package quick

import (
	"bytes"
	"encoding/json"
	"errors"
	"syscall"

	"github.com/tokentray/tokentray/internal/control"
)

// ErrNoAnswer is anything but a tray's plain answer: no tray, a tray that
// serves another profile file, an error to explain. The full program then
// does the command, explaining what needs explaining.
var ErrNoAnswer = errors.New("no answer from a tray")

// Ask sends req to the tray and returns its token: nil, with no error, for
// a git request about a URL no profile holds. It talks on the socket with
// plain system calls: Go's network poller costs a start-up thread and
// about a millisecond, more than the tray takes to answer.
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
	if json.Unmarshal(buf, &m) != nil || m.Err != nil || !m.Done {
		return nil, ErrNoAnswer
	}
	if m.Token == nil && req.GitURL == "" {
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
