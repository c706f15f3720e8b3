package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/client"
	"github.com/tokentray/tokentray/internal/control/server"
	"github.com/tokentray/tokentray/words"
)

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

// Resident is the process that lives in the tray. auth.Sessions owns the
// sessions and keeps them fresh; the resident serves them on the control
// socket (server.go; internal/control/server answers), shows them in the
// tray (menu.go, tray.go), opens windows (windows.go) and sends
// notifications (notices.go). Every change ends in one loop that renders a
// fresh View; nothing else draws.
type Resident struct {
	sessions *auth.Sessions
	srv      *server.Server
	log      *slog.Logger
	exe      string
	ctx      context.Context
	tray     *tray
	clip     clipboardOwner
	note     *notifier
	notices  notices
	windows  *windows
	signIns  signIns
	// fwd: the forwarding socket's questions and answers (forward.go).
	fwd forwards
	// poke asks the loop to render again.
	poke chan struct{}

	mu       sync.Mutex
	watchers map[chan control.View]struct{}
}

// RunResident runs the tray until ctx ends or Quit is chosen. If a
// resident runs already, it asks that one to show its window and returns
// nil: a second launch is a hand-over, not an error.
func RunResident(ctx context.Context, opts Options) error {
	if err := checkDesktop(); err != nil {
		return err
	}
	dir, err := defaults.RunDir()
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
		return handOver(ctx, opts)
	}
	defer lock.Unlock()
	goOnOneProcessor()
	sock, err := control.SocketPath()
	if err != nil {
		return err
	}
	ln, sockErr := listen(sock)
	if errors.Is(sockErr, errRunning) {
		return handOver(ctx, opts)
	}
	if sockErr == nil {
		defer os.Remove(sock)
		defer ln.Close()
	}

	detachConsole()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := newResident(ctx, opts)
	// fyne.io/systray reports through the standard logger ("systray error:
	// failed to register…"): words for the debug log, not the person.
	log.SetFlags(0)
	log.SetOutput(debugWriter{r.log})
	if err := harden(); err != nil {
		r.log.Warn("core dumps stay possible", "err", err)
	}
	if sockErr != nil {
		// No AF_UNIX (Windows before 10 1803, Wine): the tray still runs;
		// the commands work on their own, and the windows, which talk to
		// the tray through the socket, stay shut.
		r.log.Warn("no control socket: commands run on their own and the windows cannot open", "err", sockErr)
		r.windows.disable()
	} else {
		go r.serve(ln)
		defer r.startForwarding()()
	}
	r.sessions.Keep(ctx) // every session has read the keychain when this returns
	go watchFile(ctx, r.sessions, r.log)
	r.tray.render(r.View(), time.Now()) // what the tray shows first
	go r.loop(ctx)
	go r.lookForTrayHost(ctx, opts.Stderr)
	r.showAtStart()
	r.tray.run(ctx, r) // returns on Quit or when ctx ends
	r.shutdown()
	return nil
}

// debugWriter turns standard-logger lines into debug log records.
type debugWriter struct{ log *slog.Logger }

func (w debugWriter) Write(p []byte) (int, error) {
	w.log.Debug(strings.TrimSpace(string(p)))
	return len(p), nil
}

// handOver asks the running resident to show its window, and says so.
func handOver(ctx context.Context, opts Options) error {
	c, err := client.New(opts.Config)
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
	if opts.Stderr != nil {
		fmt.Fprintln(opts.Stderr, words.T("tokentray is already running; it shows its window now."))
	}
	return nil
}

func newResident(ctx context.Context, opts Options) *Resident {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	stderr := opts.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	exe, _ := os.Executable()
	sessions := auth.NewSessions(opts.Config, auth.Options{Log: log, TrustMemory: true, Policy: policy.Current(),
		// A renewal the provider has received is awaited, not sent again
		// (a provider that hangs for minutes and comes back).
		AwaitRefresh: 15 * time.Minute})
	r := &Resident{
		sessions: sessions,
		log:      log,
		exe:      exe,
		ctx:      ctx,
		poke:     make(chan struct{}, 1),
		watchers: map[chan control.View]struct{}{},
		tray:     newTray(),
		note:     newNotifier(log),
		windows:  newWindows(exe, opts.Config, stderr, log),
	}
	// The language: IT's policy, else the person's file, else the
	// system's; read at start (a change shows at the next one).
	cfg, _ := sessions.Config()
	words.Use(words.Pick(policy.Current().Language, cfg.Language))
	r.srv = server.New(sessions, r)
	r.srv.Log = log
	r.windows.unseen = r.noWindow
	return r
}

// View is the resident's current snapshot: the sessions' states, the
// sign-ins it runs, start at login.
func (r *Resident) View() control.View {
	v := r.srv.View()
	v.Autostart = autostartEnabled()
	r.signIns.decorate(&v)
	r.fwd.decorate(&v)
	return v
}

// changed asks the loop to render again.
func (r *Resident) changed() {
	select {
	case r.poke <- struct{}{}:
	default:
	}
}

