package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/client"
	"github.com/tokentray/tokentray/internal/peer"
	"github.com/tokentray/tokentray/internal/testkit"
)

// The forwarding socket, served by the same Server as the control socket:
// the Ops opScopes marks fromElsewhere are answered, for the tray's own
// profile file whatever the caller names, as the file's forwarded setting
// says (ask asks the tray); every other Op is refused, saying what works.
func TestForwarded(t *testing.T) {
	ctx := context.Background()
	e := start(t, true)
	if _, err := e.c.Login(ctx, "work", control.LoginOptions{Open: follow, Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	path := e.c.Config
	original, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	from := peer.Process{PID: 4242, Exe: "/usr/bin/ssh", Args: []string{"ssh", "-R", "/run/t.sock:/run/forward.sock", "me@devbox"}}
	sock := filepath.Join(t.TempDir(), "forward.sock")
	testkit.ServeUnix(t, sock, func(c net.Conn) { e.srv.ServeForwarded(ctx, c, from) })
	// The caller's side has a profile file of its own, or none: the
	// tray answers for its own.
	remote := client.NewRemote(sock, "/home/someone/elsewhere/profiles.toml")
	var told []string
	remote.Asking = func(s string) { told = append(told, s) }
	e.tray.saw(t, "login work")

	// forwarded is the file's setting, written with padding that changes
	// its size (the file is read again when its size or time changes).
	forwarded := func(setting string) {
		t.Helper()
		head := ""
		if setting != "" {
			head = fmt.Sprintf("forwarded = %q\n", setting)
		}
		head += "#" + strings.Repeat(" ", len(told)+len(setting)+int(time.Now().UnixNano()%97)) + "\n"
		write(t, path, head+string(original))
	}
	notForwarded := func(t *testing.T, err error, why string) {
		t.Helper()
		var ce *control.Error
		if !errors.As(err, &ce) || ce.Kind != control.KindNotForwarded || !strings.Contains(ce.Fix, why) {
			t.Errorf("got %v, want %s saying %q", err, control.KindNotForwarded, why)
		}
	}

	t.Run("ask, allowed", func(t *testing.T) {
		forwarded("") // ask, the default
		told = nil
		tok, err := remote.Token(ctx, "", time.Minute)
		if err != nil || tok.AccessToken == "" {
			t.Fatalf("got a token %t, %v; want work's", tok.AccessToken != "", err)
		}
		e.tray.saw(t, "ask work from ssh me@devbox")
		if len(told) != 1 {
			t.Errorf("the caller was told %q, want that the tray asks", told)
		}
		git, err := remote.GitToken(ctx, "https://git.example.com/team/repo.git", time.Minute)
		if err != nil || git == nil || git.AccessToken == "" {
			t.Fatalf("git: got a token %t, %v; want work's", git != nil, err)
		}
		e.tray.saw(t, "ask work from ssh me@devbox")
		if git, err := remote.GitToken(ctx, "https://elsewhere.example.com/x.git", time.Minute); git != nil || err != nil {
			t.Errorf("a host no profile names: got a token %t, %v; want none", git != nil, err)
		}
		if err := remote.Ping(ctx); err != nil {
			t.Errorf("ping: %v", err)
		}
		e.tray.saw(t, "") // neither asked anything
	})
	t.Run("ask, refused", func(t *testing.T) {
		e.tray.set(func(f *fakeTray) { f.refuse = NotForwarded("refused at the tray", "refused") })
		defer e.tray.set(func(f *fakeTray) { f.refuse = nil })
		_, err := remote.Token(ctx, "work", time.Minute)
		notForwarded(t, err, "refused at the tray")
		e.tray.saw(t, "ask work from ssh me@devbox")
	})
	t.Run("answer", func(t *testing.T) {
		forwarded("answer")
		if tok, err := remote.Token(ctx, "work", time.Minute); err != nil || tok.AccessToken == "" {
			t.Fatalf("got a token %t, %v; want work's", tok.AccessToken != "", err)
		}
		e.tray.saw(t, "") // not asked
	})
	t.Run("refuse", func(t *testing.T) {
		forwarded("refuse")
		_, err := remote.Token(ctx, "work", time.Minute)
		notForwarded(t, err, `forwarded = "refuse"`)
		e.tray.saw(t, "") // not asked
	})
	t.Run("only token requests", func(t *testing.T) {
		forwarded("answer")
		for _, op := range control.Ops() {
			m := rawAt(t, sock, fmt.Sprintf(`{"op":%q,"profile":"work","config":"/elsewhere.toml"}`, op))
			switch {
			case op.FromElsewhere() && m.Err != nil:
				t.Errorf("%s: got %+v, want an answer", op, m.Err)
			case !op.FromElsewhere() && (m.Err == nil || m.Err.Kind != control.KindNotForwarded || !strings.Contains(m.Err.Fix, "Only token")):
				t.Errorf("%s: got %+v, want %s", op, m.Err, control.KindNotForwarded)
			}
		}
		if m := rawAt(t, sock, `{"op":"token","profile":"work"}`); m.Token == nil || m.Token.AccessToken == "" {
			t.Errorf("got %+v, want work's access token", m)
		}
		e.tray.saw(t, "") // status and the like were not even asked of the tray
	})
}

// The control socket reached through ssh: every request refused, saying
// which socket to forward instead.
func TestRefuseForwardedControl(t *testing.T) {
	client, srv := net.Pipe()
	go RefuseForwardedControl(context.Background(), srv)
	defer client.Close()
	if _, err := fmt.Fprintln(client, `{"op":"token"}`); err != nil {
		t.Fatal(err)
	}
	m := read(t, client)
	if m.Err == nil || m.Err.Kind != control.KindNotForwarded || !strings.Contains(m.Err.Fix, control.ForwardSocketName) {
		t.Errorf("got %+v, want %s naming %s", m.Err, control.KindNotForwarded, control.ForwardSocketName)
	}
}

// rawAt sends one request as its JSON to the socket at path and returns
// the last answer.
func rawAt(t *testing.T, path, req string) control.Message {
	t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := fmt.Fprintln(c, req); err != nil {
		t.Fatal(err)
	}
	return read(t, c)
}
