package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/client"
	"github.com/tokentray/tokentray/internal/peer"
	"github.com/tokentray/tokentray/internal/testkit"
)

// Every request of the contract, driven through client.Client against a
// server on a memory keychain and a loopback provider: in a command run
// on its own (over a pipe, as Direct connects) and in a tray (over a
// socket, with a tray of the test's own). Each row drives one Op, in an
// order that builds on the last (sign in, use, change, sign out), and says
// what its answer must be.
func TestEveryOp(t *testing.T) {
	type row struct {
		op control.Op
		// run drives op through e.c.
		run func(t *testing.T, e *env)
	}
	ctx := context.Background()
	rows := []row{
		{control.OpPing, func(t *testing.T, e *env) {
			if err := e.c.Ping(ctx); err != nil {
				t.Errorf("got %v, want an answer", err)
			}
		}},
		{control.OpLogin, func(t *testing.T, e *env) {
			res, err := e.c.Login(ctx, "work", control.LoginOptions{Open: follow, Timeout: 10 * time.Second})
			if err != nil || !res.HasRefreshToken || res.SignedInAt.IsZero() {
				t.Fatalf("got %+v, %v; want signed in with a refresh token", res, err)
			}
			e.tray.saw(t, "login work") // the tray shows its progress
		}},
		{control.OpToken, func(t *testing.T, e *env) {
			tok, err := e.c.Token(ctx, "", time.Minute)
			if err != nil || tok.AccessToken == "" || tok.TokenType != "Bearer" || time.Until(tok.Expiry) < time.Minute {
				t.Errorf("got a %q token until %s, %v; want a bearer token valid for a minute", tok.TokenType, tok.Expiry, err)
			}
		}},
		{control.OpGitToken, func(t *testing.T, e *env) {
			tok, err := e.c.GitToken(ctx, "https://git.example.com/team/repo.git", time.Minute)
			if err != nil || tok == nil || tok.AccessToken == "" || tok.GitUsername != "oauth2" {
				t.Fatalf("got a token %t, %v; want work's token for user oauth2", tok != nil && tok.AccessToken != "", err)
			}
			if tok, err := e.c.GitToken(ctx, "https://elsewhere.example.com/x.git", time.Minute); tok != nil || err != nil {
				t.Errorf("a host no profile names: got a token %t, %v; want no token and no error", tok != nil, err)
			}
		}},
		{control.OpStatus, func(t *testing.T, e *env) {
			if e.tray != nil {
				// A request from elsewhere waits: the person's to answer.
				e.tray.set(func(f *fakeTray) { f.asking = &control.Asking{ID: "1", Who: "ssh me@devbox", Profile: "work"} })
				defer e.tray.set(func(f *fakeTray) { f.asking = nil })
			}
			v, err := e.c.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v.Asking != nil {
				t.Errorf("status shows the tray's question: %+v", v.Asking)
			}
			p, ok := v.Profile("work")
			if !ok || p.State != control.Valid || !p.HasRefreshToken || p.Grant != "authorization_code" || p.Provider != "127.0.0.1" {
				t.Errorf("got %+v, want work valid, with a refresh token, at 127.0.0.1", p)
			}
			if p.SignIn != (control.SignInView{}) {
				t.Errorf("status shows a sign-in that ended: %+v", p.SignIn)
			}
			e.tray.saw(t, "view")
		}},
		{control.OpInspect, func(t *testing.T, e *env) {
			in, err := e.c.Inspect(ctx, "work")
			if err != nil || in.Name != "work" || in.TokenFormat != "jwt" || in.Claims["sub"] == nil {
				t.Errorf("got %+v, %v; want work's JWT claims", in, err)
			}
		}},
		{control.OpImport, func(t *testing.T, e *env) {
			p, err := e.c.PreviewImport(ctx, e.importFile)
			if err != nil || p.Signature != "unsigned" || len(p.Refused) > 0 || len(p.Profiles) != 1 || p.Profiles[0].Name != "sent" {
				t.Fatalf("preview: got %+v, %v; want one unsigned profile, sent, allowed", p, err)
			}
			names, _, err := e.c.Import(ctx, e.importFile, p.Sum)
			if err != nil || !slices.Equal(names, []string{"sent"}) {
				t.Fatalf("import: got %v, %v; want [sent]", names, err)
			}
			if _, _, err := e.c.Import(ctx, e.importFile, "another sum"); err == nil {
				t.Error("an import not as previewed was done")
			}
		}},
		{control.OpDefault, func(t *testing.T, e *env) {
			if err := e.c.SetDefault(ctx, "sent"); err != nil {
				t.Fatal(err)
			}
			if v, _ := e.c.Status(ctx); v.Default != "sent" {
				t.Errorf("default %q, want sent", v.Default)
			}
		}},
		{control.OpClipboard, func(t *testing.T, e *env) {
			if err := e.c.SetClipboardClear(ctx, 45*time.Second); err != nil {
				t.Fatal(err)
			}
			if v, _ := e.c.Status(ctx); v.ClipboardClear != 45*time.Second {
				t.Errorf("clipboard_clear %s, want 45s", v.ClipboardClear)
			}
		}},
		{control.OpRemove, func(t *testing.T, e *env) {
			res, err := e.c.Remove(ctx, "sent")
			if err != nil || res.WasSignedIn {
				t.Fatalf("got %+v, %v; want removed, never signed in", res, err)
			}
			if v, _ := e.c.Status(ctx); len(v.Profiles) != 1 || v.Profiles[0].Name != "work" || v.Default != "work" {
				t.Errorf("after remove: %+v, want work alone, the default again", v)
			}
		}},
		{control.OpLogout, func(t *testing.T, e *env) {
			res, err := e.c.Logout(ctx, "work")
			if err != nil || !res.WasSignedIn || !res.Revoked {
				t.Fatalf("got %+v, %v; want signed out and revoked", res, err)
			}
			e.tray.saw(t, "signed out work") // its copied token goes with it
			_, err = e.c.Token(ctx, "work", time.Minute)
			var ce *control.Error
			if !errors.As(err, &ce) || ce.Kind != control.KindSignIn || ce.Profile != "work" {
				t.Errorf("a token after sign-out: got %v, want %s naming work", err, control.KindSignIn)
			}
		}},

		// The tray's own.
		{control.OpShow, trayRow(func(c *client.Client) error { return c.Show(ctx, "settings", "work") }, "show settings work")},
		{control.OpWatch, trayRow(func(c *client.Client) error {
			var got []string
			err := c.Watch(ctx, func(v control.View) { got = append(got, v.ConfigPath) })
			if err == nil && len(got) != 1 {
				err = fmt.Errorf("watched %v, want one view", got)
			}
			return err
		}, "watch")},
		{control.OpSignIn, trayRow(func(c *client.Client) error {
			// The sign-in window's own button shows no window; any other does.
			if err := c.SignIn(ctx, "work", "signin"); err != nil {
				return err
			}
			return c.SignIn(ctx, "work", "settings")
		}, "signin work show=false", "signin work show=true")},
		{control.OpCancel, trayRow(func(c *client.Client) error {
			// The fake tray has a sign-in waiting for work alone.
			if stopped, err := c.CancelSignIn(ctx, "idle"); err != nil || stopped {
				return fmt.Errorf("idle: stopped %t: %w", stopped, err)
			}
			if stopped, err := c.CancelSignIn(ctx, "work"); err != nil || !stopped {
				return fmt.Errorf("work: stopped %t: %w", stopped, err)
			}
			return nil
		}, "cancel work")},
		{control.OpCopyLink, trayRow(func(c *client.Client) error { return c.CopySignInLink(ctx, "work") }, "copylink work")},
		{control.OpOpenPage, trayRow(func(c *client.Client) error { return c.OpenSignInPage(ctx, "work") }, "openpage work")},
		{control.OpAutostart, trayRow(func(c *client.Client) error { return c.SetAutostart(ctx, true) }, "autostart true")},
		{control.OpCopy, trayRow(func(c *client.Client) error { return c.Copy(ctx, "work", true) }, "copy work true")},
		{control.OpCopyClaim, trayRow(func(c *client.Client) error { return c.CopyClaim(ctx, "work", "sub") }, "copyclaim work sub")},
	}

	have := map[control.Op]bool{}
	for _, r := range rows {
		have[r.op] = true
	}
	for _, op := range control.Ops() {
		if !have[op] {
			t.Errorf("no row drives %q", op)
		}
	}

	for _, withTray := range []bool{false, true} {
		name := "alone"
		if withTray {
			name = "tray"
		}
		t.Run(name, func(t *testing.T) {
			e := start(t, withTray)
			for _, r := range rows {
				t.Run(string(r.op), func(t *testing.T) { r.run(t, e) })
			}
			t.Run("another profile file", func(t *testing.T) {
				other := *e.c
				other.Config = filepath.Join(t.TempDir(), "other.toml")
				_, err := other.Token(ctx, "work", time.Minute)
				var ce *control.Error
				switch {
				case withTray && !errors.Is(err, control.ErrNoResident):
					// The client, told so, has no process of its own to run it in.
					t.Errorf("got %v, want %v", err, control.ErrNoResident)
				case !withTray && (!errors.As(err, &ce) || ce.Kind != control.KindElsewhere):
					t.Errorf("got %v, want %s", err, control.KindElsewhere)
				}
			})
			t.Run("an unknown request", func(t *testing.T) {
				m := raw(t, e.srv, `{"op":"nosuch"}`)
				if m.Err == nil || m.Err.Kind != control.KindUnknownOp {
					t.Errorf("got %+v, want %s", m.Err, control.KindUnknownOp)
				}
			})
		})
	}
}

