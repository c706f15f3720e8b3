package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
	"github.com/pkg/browser"

	"github.com/tokentray/tokentray/auth"
)

// retryNotice is how long refreshes must fail before a notification says
// so: a blip on the Wi-Fi is not worth one.
const retryNotice = 3 * time.Minute

// Options configure the resident.
type Options struct {
	// Config is the profile file.
	Config string
	// Log receives what the resident does; nil logs nothing. It never
	// holds a token.
	Log *slog.Logger
	// Stderr receives the window processes' output.
	Stderr io.Writer
}

// Resident is the process that lives in the tray: it owns the sessions,
// keeps them fresh, serves the control socket, and renders into the tray.
// It has no GUI toolkit loop: the windows run in child processes.
type Resident struct {
	local  *Local
	log    *slog.Logger
	stderr io.Writer
	exe    string
	ctx    context.Context
	tray   *tray
	clip   clipboardOwner
	note   *notifier

	mu       sync.Mutex
	cfgErr   error
	runs     map[*auth.Session]context.CancelFunc
	logins   map[string]*loginRun
	watchers map[chan View]struct{}
	windows  map[string]*exec.Cmd
	// noticed remembers which notifications were sent, so each is sent
	// once per episode (per profile: "signin", "retry").
	noticed map[string]bool
	timers  map[string]*time.Timer
}

type loginRun struct {
	cancel context.CancelFunc
	view   SignInView
}

// RunResident runs the tray until ctx ends or Quit is chosen. If a
// resident runs already, it asks that one to show its window and returns
// nil: a second launch is a hand-over, not an error.
func RunResident(ctx context.Context, opts Options) error {
	dir, err := auth.RuntimeDir()
	if err != nil {
		return err
	}
	// The lock makes two launches at the same moment agree on one resident.
	lock := flock.New(filepath.Join(dir, "resident.lock"), flock.SetPermissions(0o600))
	ok, err := lock.TryLock()
	if err != nil {
		return fmt.Errorf("resident lock: %w", err)
	}
	if !ok {
		return handOver(ctx, opts.Config)
	}
	defer lock.Unlock()
	sock, err := SocketPath()
	if err != nil {
		return err
	}
	ln, err := listen(sock)
	if errors.Is(err, ErrRunning) {
		return handOver(ctx, opts.Config)
	}
	if err != nil {
		return err
	}
	defer os.Remove(sock)
	defer ln.Close()

	detachConsole()
	r := newResident(ctx, opts)
	go r.serve(ln)
	r.sync()
	r.showAtStart()
	r.tray.run(ctx, r) // returns on Quit or when ctx ends
	r.shutdown()
	return nil
}

// handOver asks the running resident to show its window.
func handOver(ctx context.Context, config string) error {
	c, err := NewClient(config)
	if err != nil {
		return err
	}
	// The other one may be starting this very moment.
	deadline := time.Now().Add(3 * time.Second)
	for {
		err = c.Show(ctx, "", "")
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("tokentray runs already but does not answer: %w", err)
	}
	return nil
}

func newResident(ctx context.Context, opts Options) *Resident {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	exe, _ := os.Executable()
	r := &Resident{
		local:    NewLocal(opts.Config, auth.Options{Log: log, TrustMemory: true}),
		log:      log,
		stderr:   opts.Stderr,
		exe:      exe,
		ctx:      ctx,
		runs:     map[*auth.Session]context.CancelFunc{},
		logins:   map[string]*loginRun{},
		watchers: map[chan View]struct{}{},
		windows:  map[string]*exec.Cmd{},
		noticed:  map[string]bool{},
		timers:   map[string]*time.Timer{},
	}
	if r.stderr == nil {
		r.stderr = io.Discard
	}
	r.tray = newTray()
	r.note = newNotifier(log)
	return r
}