// loop renders a fresh View after every change — of the profile file, of
// a session, of a sign-in, of the clock where a countdown shows — into the
// tray, the notifications and the windows that watch. It is the only place
// that does.
func (r *Resident) loop(ctx context.Context) {
	changes, cancel := r.sessions.Subscribe()
	defer cancel()
	var wake *time.Timer
	defer func() {
		if wake != nil {
			wake.Stop()
		}
	}()
	for {
		v, now := r.View(), time.Now()
		next := r.tray.render(v, now)
		sends, again := r.notices.update(v, now)
		for _, n := range sends {
			r.send(n)
		}
		if again > 0 && (next == 0 || again < next) {
			next = again
		}
		// The next countdown step or notice is a change of its own.
		if wake != nil {
			wake.Stop()
			wake = nil
		}
		if next > 0 {
			wake = time.AfterFunc(next, r.changed)
		}
		r.mu.Lock()
		for ch := range r.watchers {
			select {
			case <-ch:
			default:
			}
			ch <- v
		}
		r.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-changes:
		case <-r.poke:
		}
	}
}

// send shows a notification; one about a sign-in starts it when clicked.
func (r *Resident) send(n notice) {
	var onClick func()
	if n.signIn != "" {
		name := n.signIn
		onClick = func() { r.SignIn(name, true) }
	}
	go r.note.Notify(n.topic, n.summary, n.body, onClick)
}

// showAtStart opens the window a person most likely needs on a fresh start:
// settings when there is no profile, the sign-in window when the default
// profile needs signing in. It never opens a browser by itself. The
// sessions have read the keychain by now, so a signed-in profile is not
// mistaken for a signed-out one.
func (r *Resident) showAtStart() {
	v := r.View()
	p, ok := v.Profile("")
	switch {
	case v.ConfigErr != "" || !ok:
		r.windows.open("settings", "")
	case p.State == control.SignedOut || p.State == control.NeedsSignIn:
		r.windows.open("signin", p.Name)
	}
}

// Show opens the window asked for; "" picks one as showAtStart does, the
// tray's own window where no panel shows its icon, and settings when
// nothing needs doing.
func (r *Resident) Show(window, profile string) {
	if window == "" && !trayHostPresent() {
		window = "tray"
	}
	if window == "" {
		window = "settings"
		if p, ok := r.View().Profile(profile); ok && !p.HasToken() {
			window, profile = "signin", p.Name
		}
	}
	r.windows.open(window, profile)
}

// noWindow says, where a window cannot open (a Wayland desktop without
// XWayland; the window program not installed), why, and what does its
// work instead: the menu, the browser, a command.
func (r *Resident) noWindow(kind, profile, why string) {
	instead := map[string]string{
		"settings": words.T("Import a profile file with `tokentray profiles import FILE`; `tokentray profiles` and `tokentray status` show the rest."),
		"import":   words.T("Import it with `tokentray profiles import FILE`."),
		"details":  words.T("`tokentray inspect {profile}` shows the same.", "profile", profile),
		"signin":   words.T("The sign-in goes on in your browser; the menu shows when it is done."),
		"signout":  words.T("Sign out from the menu: Sign out… asks once more there."),
		"tray":     words.T("`tokentray status` and `tokentray token` do what the menu would."),
	}[kind]
	if why == notInstalled {
		r.note.Notify("windows", words.T("tokentray's windows are not installed"),
			words.T("They are a program of their own, tokentray-window, which is not next to tokentray here.")+" "+instead, nil)
		return
	}
	r.note.Notify("windows", words.T("tokentray's windows cannot open on this desktop"),
		words.T("They need X11, which this Wayland desktop does not run (XWayland).")+" "+instead, nil)
}

// lookForTrayHost looks, a moment after start, for a panel that shows tray
// icons, and keeps watching. Without one (stock GNOME), or once it goes
// away (the panel crashed, the extension was turned off), the person would
// see nothing at all: it says so, and opens a small window with what the
// menu offers, which closes once a panel is back and the icon shows.
func (r *Resident) lookForTrayHost(ctx context.Context, stderr io.Writer) {
	if err := watchTrayHost(ctx, func(present bool) {
		if present {
			r.log.Info("a tray host appeared")
			r.windows.close("tray", "")
			return
		}
		r.log.Warn("the tray host left the session bus; the window stands in for the menu")
		r.windows.open("tray", "")
	}); err != nil {
		r.log.Warn("cannot watch for a tray host", "err", err)
	}
	select {
	case <-ctx.Done():
		return
	case <-time.After(2 * time.Second):
	}
	if trayHostPresent() {
		return
	}
	r.log.Warn("no tray host on the session bus")
	if stderr != nil {
		msg := words.T("tokentray runs, but this desktop shows no tray icons (no StatusNotifierWatcher on the session bus). On GNOME, add the AppIndicator extension (gnome-shell-extension-appindicator). Meanwhile its window and `tokentray token` do what the menu would.")
		if !r.windows.canOpen() {
			msg = words.T("tokentray runs, but this desktop shows no tray icons (no StatusNotifierWatcher on the session bus). On GNOME, add the AppIndicator extension (gnome-shell-extension-appindicator). Meanwhile `tokentray status` and `tokentray token` do what the menu would.")
		}
		fmt.Fprintln(stderr, msg)
	}
	r.windows.open("tray", "")
}

// shutdown ends what the resident started; the sessions stop with ctx.
func (r *Resident) shutdown() {
	r.signIns.cancel("")
	r.windows.closeAll()
	r.note.Close()
}

// goOnOneProcessor runs the tray's Go code on one processor (blocking
// system calls still get threads of their own). The tray's work is a few
// hundred microseconds at a time; with more processors the Go scheduler
// wakes a second thread for each goroutine a request starts, and a token
// request to an idle tray took 0.1 ms longer (a third of its round trip).
// GOMAXPROCS, when set, is left as it says.
func goOnOneProcessor() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
}
