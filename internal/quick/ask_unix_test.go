//go:build unix

package quick

import (
	"bufio"
	"errors"
	"net"
	"path/filepath"
	"testing"

	"github.com/tokentray/tokentray/internal/control"
)

// serveLines answers one connection on a fresh socket with lines, after
// reading its request.
func serveLines(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = bufio.NewReader(c).ReadString('\n')
		for _, l := range lines {
			_, _ = c.Write([]byte(l + "\n"))
		}
	}()
	return path
}

// A tray that asks its person first says so before it answers; AskAt
// hands that on and waits for the answer.
func TestAskAtWhileTheTrayAsks(t *testing.T) {
	sock := serveLines(t, `{"ack":true}`, `{"asking":"Asking at your tray first."}`, `{"token":{"access_token":"at-1","token_type":"Bearer"},"done":true}`)
	var said []string
	tok, err := AskAt(sock, control.Request{Op: control.OpToken}, func(s string) { said = append(said, s) })
	if err != nil || tok == nil || tok.AccessToken != "at-1" || len(said) != 1 || said[0] != "Asking at your tray first." {
		t.Fatalf("AskAt: %+v, %v; said %q", tok, err, said)
	}
	// A refusal after the question is the tray's error, to be said.
	sock = serveLines(t, `{"ack":true}`, `{"asking":"…"}`, `{"error":{"kind":"not-forwarded","msg":"refused"},"done":true}`)
	_, err = AskAt(sock, control.Request{Op: control.OpToken}, nil)
	var ce *control.Error
	if !errors.As(err, &ce) || ce.Kind != control.KindNotForwarded {
		t.Fatalf("a refusal: %v", err)
	}
	// Nothing on the socket: no answer, and it says where it looked.
	_, err = AskAt(filepath.Join(t.TempDir(), "none"), control.Request{Op: control.OpToken}, nil)
	if !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("no socket: %v", err)
	}
}
