package app

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/tokentray/tokentray/internal/buildinfo"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// windows starts the window program (tokentray-window) on demand: one
// process per window, which exits when its window closes, so Fyne's driver
// costs nothing while no window is open.
type windows struct {
	exe, config string
	stderr      io.Writer
	log         *slog.Logger

	mu    sync.Mutex
	procs map[string]*windowProc // by windowKey
	// told holds each reason no window can open here (noX,
	// notInstalled) once the person was told it.
	told map[string]bool
	// unseen is told of each window that cannot open here, and why, to
	// say so to the person.
	unseen func(kind, profile, why string)
	// off: no control socket, so a window could not reach the tray.
	off bool
}

// disable keeps every window shut.
func (w *windows) disable() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.off = true
}

func newWindows(exe, config string, stderr io.Writer, log *slog.Logger) *windows {
	return &windows{exe: exe, config: config, stderr: stderr, log: log, procs: map[string]*windowProc{}, told: map[string]bool{}}
}

// windowProc is a window's program while it runs.
type windowProc struct {
	cmd     *exec.Cmd
	started time.Time
	closed  bool // ended by the tray (close, closeAll)
}

// raiseAfter is how long a window's program must have run before it is
// asked to raise its window: until its Go runtime has installed its signal
// handlers the kernel's default for SIGUSR1 would end it (a double click on
// a menu item), and its window shows only later anyway. A variable for
// the test.
var raiseAfter = time.Second

// Why no window can open here.
const (
	// noX: the window program (GLFW) needs X; a Wayland desktop offers it
	// only through XWayland. Started without, it would die with a trace
	// only the tray's stderr sees.
	noX = "no X display"
	// notInstalled: the window program is not next to this one — as
	// `go install github.com/tokentray/tokentray@latest` leaves it, one
	// program alone.
	notInstalled = "tokentray-window not installed"
)

// program is the window program to start, or why none can start here.
// It is looked for at each window, so one installed while the tray runs
// is used from then on.
func (w *windows) program() (bin, why string) {
	if !canOpenWindows() {
		return "", noX
	}
	bin, err := buildinfo.WindowProgram(w.exe)
	if err != nil {
		return "", notInstalled
	}
	return bin, ""
}

// canOpen tells whether a window can open here now.
func (w *windows) canOpen() bool {
	_, why := w.program()
	return why == ""
}

// saying is what the tray's stderr says, once, when no window can open for
// why.
func (w *windows) saying(why string) string {
	if why == notInstalled {
		return "tokentray: " + words.T("its windows are a program of their own, tokentray-window, which is not installed next to {program} (with Go: `go install github.com/tokentray/tokentray/cmd/tokentray-window@latest` puts it there); the tray menu and the commands work without it.", "program", w.exe)
	}
	return "tokentray: " + words.T("its windows need an X display (DISPLAY is not set; on Wayland, XWayland); the tray menu and the commands work without one.")
}

// windowKey: one settings window, one sign-in and one details window per
// profile.
func windowKey(kind, profile string) string {
	if kind == "signin" || kind == "details" || kind == "import" {
		return kind + "/" + profile
	}
	return kind
}

// open starts a window, or brings it to the front where it is open
// already.
func (w *windows) open(kind, profile string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.openLocked(kind, profile)
}

func (w *windows) openLocked(kind, profile string) {
	key := windowKey(kind, profile)
	if p := w.procs[key]; p != nil {
		if time.Since(p.started) > raiseAfter {
			raise(p.cmd.Process)
		}
		return
	}
	if w.off {
		w.log.Info("no control socket: window not opened", "window", key)
		return
	}
	bin, why := w.program()
	if why != "" {
		if !w.told[why] {
			w.told[why] = true
			fmt.Fprintln(w.stderr, w.saying(why))
		}
		w.log.Info("window not opened", "window", key, "why", why)
		if w.unseen != nil {
			go w.unseen(kind, profile, why)
		}
		return
	}
	args := []string{"--config", w.config, kind}
	if profile != "" {
		args = append(args, profile)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = w.stderr, w.stderr
	cmd.Env = windowEnv(os.Environ())
	if err := cmd.Start(); err != nil {
		w.log.Warn("open window", "window", kind, "err", err)
		return
	}
	w.log.Debug("window opened", "window", key, "pid", cmd.Process.Pid)
	p := &windowProc{cmd: cmd, started: time.Now()}
	w.procs[key] = p
	go func() {
		_ = cmd.Wait()
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.procs, key)
		// Asked for as its window closed, the program raised nothing and
		// says so: open the window anew. (A request in the instant after
		// the program ended and before it is reaped here is lost.)
		if !p.closed && cmd.ProcessState.ExitCode() == control.ExitShowAgain {
			w.log.Debug("window asked for as it closed", "window", key)
			w.openLocked(kind, profile)
		}
	}()
}

// close ends one window, if it is open.
func (w *windows) close(kind, profile string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if p := w.procs[windowKey(kind, profile)]; p != nil {
		p.closed = true
		_ = p.cmd.Process.Kill()
	}
}

// closeAll ends every window, for good: the tray is ending, and a window
// asked for now (a notification's click) would outlive it.
func (w *windows) closeAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.off = true
	for _, p := range w.procs {
		p.closed = true
		_ = p.cmd.Process.Kill()
	}
}

// windowEnv gives the window a locale Fyne can parse: under LANG=C it
// logs an error at every start.
func windowEnv(env []string) []string {
	// The windows speak the tray's language: ours through the catalogue,
	// Fyne's own (the file chooser) through LANGUAGE.
	env = append(env, words.Env+"="+words.Language(), "LANGUAGE="+words.Language())
	lang := os.Getenv("LC_ALL")
	if lang == "" {
		lang = os.Getenv("LANG")
	}
	if lang == "" || lang == "C" || lang == "POSIX" || strings.HasPrefix(lang, "C.") {
		env = append(env, "LC_ALL=", "LANG=en_US.UTF-8")
	}
	return env
}