// sync reads the profile file again if it changed and starts or stops the
// sessions' background refresh to match.
func (r *Resident) sync() {
	_, changed, err := r.local.Sync()
	r.mu.Lock()
	r.cfgErr = err
	r.mu.Unlock()
	if err != nil {
		r.log.Warn("profile file", "err", err)
		r.changed()
		return
	}
	if !changed {
		return
	}
	live := map[*auth.Session]bool{}
	for _, s := range r.local.Sessions() {
		live[s] = true
		r.mu.Lock()
		_, running := r.runs[s]
		if !running {
			ctx, cancel := context.WithCancel(r.ctx)
			r.runs[s] = cancel
			go s.Run(ctx)
			go r.follow(ctx, s)
		}
		r.mu.Unlock()
	}
	r.mu.Lock()
	for s, cancel := range r.runs {
		if !live[s] {
			cancel()
			delete(r.runs, s)
		}
	}
	r.mu.Unlock()
	r.changed()
}

// follow re-renders on every state change of s and sends the
// notifications the change calls for.
func (r *Resident) follow(ctx context.Context, s *auth.Session) {
	states, cancel := s.Subscribe()
	defer cancel()
	name := s.Profile().Name
	for {
		select {
		case <-ctx.Done():
			return
		case st := <-states:
			r.notices(name, st)
			r.changed()
		}
	}
}

// notices sends "sign-in needed" once when a session gets there, and
// "refresh failing" once an outage has lasted retryNotice.
func (r *Resident) notices(name string, st auth.State) {
	r.mu.Lock()
	defer r.mu.Unlock()
	signKey, retryKey := name+"/signin", name+"/retry"
	if st.Kind != auth.NeedsSignIn {
		r.noticed[signKey] = false
	} else if !r.noticed[signKey] {
		r.noticed[signKey] = true
		msg := "Your sign-in has ended. Click to sign in again."
		if st.Err != nil {
			msg = plainReason(st.Err) + " Click to sign in again."
		}
		go r.note.Notify("signin-"+name, "Sign-in needed: "+name, msg, func() { r.SignIn(name) })
	}
	if st.Kind != auth.Retrying {
		r.noticed[retryKey] = false
		if t := r.timers[retryKey]; t != nil {
			t.Stop()
			delete(r.timers, retryKey)
		}
		return
	}
	if r.noticed[retryKey] || r.timers[retryKey] != nil {
		return
	}
	wait := max(time.Until(st.Since.Add(retryNotice)), 0)
	r.timers[retryKey] = time.AfterFunc(wait, func() {
		r.mu.Lock()
		delete(r.timers, retryKey)
		r.noticed[retryKey] = true
		r.mu.Unlock()
		s, err := r.local.Session(name)
		if err != nil || s.State().Kind != auth.Retrying {
			return
		}
		st := s.State()
		body := "tokentray keeps trying. "
		if left := time.Until(st.Until); left > 0 {
			body += "The current token stays valid for " + HumanDuration(left) + "."
		} else {
			body += "The token has expired; tools using it will fail until the provider answers."
		}
		r.note.Notify("retry-"+name, "Cannot reach the provider for "+name, body, nil)
	})
}

// plainReason turns why a session needs sign-in into a sentence.
func plainReason(err error) string {
	switch KindOf(err) {
	case KindSignIn:
		return "The provider ended the sign-in (it expired or was revoked)."
	case KindKeychain:
		return "The keychain could not be read."
	}
	return "The sign-in is no longer valid."
}

// View is the current snapshot.
func (r *Resident) View() View {
	v := View{ConfigPath: r.local.Path(), Autostart: autostartEnabled()}
	r.mu.Lock()
	cfgErr := r.cfgErr
	logins := map[string]SignInView{}
	for name, l := range r.logins {
		logins[name] = l.view
	}
	r.mu.Unlock()
	if cfgErr != nil {
		v.ConfigErr = cfgErr.Error()
	}
	v.ClipboardClear = auth.DefaultClipboardClear
	if cfg, _, err := r.local.Sync(); err == nil {
		v.Default, v.ClipboardClear = cfg.Default, cfg.ClipboardClear
	}
	for _, s := range r.local.Sessions() {
		p := s.Profile()
		st := s.State()
		pv := ProfileView{
			Name: p.Name, Provider: providerName(p), Who: st.Who, State: st.Kind, Until: st.Until,
			HasRefreshToken: st.HasRefreshToken, ServiceAccount: p.JWTBearer(), Since: st.Since,
			SignIn: logins[p.Name],
		}
		if st.Err != nil {
			pv.Err, pv.ErrKind = st.Err.Error(), KindOf(st.Err)
		}
		v.Profiles = append(v.Profiles, pv)
	}
	return v
}