// trayRow drives a request only a tray answers: alone, the answer is that
// it needs the tray; in a tray, the tray is asked, as want.
func trayRow(call func(*client.Client) error, want ...string) func(*testing.T, *env) {
	return func(t *testing.T, e *env) {
		err := call(e.c)
		if e.tray == nil {
			var ce *control.Error
			if !errors.As(err, &ce) || ce.Kind != control.KindUsage || !control.NotServedHere(ce) {
				t.Errorf("alone: got %v, want that it needs the tray", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		e.tray.saw(t, want...)
	}
}

// env is what the rows of TestEveryOp drive.
type env struct {
	srv  *Server
	c    *client.Client
	tray *fakeTray // nil alone
	// importFile is a profile file sent to the person, with one profile.
	importFile string
}

// start writes a profile file with a profile of a loopback provider, and
// serves it on a memory keychain: alone over a pipe, or as a tray's over a
// socket.
func start(t *testing.T, withTray bool) *env {
	p := testkit.NewOAuthServer(t, "none")
	p.JWTAccess = true
	dir := t.TempDir()
	path := filepath.Join(dir, "profiles.toml")
	profile := func(name, extra string) string {
		return fmt.Sprintf("[profile.%s]\nauth_url = %q\ntoken_url = %q\nrevocation_url = %q\nclient_id = %q\n%s",
			name, p.URL+"/authorize", p.URL+"/token", p.URL+"/revoke", p.ClientID, extra)
	}
	write(t, path, profile("work", "git_urls = [\"https://git.example.com/team\"]\n"))
	e := &env{importFile: filepath.Join(dir, "sent.toml")}
	write(t, e.importFile, profile("sent", ""))

	sessions := auth.NewSessions(path, auth.Options{Store: keychain.MemoryStore(keychain.NewMemory(0))})
	if !withTray {
		e.srv = New(sessions, nil)
		e.c = &client.Client{Config: path, Direct: pipeTo(e.srv.Handle)}
		return e
	}
	e.tray = &fakeTray{}
	e.srv = New(sessions, e.tray)
	e.tray.srv = e.srv
	sock := filepath.Join(dir, "control.sock")
	testkit.ServeUnix(t, sock, func(c net.Conn) { e.srv.ServeConn(context.Background(), c) })
	e.c = &client.Client{Socket: sock, Config: path}
	return e
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// follow is a browser that signs in at once: the provider approves, and
// its redirect reaches the sign-in's callback.
func follow(u string) error {
	go func() {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
		}
	}()
	return nil
}

// raw sends one request as its JSON and returns the last answer.
func raw(t *testing.T, srv *Server, req string) control.Message {
	t.Helper()
	client, server := net.Pipe()
	go srv.ServeConn(context.Background(), server)
	defer client.Close()
	if _, err := fmt.Fprintln(client, req); err != nil {
		t.Fatal(err)
	}
	return read(t, client)
}

// read returns the last answer that c reads.
func read(t *testing.T, c net.Conn) control.Message {
	t.Helper()
	dec := json.NewDecoder(c)
	for {
		var m control.Message
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		if m.Done {
			return m
		}
	}
}

// fakeTray is a tray that notes what it was asked; its View and Login are
// the server's.
type fakeTray struct {
	srv   *Server
	mu    sync.Mutex
	calls []string
	// asking is the question its View shows; refuse is its person's
	// answer to AskForward (nil allows).
	asking *control.Asking
	refuse error
}

func (f *fakeTray) note(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// saw checks that the tray was asked want since the last look ("":
// nothing); a nil tray (alone) was asked nothing.
func (f *fakeTray) saw(t *testing.T, want ...string) {
	t.Helper()
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, w := range want {
		switch {
		case w == "" && len(f.calls) > 0:
			t.Errorf("the tray was asked %q, want nothing", strings.Join(f.calls, "; "))
		case w != "" && !slices.Contains(f.calls, w):
			t.Errorf("the tray was asked %q, want %q among them", strings.Join(f.calls, "; "), w)
		}
	}
	f.calls = nil
}

// set changes the fake under its lock.
func (f *fakeTray) set(change func(*fakeTray)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func (f *fakeTray) View() control.View {
	f.note("view")
	v := f.srv.View()
	f.mu.Lock()
	v.Asking = f.asking
	f.mu.Unlock()
	return v
}
func (f *fakeTray) AskForward(_ context.Context, from peer.Process, profile string, send func(control.Message) error) error {
	f.note("ask %s from %s", profile, from.Who())
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse == nil {
		_ = send(control.Message{Asking: "asking"})
	}
	return f.refuse
}
func (f *fakeTray) Login(ctx context.Context, profile string, o control.LoginOptions) (control.LoginResult, error) {
	f.note("login %s", profile)
	return f.srv.SignIn(ctx, profile, o)
}
func (f *fakeTray) SignedOut(profile string)    { f.note("signed out %s", profile) }
func (f *fakeTray) Show(window, profile string) { f.note("show %s %s", window, profile) }
func (f *fakeTray) SignIn(profile string, show bool) {
	f.note("signin %s show=%t", profile, show)
}
func (f *fakeTray) CancelSignIn(profile string) bool {
	f.note("cancel %s", profile)
	return profile == "work"
}
func (f *fakeTray) SetAutostart(on bool) error    { f.note("autostart %t", on); return nil }
func (f *fakeTray) Copy(p string, h bool) error   { f.note("copy %s %t", p, h); return nil }
func (f *fakeTray) CopySignInLink(p string) error { f.note("copylink %s", p); return nil }
func (f *fakeTray) OpenSignInPage(p string) error { f.note("openpage %s", p); return nil }
func (f *fakeTray) CopyClaim(_ context.Context, p, claim string) error {
	f.note("copyclaim %s %s", p, claim)
	return nil
}
func (f *fakeTray) Watch(ctx context.Context, send func(control.View) error) error {
	f.note("watch")
	return send(f.srv.View()) // one view, then the tray hangs up
}