// changed re-renders the tray and tells the windows.
func (r *Resident) changed() {
	v := r.View()
	r.tray.render(v)
	r.mu.Lock()
	defer r.mu.Unlock()
	for ch := range r.watchers {
		select {
		case <-ch:
		default:
		}
		ch <- v
	}
}

// showAtStart opens the window a person most likely needs on a fresh start:
// settings when there is no profile, the sign-in window when the default
// profile needs signing in. It never opens a browser by itself.
func (r *Resident) showAtStart() {
	v := r.View()
	p, ok := v.Profile("")
	switch {
	case v.ConfigErr != "" || !ok:
		r.openWindow("settings", "")
	case p.State == auth.SignedOut || p.State == auth.NeedsSignIn:
		r.openWindow("signin", p.Name)
	}
}

// show opens the window asked for; "" picks one as showAtStart does, and
// settings when nothing needs doing.
func (r *Resident) show(window, profile string) {
	if window == "" {
		window = "settings"
		if p, ok := r.View().Profile(profile); ok && !p.HasToken() {
			window, profile = "signin", p.Name
		}
	}
	r.openWindow(window, profile)
}

// openWindow starts a window process, unless that window is open already.
func (r *Resident) openWindow(kind, profile string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cmd := r.windows[kind]; cmd != nil {
		return
	}
	bin, err := windowBinary(r.exe)
	if err != nil {
		r.log.Warn("open window", "window", kind, "err", err)
		return
	}
	args := []string{"--config", r.local.Path(), kind}
	if profile != "" {
		args = append(args, profile)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = r.stderr, r.stderr
	cmd.Env = windowEnv(os.Environ())
	if err := cmd.Start(); err != nil {
		r.log.Warn("open window", "window", kind, "err", err)
		return
	}
	r.log.Debug("window opened", "window", kind, "pid", cmd.Process.Pid)
	r.windows[kind] = cmd
	go func() {
		_ = cmd.Wait()
		r.mu.Lock()
		delete(r.windows, kind)
		r.mu.Unlock()
	}()
}

// windowBinary finds tokentray-window: next to this executable, as the
// packages install it, else on PATH.
func windowBinary(exe string) (string, error) {
	name := "tokentray-window"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	next := filepath.Join(filepath.Dir(exe), name)
	if _, err := os.Stat(next); err == nil {
		return next, nil
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s is not installed next to %s or on PATH; the windows need it", name, exe)
	}
	return path, nil
}

// windowEnv gives the window a locale Fyne can parse: under LANG=C it
// logs an error at every start.
func windowEnv(env []string) []string {
	lang := os.Getenv("LC_ALL")
	if lang == "" {
		lang = os.Getenv("LANG")
	}
	if lang == "" || lang == "C" || lang == "POSIX" || strings.HasPrefix(lang, "C.") {
		env = append(env, "LC_ALL=", "LANG=en_US.UTF-8")
	}
	return env
}

// SignIn starts a browser sign-in at once and shows the sign-in window:
// what "Sign in…" in the menu and the sign-in notification do.
func (r *Resident) SignIn(profile string) {
	r.startSignIn(profile)
	r.openWindow("signin", profile)
}

// startSignIn starts a browser sign-in in the background.
func (r *Resident) startSignIn(profile string) {
	go func() {
		_, err := r.login(r.ctx, profile, openBrowser, 0)
		if err != nil {
			r.log.Info("sign-in did not finish", "profile", profile, "err", err)
		}
	}()
}

func openBrowser(u string) error {
	// xdg-open chatters; none of it is for anyone.
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	return browser.OpenURL(u)
}

// login runs one sign-in, cancelling an earlier one of the same profile
// (it holds the callback port), and publishes its progress.
func (r *Resident) login(ctx context.Context, profile string, open func(string) error, timeout time.Duration) (LoginReply, error) {
	s, err := r.local.Session(profile)
	if err != nil {
		return LoginReply{}, err
	}
	name := s.Profile().Name
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run := &loginRun{cancel: cancel, view: SignInView{Active: true}}
	r.mu.Lock()
	if old := r.logins[name]; old != nil && old.view.Active {
		old.cancel()
	}
	r.logins[name] = run
	r.mu.Unlock()
	r.changed()
	reply, err := r.local.Login(ctx, name, func(u string) error {
		r.mu.Lock()
		run.view.URL = u
		r.mu.Unlock()
		r.changed()
		return open(u)
	}, timeout)
	r.mu.Lock()
	run.view = SignInView{Done: err == nil}
	if err != nil {
		run.view.Err, run.view.ErrKind = err.Error(), KindOf(err)
	}
	r.mu.Unlock()
	r.changed()
	return reply, err
}

// cancelSignIn stops a waiting sign-in.
func (r *Resident) cancelSignIn(profile string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, l := range r.logins {
		if (profile == "" || name == profile) && l.view.Active {
			l.cancel()
		}
	}
}

// Copy puts the profile's access token (or an Authorization header) on
// the clipboard, clears it after clipboard_clear, and says so.
func (r *Resident) Copy(profile string, header bool) {
	ctx, cancel := context.WithTimeout(r.ctx, 30*time.Second)
	defer cancel()
	tok, err := r.local.Token(ctx, profile, auth.DefaultMinValid)
	if err != nil {
		r.note.Notify("copy", "Nothing was copied", plainError(err), nil)
		return
	}
	text, what := tok.AccessToken, "Access token"
	if header {
		text, what = "Authorization: "+tok.TokenType+" "+tok.AccessToken, "Authorization header"
	}
	clearAfter := r.View().ClipboardClear
	if err := r.clip.Copy(text, clearAfter); err != nil {
		r.log.Warn("clipboard", "err", err)
		r.note.Notify("copy", "Nothing was copied", "The clipboard is not available: "+err.Error(), nil)
		return
	}
	summary := what + " copied"
	if !tok.Expiry.IsZero() {
		summary += " — valid " + HumanDuration(time.Until(tok.Expiry))
	}
	body := "The clipboard is not cleared automatically."
	if clearAfter > 0 {
		body = "Clipboard clears in " + HumanDuration(clearAfter) + "."
	}
	r.note.Notify("copy", summary+".", body, nil)
}

// Refresh renews the profile's access token now.
func (r *Resident) Refresh(profile string) {
	s, err := r.local.Session(profile)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(r.ctx, time.Minute)
	defer cancel()
	if err := s.Refresh(ctx); err != nil {
		r.log.Info("refresh now", "profile", profile, "err", err)
	}
}

// SignOut revokes and deletes the profile's tokens.
func (r *Resident) SignOut(profile string) {
	ctx, cancel := context.WithTimeout(r.ctx, time.Minute)
	defer cancel()
	res, err := r.local.Logout(ctx, profile)
	switch {
	case err != nil:
		r.note.Notify("signout-"+profile, "Sign-out did not finish", plainError(err), nil)
	case res.WasSignedIn && !res.Revoked:
		r.note.Notify("signout-"+profile, "Signed out of "+profile+" on this computer",
			"The provider was not told to revoke the tokens: "+res.RevokeErr, nil)
	}
	r.changed()
}

// SetAutostart turns start at login on or off.
func (r *Resident) SetAutostart(on bool) error {
	var extra []string
	if def, err := auth.DefaultConfigPath(); err != nil || filepath.Clean(def) != filepath.Clean(r.local.Path()) {
		extra = []string{"--config", r.local.Path()}
	}
	err := setAutostart(on, r.exe, extra)
	r.changed()
	return err
}

// plainError is an error in a sentence for a notification.
func plainError(err error) string {
	switch KindOf(err) {
	case KindSignIn:
		return "You need to sign in first."
	case KindKeychain:
		return "The keychain is not available: " + err.Error()
	case KindUnreachable:
		return "The provider cannot be reached, and there is no valid token."
	}
	return err.Error()
}

// shutdown ends what the resident started.
func (r *Resident) shutdown() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, cancel := range r.runs {
		cancel()
	}
	for _, l := range r.logins {
		l.cancel()
	}
	for _, cmd := range r.windows {
		_ = cmd.Process.Kill()
	}
	for _, t := range r.timers {
		t.Stop()
	}
	r.note.Close()
}

// serve answers the control socket until ln is closed.
func (r *Resident) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go r.handle(c)
	}
}

func (r *Resident) handle(c net.Conn) {
	defer c.Close()
	if err := peerIsUser(c); err != nil {
		r.log.Warn("control socket: connection refused", "err", err)
		return
	}
	req, err := readRequest(c)
	enc := json.NewEncoder(c)
	if err != nil {
		_ = enc.Encode(message{Err: &wireError{Kind: KindUsage, Msg: "bad request: " + err.Error()}})
		return
	}
	// The request is read; the caller hanging up now means "cancel".
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	go func() {
		_, _ = c.Read(make([]byte, 1))
		cancel()
	}()
	send := func(m message) error { return enc.Encode(m) }
	m, err := r.dispatch(ctx, req, send)
	if err != nil {
		m = message{Err: toWire(err)}
	}
	m.Done = true
	_ = send(m)
}

// commandOps answer for one profile file only.
var commandOps = map[string]bool{opToken: true, opStatus: true, opLogin: true, opLogout: true}

func (r *Resident) dispatch(ctx context.Context, req request, send func(message) error) (message, error) {
	if commandOps[req.Op] && filepath.Clean(req.Config) != filepath.Clean(r.local.Path()) {
		return message{}, &Error{Kind: kindElsewhere, Msg: "this tray serves " + r.local.Path()}
	}
	r.sync()
	switch req.Op {
	case opPing:
		return message{}, nil
	case opToken:
		tok, err := r.local.Token(ctx, req.Profile, req.MinValid)
		return message{Token: &tok}, err
	case opStatus:
		st, err := r.local.Status(ctx)
		return message{Status: st}, err
	case opLogin:
		reply, err := r.login(ctx, req.Profile, func(u string) error { return send(message{URL: u}) }, req.Timeout)
		return message{Login: &reply}, err
	case opLogout:
		reply, err := r.local.Logout(ctx, req.Profile)
		r.changed()
		return message{Logout: &reply}, err
	case opShow:
		r.show(req.Window, req.Profile)
		return message{}, nil
	case opWatch:
		return message{}, r.watch(ctx, send)
	case opSignIn:
		r.startSignIn(req.Profile)
		return message{}, nil
	case opCancel:
		r.cancelSignIn(req.Profile)
		return message{}, nil
	case opCopyLink:
		p, _ := r.View().Profile(req.Profile)
		if p.SignIn.URL == "" {
			return message{}, errors.New("no sign-in is waiting")
		}
		// The address is no secret (PKCE keeps the verifier here).
		return message{}, r.clip.Copy(p.SignIn.URL, 0)
	case opRefresh:
		r.Refresh(req.Profile)
		return message{}, nil
	case opImport:
		names, err := auth.ImportProfiles(r.local.Path(), req.File)
		r.sync()
		return message{Names: names}, err
	case opRemove:
		err := auth.RemoveProfile(r.local.Path(), req.Profile)
		r.sync()
		return message{}, err
	case opDefault:
		err := auth.SetDefault(r.local.Path(), req.Profile)
		r.sync()
		return message{}, err
	case opClipboard:
		err := auth.SetClipboardClear(r.local.Path(), time.Duration(req.Seconds)*time.Second)
		r.sync()
		return message{}, err
	case opAutostart:
		return message{}, r.SetAutostart(req.Autostart)
	}
	return message{}, &Error{Kind: KindUsage, Msg: fmt.Sprintf("unknown request %q", req.Op)}
}

// watch streams Views until the caller hangs up.
func (r *Resident) watch(ctx context.Context, send func(message) error) error {
	ch := make(chan View, 1)
	ch <- r.View()
	r.mu.Lock()
	r.watchers[ch] = struct{}{}
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.watchers, ch)
		r.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case v := <-ch:
			if err := send(message{View: &v}); err != nil {
				return err
			}
		}
	}
}
