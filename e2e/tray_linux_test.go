// The tray, used as a person would use it, through its real interfaces: the
// StatusNotifierItem and its dbusmenu on the session bus, the X11 clipboard
// of a real X server (Xvfb), notifications on the bus, and the control
// socket the command line hands over to.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.design/x/clipboard"

	"github.com/tokentray/tokentray/assets"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/client"
	"github.com/tokentray/tokentray/internal/testkit"
)

// desktop is what a tray test runs in: an X server, a tray host and
// notification server on the session bus, a private runtime dir (so the
// control socket is this test's), and a stand-in for xdg-open that records
// the addresses the tray opens instead of starting a browser window.
type desktop struct {
	x       *testkit.Xvfb
	display string
	host    *testkit.TrayHost
	env     []string
	opened  string // file the xdg-open stand-in appends to
	config  string
	home    string
	run     string // XDG_RUNTIME_DIR, where the tray's socket is
}

func newDesktop(t *testing.T, config string) *desktop {
	t.Helper()
	d := newBareDesktop(t, config)
	d.host = testkit.StartTrayHost(t)
	return d
}

// newBareDesktop is a desktop whose panel shows no tray icons (stock
// GNOME): no StatusNotifierWatcher until the test starts one.
func newBareDesktop(t *testing.T, config string) *desktop {
	t.Helper()
	x := testkit.StartXvfb(t)
	d := &desktop{x: x, display: x.Display, config: config}
	bin := t.TempDir()
	d.opened = filepath.Join(t.TempDir(), "opened")
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + d.opened + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	d.run, d.home = t.TempDir(), t.TempDir()
	d.env = []string{
		"DISPLAY=" + d.display,
		"XDG_RUNTIME_DIR=" + d.run,
		"XDG_CONFIG_HOME=" + filepath.Join(d.home, ".config"),
		"HOME=" + d.home,
		"PATH=" + bin + ":" + os.Getenv("PATH"),
		"LANG=en_US.UTF-8",
		"LANGUAGE=en", // whatever the machine's: tests read English
	}
	// The test reads the same X clipboard.
	t.Setenv("DISPLAY", d.display)
	if err := clipboard.Init(); err != nil {
		t.Fatalf("clipboard: %v", err)
	}
	return d
}

// cli runs tokentray in the desktop's environment.
func (d *desktop) cli(t *testing.T, args ...string) result {
	t.Helper()
	return tokentray(t, d.config, d.env, args...)
}

// resident is a running tray process.
type resident struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	log  *syncWriter   // its standard output and error (--verbose)
}

func (r *resident) output() string {
	r.log.mu.Lock()
	defer r.log.mu.Unlock()
	return r.log.w.String()
}

// tray starts the resident and waits for its item to register.
func (d *desktop) tray(t *testing.T) (*resident, testkit.Item) {
	t.Helper()
	return d.trayOf(t, binary)
}

// trayOf is tray with the program bin.
func (d *desktop) trayOf(t *testing.T, bin string) (*resident, testkit.Item) {
	t.Helper()
	seen := d.host.ItemCount()
	cmd := exec.Command(bin, "--config", d.config, "--verbose")
	cmd.Env = append(os.Environ(), d.env...)
	var logs bytes.Buffer
	sw := &syncWriter{w: &logs}
	cmd.Stdout, cmd.Stderr = sw, sw
	// Window processes inherit the output pipe; do not wait on them.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		if t.Failed() {
			// Its goroutines go to the log, for whoever reads the failure.
			_ = cmd.Process.Signal(syscall.SIGQUIT)
			select {
			case <-done:
			case <-time.After(2 * time.Second):
			}
		}
		// Quit as the menu's Quit does, which closes the windows: a window
		// left behind quits when the tray is gone and writes Fyne's
		// preferences into the test's home while it is being removed.
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			sw.mu.Lock()
			t.Logf("tray log:\n%s", logs.String())
			sw.mu.Unlock()
		}
	})
	d.host.WaitItems(t, seen+1, 10*time.Second)
	return &resident{cmd, done, sw}, d.host.WaitItem(t, time.Second)
}

// quit chooses Quit and waits for the tray to exit cleanly.
func (r *resident) quit(t *testing.T, it testkit.Item) {
	t.Helper()
	it.ClickToQuit(t, "Quit")
	select {
	case <-time.After(10 * time.Second):
		_ = r.cmd.Process.Signal(syscall.SIGQUIT) // its goroutines go to the log
		time.Sleep(time.Second)
		t.Fatal("Quit did not end the tray")
	case <-r.done:
	}
	if code := r.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("the tray exited with %d after Quit", code)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// lastOpened waits for the tray to open an address and returns it.
func (d *desktop) lastOpened(t *testing.T, after int) string {
	t.Helper()
	var lines []string
	testkit.Eventually(t, 10*time.Second, "the tray opened no address", func() bool {
		b, _ := os.ReadFile(d.opened)
		lines = strings.Fields(string(b))
		return len(lines) > after
	})
	return lines[len(lines)-1]
}

func (d *desktop) openedCount() int {
	b, _ := os.ReadFile(d.opened)
	return len(strings.Fields(string(b)))
}

// windowOpen waits for an X window titled title.
func (d *desktop) windowOpen(t *testing.T, title string) {
	t.Helper()
	// Generous: the first window of a desktop compiles its GL shaders in
	// software, which on a loaded machine has taken over 30 s.
	testkit.Eventually(t, 90*time.Second, "no window "+title, func() bool {
		return slices.Contains(d.x.WindowTitles(t), title)
	})
}

// menuNow is the tray's menu as it is now, for a failure message.
func menuNow(t *testing.T, it testkit.Item) string { return testkit.FormatMenu(it.Menu(t)) }

// otherProgram is another program that copies text, as a person would: a
// process of its own, so the clipboard changes owner as it does between
// programs. It starts ready and copies when told, in milliseconds: a test
// that must copy before the tray's clear is due does not wait for a
// process to start then.
type otherProgram struct{ *testkit.Child }

func (d *desktop) otherProgram(t *testing.T, text string) otherProgram {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "TOKENTRAY_TEST_CLIPBOARD="+text, "DISPLAY="+d.display)
	o := otherProgram{testkit.StartChild(t, cmd)}
	o.Expect(t, "ready")
	return o
}

// copy copies the text (again) and returns once the program owns the
// clipboard.
func (o otherProgram) copy(t *testing.T) {
	t.Helper()
	o.Send("")
	o.Expect(t, "ok")
}

// copyElsewhere copies text from another program, and returns once that
// program owns the clipboard.
func (d *desktop) copyElsewhere(t *testing.T, text string) {
	t.Helper()
	d.otherProgram(t, text).copy(t)
}

// ownClipboard is the clipboard helper's body: say it is ready, copy text
// at each line read, say so ("ok" once the clipboard is its own), and keep
// the clipboard until killed.
func ownClipboard(text string) {
	if err := clipboard.Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("ready")
	in := bufio.NewReader(os.Stdin)
	for {
		if _, err := in.ReadString('\n'); err != nil {
			os.Exit(0) // the test has ended
		}
		if _, err := clipboard.Write(context.Background(), clipboard.FmtText, []byte(text)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("ok")
	}
}

// clipboardClear is TestTray's clipboard_clear: the tray clears what it
// copied this long after the copy.
const clipboardClear = 2 * time.Second

// beforeClear does step, which has the tray copy (a click) and does what
// must happen before that copy's clear is due, and returns when it began.
// The copy comes after the click, so a step done within clipboardClear
// of its start was done in time however loaded the machine. One that took
// longer may have met the clear, which would make what the test checks
// next fail or hold by accident: it is done again, three times in all.
// step says false when the copy did not show in time.
func beforeClear(t *testing.T, what string, step func() bool) time.Time {
	t.Helper()
	for range 3 {
		start := time.Now()
		ok := step()
		took := time.Since(start)
		if ok && took < clipboardClear {
			return start
		}
		t.Logf("%s took %s, longer than the %s before the clear: again", what, took.Round(time.Millisecond), clipboardClear)
	}
	t.Fatalf("%s did not happen within the %s before the clear, three times", what, clipboardClear)
	return time.Time{}
}

// trayCopied tells whether the clipboard holds want as the tray's own
// copy: the tray offers what it copies with KDE's secret hint, another
// program's copy of the same text comes without.
func trayCopied(want string) bool {
	if readClipboard() != want {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	hint, _ := clipboard.Read(ctx, clipboard.Register("x-kde-passwordManagerHint"))
	return string(hint) == "secret"
}

// readClipboard is the clipboard's text, "" when it is empty or cannot be
// read.
func readClipboard() string {
	// Bounded: a read that meets a change of owner can wait for its 5 s
	// deadline, longer than a token stays copied in these tests.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	b, _ := clipboard.Read(ctx, clipboard.FmtText)
	return string(b)
}

// pixmapOf converts a PNG the way a tray item sends it: ARGB32, network
// byte order.
func pixmapOf(t *testing.T, b []byte) []byte {
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	r := img.Bounds()
	out := make([]byte, 0, r.Dx()*r.Dy()*4)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, ca := img.At(x, y).RGBA()
			out = append(out, byte(ca), byte(cr), byte(cg), byte(cb)) // as fyne.io/systray packs them
		}
	}
	return out
}

// iconIs waits until the item shows the icon want.
func iconIs(t *testing.T, it testkit.Item, name string, want []byte) {
	t.Helper()
	px := pixmapOf(t, want)
	deadline := time.Now().Add(10 * time.Second)
	for {
		w, h, got := it.IconPixmap(t)
		if bytes.Equal(got, px) {
			return
		}
		if time.Now().After(deadline) {
			diff := -1
			for i := range min(len(got), len(px)) {
				if got[i] != px[i] {
					diff = i
					break
				}
			}
			t.Fatalf("the icon is not %s: got %d×%d, %d bytes, first difference at %d", name, w, h, len(got), diff)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// hasItem tells whether the menu shows an item labelled prefix….
func hasItem(t *testing.T, it testkit.Item, prefix string) bool {
	for _, mi := range it.Menu(t) {
		if mi.Visible && strings.HasPrefix(mi.Label, prefix) {
			return true
		}
	}
	return false
}

// label is the profile's status line in the menu, without the name.
func label(t *testing.T, it testkit.Item, profile string) string {
	t.Helper()
	for _, mi := range it.Menu(t) {
		for _, prefix := range []string{profile + ": ", profile + " (default): "} {
			if rest, ok := strings.CutPrefix(mi.Label, prefix); ok && mi.Visible {
				return profile + ": " + rest
			}
		}
	}
	t.Fatalf("no line for %s in %s", profile, menuNow(t, it))
	return ""
}

// needs is how a subtest says that it builds on what an earlier subtest of
// the same test left behind: done tells whether that one got there. When it
// did not because it failed, this subtest is skipped, naming it, and does
// not fail a second time for the same cause (that failure already fails
// the test). When it did not run at all (a -run pattern left it out), this
// subtest fails: a skip never stands in for missing setup.
func needs(t, whole *testing.T, done bool, step string) {
	t.Helper()
	if done {
		return
	}
	if whole.Failed() {
		t.Skipf("skipped: this builds on %q, which failed before it got there", step)
	}
	t.Fatalf("this builds on %q, which has not run: run %s whole, or include that subtest in -run", step, whole.Name())
}

// The tray through a day with it, one subtest per behaviour, all on one
// desktop and one tray (Xvfb, the session bus, the real Secret Service and
// the test provider): the subtests run in order, and the tray's state flows
// from one to the next — signed out at start, signed in by the login
// subtest, the sign-in ended by the provider, signed in again from the
// notification, signed out, quit. A subtest that builds on an earlier one
// says so with needs.
func TestTray(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "work")
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	b := testkit.NewBrowser(t)
	cfg := writeConfig(t, fmt.Sprintf("clipboard_clear = %d\n", clipboardClear/time.Second)+p.Profile("work", "public"))
	d := newDesktop(t, cfg)
	tray, it := d.tray(t)
	top := t // the whole test, for needs
	// The command line on its own: another runtime dir, no socket to find.
	direct := append(slices.Clone(d.env), "XDG_RUNTIME_DIR="+t.TempDir())
	runDir := filepath.Join(d.run, "tokentray") // the tray's runtime dir, its socket's

	// What a subtest leaves for those after it.
	var (
		signedIn      bool                  // login through the tray
		access        string                // the token the command line gave then
		clicked       time.Time             // when the click that put it on the clipboard began
		headerCopied  bool                  // the header is on the clipboard
		ended         *testkit.Notification // "Sign-in needed", after the provider ended the sign-in
		signedInAgain bool                  // from that notification
		beforeSignOut *testkit.Stats        // the provider's counts before Sign out…
		secrets       []string              // every token the tray handled
	)
	// The subtests others build on, named once.
	const (
		loginStep  = "login hands over to the tray, which signs in"
		clickStep  = "a click on the icon copies the token and says so"
		headerStep = "Copy as Authorization header copies the header"
		endStep    = "a sign-in the provider ended shows as needed everywhere"
		noteStep   = "the sign-in-needed notification signs in again"
		askStep    = "Sign out asks in a window and revokes nothing yet"
	)

	// A fresh start, signed out: the signed-out icon, the sign-in window
	// open (not a browser), and the menu saying so.
	t.Run("a fresh start shows the signed-out icon", func(t *testing.T) {
		iconIs(t, it, "signed out", assets.TraySignedOut)
	})
	t.Run("a fresh start opens the sign-in window, not a browser", func(t *testing.T) {
		d.windowOpen(t, "Sign in to work")
		if d.openedCount() != 0 {
			t.Error("the tray opened a browser by itself at start")
		}
	})
	t.Run("signed out, the menu says so and has nothing to copy or refresh", func(t *testing.T) {
		if got := label(t, it, "work"); got != "work: Signed out" {
			t.Errorf("label = %q, want %q", got, "work: Signed out")
		}
		// Signed out: the profile's line and "Sign in…" only.
		for _, gone := range []string{"Copy access token", "Copy as Authorization header", "Refresh "} {
			if hasItem(t, it, gone) {
				t.Errorf("%q shows while signed out:\n%s", gone, menuNow(t, it))
			}
		}
	})

	// `tokentray login` hands over to the tray: the tray's own session
	// signs in (its icon turns at once, with no keychain polling).
	t.Run(loginStep, func(t *testing.T) {
		page, r := loginEnv(t, b, d.env, cfg, "work", "alice")
		if r.code != 0 || !strings.Contains(page, "You are signed in") || !strings.Contains(r.stderr, "answered by the tray") {
			t.Fatalf("login through the tray: exit %d, %s\n%s", r.code, page, r.stderr)
		}
		signedIn = true
		iconIs(t, it, "signed in", assets.TrayValid)
		if got := label(t, it, "work"); !strings.HasPrefix(got, "work: alice@example.test · valid ") {
			t.Errorf("label = %q, want who and how long", got)
		}
	})

	// A click on the icon copies the token the command line gives, and a
	// notification says so.
	t.Run(clickStep, func(t *testing.T) {
		needs(t, top, signedIn, loginStep)
		tok := d.cli(t, "token", "work")
		if tok.code != 0 {
			t.Fatalf("token: %s", tok.stderr)
		}
		access = strings.TrimSpace(tok.stdout)
		secrets = append(secrets, access)
		notes := len(d.host.Notifications())
		clicked = beforeClear(t, "the click's copy", func() bool {
			it.Activate(t)
			return testkit.Poll(clipboardClear, func() bool { return trayCopied(access) })
		})
		n := d.host.WaitNotification(t, notes, "Access token copied", 5*time.Second)
		if !strings.HasPrefix(n.Summary, "Access token copied — valid ") || n.Body != "Clipboard clears in 2 s." {
			t.Errorf("notification %q / %q", n.Summary, n.Body)
		}
		// The menu and the notification give the same number.
		if _, valid, _ := strings.Cut(label(t, it, "work"), " · "); !strings.Contains(n.Summary, valid) {
			t.Errorf("the menu says %q, the notification %q", valid, n.Summary)
		}
		if strings.Contains(n.Summary+n.Body, access) {
			t.Error("the notification shows the token")
		}
	})
	// …and the clipboard clears after clipboard_clear.
	t.Run("the copied token is cleared after clipboard_clear", func(t *testing.T) {
		needs(t, top, !clicked.IsZero(), clickStep) // the token the click copied
		// The real timer: 10 s is a loose bound for a loaded machine.
		testkit.Eventually(t, 10*time.Second, "the clipboard was not cleared", func() bool { return readClipboard() == "" })
		if took := time.Since(clicked); took < clipboardClear {
			t.Errorf("cleared %s after the click, before the %s clipboard_clear", took.Round(time.Millisecond), clipboardClear)
		}
	})

	// The header item; then something the person copies meanwhile is left alone.
	t.Run(headerStep, func(t *testing.T) {
		needs(t, top, access != "", clickStep) // the token to compare with
		beforeClear(t, "the header's copy", func() bool {
			it.Click(t, "Copy as Authorization header")
			return testkit.Poll(clipboardClear, func() bool { return trayCopied("Authorization: Bearer " + access) })
		})
		headerCopied = true
	})
	t.Run("the auto-clear leaves alone what the person copied meanwhile", func(t *testing.T) {
		needs(t, top, headerCopied, headerStep) // the item that copies it works
		other := d.otherProgram(t, "mine")
		beforeClear(t, "the header's copy, then the person's", func() bool {
			it.Click(t, "Copy as Authorization header")
			if !testkit.Poll(clipboardClear, func() bool { return trayCopied("Authorization: Bearer " + access) }) {
				return false
			}
			other.copy(t)
			return true
		})
		// The header's clear is due within clipboardClear from now, as its
		// copy showed before; 2 s more for the tray to carry it out. A check
		// that nothing happens all that time: there is nothing to wait for.
		if testkit.Poll(clipboardClear+2*time.Second, func() bool { return readClipboard() != "mine" }) {
			t.Errorf("the auto-clear wiped what the person copied: %q", readClipboard())
		}
	})
	// A clipboard manager that takes the token over keeps it no longer
	// than the tray would: what is cleared is the token, whoever holds it.
	t.Run("a token another program took over is cleared all the same", func(t *testing.T) {
		needs(t, top, access != "", clickStep) // the token to compare with
		other := d.otherProgram(t, access)
		// Taken over before the clear is due: a clear that came first would
		// only have cleared the tray's own copy.
		beforeClear(t, "the token's copy, then the other program's", func() bool {
			it.Click(t, "Copy access token")
			if !testkit.Poll(clipboardClear, func() bool { return trayCopied(access) }) {
				return false
			}
			other.copy(t)
			return true
		})
		testkit.Eventually(t, 10*time.Second, "the token held by another program was not cleared", func() bool { return readClipboard() == "" })
	})

	// The tray holds tokens all day: no core dump of it.
	t.Run("the tray cannot dump core", func(t *testing.T) {
		limits, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", tray.cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(limits), "\n") {
			if f := strings.Fields(l); strings.HasPrefix(l, "Max core file size") && (len(f) < 6 || f[4] != "0" || f[5] != "0") {
				t.Errorf("the tray may dump core: %q", l)
			}
		}
	})

	// Refresh now: a new token, the same through the socket and directly.
	t.Run("Refresh now gets a new token", func(t *testing.T) {
		needs(t, top, access != "", clickStep) // the token before, to tell the new one from
		before := p.Stats(t)
		it.Click(t, "Refresh ")
		testkit.Eventually(t, 10*time.Second, "Refresh now made no refresh", func() bool {
			return p.Stats(t).Token["refresh_token"] > before.Token["refresh_token"]
		})
		tok2 := d.cli(t, "token", "work")
		secrets = append(secrets, strings.TrimSpace(tok2.stdout))
		if strings.TrimSpace(tok2.stdout) == access {
			t.Error("token after Refresh now is the old one")
		}
	})
	// Both paths give the same answers: through the tray, and directly
	// (another runtime dir: no socket to find).
	t.Run("status and token answer the same through the tray and directly", func(t *testing.T) {
		needs(t, top, signedIn, loginStep) // a token to give
		for _, args := range [][]string{{"status", "--json"}, {"token", "work", "--json"}} {
			viaTray := d.cli(t, append([]string{"--verbose"}, args...)...)
			alone := tokentray(t, cfg, direct, args...)
			if viaTray.stdout != alone.stdout || viaTray.code != 0 {
				t.Errorf("%v through the tray:\n%s\ndirectly:\n%s", args, viaTray.stdout, alone.stdout)
			}
			if !strings.Contains(viaTray.stderr, "answered by the tray") {
				t.Errorf("%v did not go through the tray:\n%s", args, viaTray.stderr)
			}
		}
	})
	// The socket is the user's alone, and only for its own profile file:
	// another file's commands run directly.
	t.Run("the control socket answers only its user", func(t *testing.T) {
		// (A missing file is an error here, not a nil FileInfo's panic,
		// which would end every subtest after this one.)
		if fi, err := os.Stat(runDir); err != nil {
			t.Errorf("runtime dir %s: %v, want 0700", runDir, err)
		} else if fi.Mode().Perm() != 0o700 {
			t.Errorf("runtime dir %s: %v, want 0700", runDir, fi.Mode())
		}
		if fi, err := os.Stat(filepath.Join(runDir, "control.sock")); err != nil {
			t.Errorf("control socket: %v, want 0600", err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("control socket: %v, want 0600", fi.Mode())
		}
		peerCheck(t, filepath.Join(runDir, "control.sock"))
	})
	t.Run("commands for another profile file run directly, not through the tray", func(t *testing.T) {
		needs(t, top, signedIn, loginStep) // a token in the keychain to give
		other := writeConfig(t, p.Profile("work", "public"))
		if r := tokentray(t, other, append(slices.Clone(d.env), "TOKENTRAY_DEBUG=1"), "token", "work"); r.code != 0 || strings.Contains(r.stderr, "answered by the tray") {
			t.Errorf("another profile file's token: exit %d, %s", r.code, r.stderr)
		}
	})

	// Start at login. The render that follows sends only what changed, the
	// checkbox, rather than every item again (each update is two signals
	// and makes the desktop read the whole menu).
	t.Run("Start at login writes the autostart entry and re-renders only the checkbox", func(t *testing.T) {
		desktopFile := filepath.Join(d.home, ".config", "autostart", "tokentray.desktop")
		sigs := it.Signals(t, time.Second, func() {
			it.Click(t, "Start at login")
			testkit.Eventually(t, 5*time.Second, "no autostart entry", func() bool {
				_, err := os.Stat(desktopFile)
				return err == nil
			})
			// The render has reached the menu; the second after it counts
			// what else it sent.
			testkit.Eventually(t, 10*time.Second, "Start at login is not checked", func() bool { return it.Find(t, "Start at login").Checked })
		})
		t.Logf("signals of the render after Start at login: %v", sigs)
		// One item update; a second only if the countdown line changed in the
		// same second.
		updates := 0
		for _, s := range sigs {
			if s == "ItemsPropertiesUpdated" {
				updates++
			}
		}
		if updates == 0 || updates > 2 {
			t.Errorf("a render that checks one box made %d item updates: %v", updates, sigs)
		}
		entry, _ := os.ReadFile(desktopFile)
		if !strings.Contains(string(entry), "Exec="+binary+" --config "+cfg) {
			t.Errorf("autostart entry:\n%s", entry)
		}
		testkit.Eventually(t, 5*time.Second, "Start at login is not checked", func() bool { return it.Find(t, "Start at login").Checked })
	})

	// The provider ends the sign-in behind the tray's back: the next
	// refresh gets invalid_grant, the icon says so, and a notification
	// offers to sign in again; clicking it starts the browser sign-in.
	t.Run(endStep, func(t *testing.T) {
		needs(t, top, signedIn, loginStep) // a sign-in to end
		rec, err := keychain.NewStore().Load("work")
		if err != nil {
			t.Fatal(err)
		}
		revoke(t, p, rec.RefreshToken)
		secrets = append(secrets, rec.RefreshToken)
		notes := len(d.host.Notifications())
		it.Click(t, "Refresh ")
		iconIs(t, it, "needs sign-in", assets.TraySignedOut)
		n := d.host.WaitNotification(t, notes, "Sign-in needed: work", 10*time.Second)
		ended = &n
		// One truth: the menu, `status` through the tray and `status` run on
		// its own all say so, and the keychain no longer offers the dead token.
		if got := label(t, it, "work"); got != "work: Sign-in needed" {
			t.Errorf("label after invalid_grant = %q", got)
		}
		for _, env := range [][]string{d.env, direct} {
			st := tokentray(t, cfg, env, "status", "--json")
			if st.code != 0 || !strings.Contains(st.stdout, `"state": "needs-sign-in"`) || !strings.Contains(st.stdout, `"refresh_token": false`) {
				t.Errorf("status --json after invalid_grant: exit %d\n%s", st.code, st.stdout)
			}
			if st := tokentray(t, cfg, env, "status"); !strings.Contains(st.stdout, "sign-in needed") {
				t.Errorf("status after invalid_grant:\n%s", st.stdout)
			}
		}
	})
	t.Run(noteStep, func(t *testing.T) {
		needs(t, top, ended != nil, endStep) // the notification to click
		opened := d.openedCount()
		d.host.Click(t, *ended)
		authURL := d.lastOpened(t, opened)
		if !strings.HasPrefix(authURL, p.Issuer) {
			t.Fatalf("the tray opened %q", authURL)
		}
		if page := b.SignIn(t, authURL, "alice"); !strings.Contains(page, "You are signed in") {
			t.Fatalf("sign-in from the notification: %s", page)
		}
		signedInAgain = true
		iconIs(t, it, "signed in", assets.TrayValid)
	})

	// Sign out… asks first, in a small window; its button sends what
	// `tokentray logout` sends: revoked at the provider, the keychain empty.
	t.Run(askStep, func(t *testing.T) {
		needs(t, top, signedInAgain, noteStep) // a sign-in to sign out of
		before := p.Stats(t)
		beforeSignOut = &before
		it.Click(t, "Sign out of")
		d.windowOpen(t, "Sign out of work?")
		if got := p.Stats(t).Revoked - before.Revoked; got != 0 {
			t.Errorf("the menu item alone revoked %d tokens", got)
		}
	})
	t.Run("logout through the tray revokes at the provider and empties the keychain", func(t *testing.T) {
		// Counted from before Sign out… was chosen: the two together revoke once.
		needs(t, top, beforeSignOut != nil, askStep)
		if r := d.cli(t, "logout", "work"); r.code != 0 {
			t.Fatalf("logout through the tray: %s", r.stderr)
		}
		iconIs(t, it, "signed out", assets.TraySignedOut)
		if got := p.Stats(t).Revoked - beforeSignOut.Revoked; got != 1 {
			t.Errorf("Sign out made %d revocations, want 1", got)
		}
		if items := keychainItems(t, "work"); len(items) != 0 {
			t.Errorf("keychain after Sign out: %v", items)
		}
	})

	// A second launch hands over and exits 0; the first shows a window.
	t.Run("a second launch hands over and exits 0", func(t *testing.T) {
		items := d.host.ItemCount()
		second := exec.Command(binary, "--config", cfg)
		second.Env = append(os.Environ(), d.env...)
		out, err := testkit.Bounded(second, time.Minute)
		if err != nil {
			t.Fatalf("second launch: %v\n%s", err, out)
		}
		// The running tray was asked to show its window; no second tray.
		if !strings.Contains(string(out), "tokentray is already running; it shows its window now.") {
			t.Errorf("second launch said %q", out)
		}
		if n := d.host.ItemCount(); n != items {
			t.Errorf("%d tray items after a second launch, want %d", n, items)
		}
	})

	// Quit ends the tray cleanly and takes the socket with it; the command
	// line then answers by itself, the same as through the tray.
	t.Run("Quit ends the tray and takes the socket with it", func(t *testing.T) {
		tray.quit(t, it)
		if _, err := os.Stat(filepath.Join(runDir, "control.sock")); err == nil {
			t.Error("the control socket is still there after Quit")
		}
	})

	// Secret hygiene: the tray's verbose log and every notification hold
	// none of the tokens it handled (after Quit: the whole log).
	t.Run("no token in the tray log or any notification", func(t *testing.T) {
		needs(t, top, len(secrets) > 0, clickStep) // the tokens to look for
		var shown strings.Builder
		for _, n := range d.host.Notifications() {
			shown.WriteString(n.Summary + "\n" + n.Body + "\n")
		}
		for i, s := range secrets {
			if s == "" {
				t.Fatalf("secret %d is empty", i)
			}
			if strings.Contains(tray.output(), s) || strings.Contains(shown.String(), s) {
				t.Errorf("secret %d appears in the tray's log or a notification", i)
			}
		}
		t.Logf("hygiene: %d secrets against %d bytes of log and %d notifications", len(secrets), len(tray.output()), len(d.host.Notifications()))
	})
}

// The tray follows its profile file by itself, and every profile in it is
// kept fresh however it arrived: an import while the tray runs shows in the
// menu at once and its background refresh starts without any command; a
// broken file shows, and leaves the profiles running. Sign-in windows are
// per profile, and a restart with a signed-in default profile opens none.
// One subtest per behaviour, in order, on one desktop and one tray (the
// last subtest restarts it); a subtest that builds on an earlier one says
// so with needs.
func TestTrayFollowsTheProfileFile(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "work", "spare", "third")
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 20 * time.Second})
	b := testkit.NewBrowser(t)
	cfg := filepath.Join(t.TempDir(), "profiles.toml") // no file yet: a first start
	d := newDesktop(t, cfg)
	// Signed in before, from a file IT sent that is not imported yet.
	sent := writeConfig(t, p.Profile("work", "public")+p.Profile("spare", "public")+p.Profile("third", "public"))
	if page, r := loginEnv(t, b, d.env, sent, "work", "alice"); r.code != 0 || !strings.Contains(page, "You are signed in") {
		t.Fatalf("login: exit %d, %s\n%s", r.code, page, r.stderr)
	}
	tray, it := d.tray(t)
	top := t // the whole test, for needs

	// What a subtest leaves for those after it.
	var (
		imported bool   // the file IT sent is the tray's profile file
		before   int    // the provider's refreshes before the import
		good     []byte // the profile file before a mistake was written into it
	)
	// The subtests others build on, named once.
	const (
		importStep = "an import while the tray runs shows in the menu at once"
		breakStep  = "a mistake in the profile file shows at once and the profiles keep running"
	)
	// menuOnFailure logs the menu as it is when a subtest has failed.
	menuOnFailure := func(t *testing.T) {
		if t.Failed() {
			t.Logf("menu at the end:\n%s", menuNow(t, it))
		}
	}

	t.Run("a first start shows the welcome line and opens Settings", func(t *testing.T) {
		defer menuOnFailure(t)
		testkit.Eventually(t, 5*time.Second, "no welcome line", func() bool { return hasItem(t, it, "No profile yet") })
		d.windowOpen(t, "tokentray settings") // the first start's window, up and watching
	})

	// The import below happens with that window open, as a person's would.
	t.Run(importStep, func(t *testing.T) {
		defer menuOnFailure(t)
		before = p.Stats(t).Token["refresh_token"]
		if r := d.cli(t, "profiles", "import", sent); r.code != 0 {
			t.Fatalf("import: %s", r.stderr)
		}
		imported = true
		start := time.Now()
		testkit.Eventually(t, 10*time.Second, "the imported profile is not in the menu", func() bool {
			return hasItem(t, it, "work (default): alice@example.test · ")
		})
		t.Logf("the import showed in the menu after %s", time.Since(start).Round(time.Millisecond))
	})
	// A 20 s token is renewed 10 s after sign-in, by the tray alone.
	t.Run("an imported profile is refreshed in the background without any command", func(t *testing.T) {
		needs(t, top, imported, importStep) // the profile, and the count from before its import
		defer menuOnFailure(t)
		testkit.Eventually(t, 30*time.Second, "the imported profile was never refreshed in the background", func() bool {
			return p.Stats(t).Token["refresh_token"] > before
		})
	})

	// A mistake in the file shows at once; the profiles keep running.
	t.Run(breakStep, func(t *testing.T) {
		needs(t, top, imported, importStep) // the file, with work signed in
		defer menuOnFailure(t)
		g, err := os.ReadFile(cfg)
		if err != nil {
			t.Fatal(err)
		}
		good = g
		if err := os.WriteFile(cfg, append(slices.Clone(good), "bogus = 1\n"...), 0o600); err != nil {
			t.Fatal(err)
		}
		testkit.Eventually(t, 10*time.Second, "the broken file does not show", func() bool {
			return hasItem(t, it, "The profile file has a problem")
		})
		if got := label(t, it, "work"); !strings.HasPrefix(got, "work: alice@example.test") {
			t.Errorf("with the file broken, work shows %q", got)
		}
	})
	t.Run("the mended profile file shows no problem", func(t *testing.T) {
		needs(t, top, good != nil, breakStep) // the file as it was before the mistake
		defer menuOnFailure(t)
		if err := os.WriteFile(cfg, good, 0o600); err != nil {
			t.Fatal(err)
		}
		testkit.Eventually(t, 10*time.Second, "the mended file still shows a problem", func() bool {
			return !hasItem(t, it, "The profile file has a problem")
		})
	})

	// Sign in… for one profile, then for another: a window for each.
	t.Run("Sign in opens a window for each profile", func(t *testing.T) {
		needs(t, top, imported, importStep) // spare and third in the menu
		defer menuOnFailure(t)
		it.ClickIn(t, "spare: ", "Sign in to")
		d.windowOpen(t, "Sign in to spare")
		it.ClickIn(t, "third: ", "Sign in to")
		d.windowOpen(t, "Sign in to third")
	})

	// Starting again with the default profile signed in opens no window.
	t.Run("a start with the default profile signed in opens no window", func(t *testing.T) {
		needs(t, top, imported, importStep) // work, signed in, the default profile
		tray.quit(t, it)
		for i := range 2 {
			tray, it := d.tray(t)
			// The tray asks for its first window before its icon shows
			// (app: Run), so by now the log would say it.
			if out := tray.output(); strings.Contains(out, `msg="window opened"`) {
				t.Errorf("start %d with work signed in opened a window:\n%s", i+1, out)
			}
			tray.quit(t, it)
		}
	})
}

// revoke ends a grant at the provider, as an administrator would.
func revoke(t *testing.T, p *testkit.Provider, refresh string) {
	t.Helper()
	resp, err := http.PostForm(p.Issuer+"/token/revocation", url.Values{"token": {refresh}, "client_id": {"public"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("revocation: %s", resp.Status)
	}
}

var screenshots = flag.String("screenshots", "", "also write the windows' screenshots to this directory (make screenshots: docs/screenshots)")

// The windows render under a real X server with software GL, in each
// state a person meets; their screenshots are the README's. One subtest
// per window and state, in order, on one desktop and one tray; a subtest
// that builds on an earlier one says so with needs.
func TestWindowsRender(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "work", "lightfi", "disruptive", "kiosk", "api")
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	b := testkit.NewBrowser(t)
	cfg := filepath.Join(t.TempDir(), "profiles.toml") // a first start
	d := newDesktop(t, cfg)
	// IT signs the LightFi file: it receives the sign-in on a fixed port,
	// which only a file IT vouches for may.
	signer := testkit.NewSigner(t, "it@example.com", "")
	d.env = append(d.env, "TOKENTRAY_POLICY="+signer.PolicyFile(t, "organization = \"Example Corp\"\n"))
	lightfi := filepath.Join(t.TempDir(), "lightfi.toml")
	if data, err := os.ReadFile("examples/lightfi.toml"); err != nil || os.WriteFile(lightfi, data, 0o600) != nil {
		t.Fatal(err)
	}
	signer.Sign(t, lightfi)
	_, it := d.tray(t)
	top := t // the whole test, for needs

	// What a subtest leaves for those after it.
	var (
		settingsOpen bool // the first start's Settings window
		imported     bool // work, lightfi and disruptive
		workSignedIn bool
		apiSignedIn  bool // with the "jwt" client: its access tokens are JWTs
	)
	// The subtests others build on, named once.
	const (
		welcomeStep = "a first start opens Settings with its welcome"
		importStep  = "Settings lists the imported profiles"
		signInStep  = "the sign-in window while signing in and once signed in"
		detailsStep = "Details shows a sign-in whose access tokens are JWTs"
	)

	t.Run(welcomeStep, func(t *testing.T) {
		d.windowOpen(t, "tokentray settings")
		settingsOpen = true
		d.shot(t, "tokentray settings", "settings-welcome.png")
	})
	t.Run(importStep, func(t *testing.T) {
		sent := writeConfig(t, p.Profile("work", "public", `display_name = "Example Corp"`))
		for _, f := range []string{sent, lightfi, "examples/disruptive.toml"} {
			if r := d.cli(t, "profiles", "import", f, "--yes"); r.code != 0 {
				t.Fatalf("import %s: %s", f, r.stderr)
			}
		}
		imported = true
		needs(t, top, settingsOpen, welcomeStep) // the window the shot is of
		d.shot(t, "tokentray settings", "settings.png")
	})

	// The import asked in a window, as a file manager's "Open with" does:
	// the file IT signed, and a lookalike that may not hand its token to
	// a git host.
	t.Run("the import window asks about a signed file and refuses a lookalike", func(t *testing.T) {
		lookalike := filepath.Join(t.TempDir(), "it-sent-me.toml")
		if err := os.WriteFile(lookalike, []byte("[profile.corp]\nissuer = \"https://id.example.net\"\nclient_id = \"c\"\ngit_urls = [\"https://git.example.net/\"]\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ file, shot string }{{lightfi, "import-signed.png"}, {lookalike, "import-refused.png"}} {
			if r := d.cli(t, "profiles", "import", "--window", c.file); r.code != 0 {
				t.Fatalf("import --window: %s", r.stderr)
			}
			title := "Import " + filepath.Base(c.file)
			d.windowOpen(t, title)
			d.shot(t, title, c.shot)
		}
	})

	t.Run(signInStep, func(t *testing.T) {
		needs(t, top, imported, importStep) // work in the menu
		it.ClickIn(t, "work", "Sign in to")
		authURL := d.lastOpened(t, 0)
		d.windowOpen(t, "Sign in to work")
		d.shot(t, "Sign in to work", "signin.png")
		if page := b.SignIn(t, authURL, "alice"); !strings.Contains(page, "You are signed in") {
			t.Fatalf("sign-in: %s", page)
		}
		workSignedIn = true
		d.shot(t, "Sign in to work", "signin-done.png")
	})

	// A sign-in with a code, started from the menu: the page opens, the
	// window shows the code, Chromium enters it on the provider's page.
	t.Run("a sign-in with a code shows the code, which the browser enters", func(t *testing.T) {
		code := writeConfig(t, p.Profile("kiosk", "public", `grant = "device_code"`))
		if r := d.cli(t, "profiles", "import", code, "--yes"); r.code != 0 {
			t.Fatalf("import: %s", r.stderr)
		}
		before := d.openedCount()
		it.ClickIn(t, "kiosk", "Sign in to")
		page := d.lastOpened(t, before)
		d.windowOpen(t, "Sign in to kiosk")
		var userCode string
		testkit.Eventually(t, 10*time.Second, "the view shows no code", func() bool {
			var ps []control.ProfileView
			_ = json.Unmarshal([]byte(d.cli(t, "status", "--json").stdout), &ps)
			for _, k := range ps {
				if k.Name == "kiosk" && k.SignIn.Device != nil {
					userCode = k.SignIn.Device.UserCode
				}
			}
			return userCode != ""
		})
		if !strings.Contains(page, "user_code="+userCode) {
			t.Errorf("the tray opened %s for code %s", page, userCode)
		}
		d.shot(t, "Sign in to kiosk", "signin-code.png")
		if _, err := b.EnterCode(page, userCode, "alice", false); err != nil {
			t.Fatal(err)
		}
		var st result
		defer func() {
			if t.Failed() {
				t.Logf("status: %+v", st)
			}
		}()
		testkit.Eventually(t, 20*time.Second, "not signed in with the code", func() bool {
			st = d.cli(t, "status")
			// Chromium is still signed in at the provider as alice.
			return regexp.MustCompile(`(?m)^kiosk +signed in +alice@example.test`).MatchString(st.stdout)
		})
	})

	// Details…: a look inside a sign-in whose access tokens are JWTs (the
	// provider's "jwt" client, RFC 9068), with a copy button per claim.
	t.Run(detailsStep, func(t *testing.T) {
		api := writeConfig(t, "[profile.api]\nissuer = \""+p.Issuer+"\"\nclient_id = \"jwt\"\nscopes = [\"openid\", \"email\", \"offline_access\", \"api\"]\n")
		if r := d.cli(t, "profiles", "import", api, "--yes"); r.code != 0 {
			t.Fatalf("import: %s", r.stderr)
		}
		before := d.openedCount()
		it.ClickIn(t, "api", "Sign in to")
		if page := b.SignIn(t, d.lastOpened(t, before), "alice"); !strings.Contains(page, "You are signed in") {
			t.Fatalf("sign-in: %s", page)
		}
		apiSignedIn = true
		testkit.Eventually(t, 10*time.Second, "no Details… for api", func() bool { return hasItem(t, it, "Details of") })
		it.ClickIn(t, "api", "Details of")
		d.windowOpen(t, "Details of api")
		d.shot(t, "Details of api", "details.png")
	})
	// Its Copy buttons ask the tray (as here, on the window's socket), which
	// owns what it copies: on X11 a copy the window made would go with it.
	t.Run("the Details copy buttons copy each claim through the tray", func(t *testing.T) {
		needs(t, top, apiSignedIn, detailsStep) // the JWT sign-in whose claims are copied
		var in struct {
			Claims map[string]any `json:"claims"`
		}
		if err := json.Unmarshal([]byte(d.cli(t, "inspect", "api", "--json").stdout), &in); err != nil || in.Claims["sub"] == nil {
			t.Fatalf("inspect: %v %v", err, in)
		}
		t.Setenv("XDG_RUNTIME_DIR", d.run)
		c, err := client.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, claim := range []string{"sub", "aud"} {
			if err := c.CopyClaim(context.Background(), "api", claim); err != nil {
				t.Fatalf("copy %s: %v", claim, err)
			}
			testkit.Eventually(t, 10*time.Second, "the tray did not copy "+claim, func() bool { return readClipboard() == in.Claims[claim] })
		}
		if err := c.CopyClaim(context.Background(), "api", "no-such-claim"); err == nil || readClipboard() != in.Claims["aud"] {
			t.Errorf("copying a claim the token has not: %v, clipboard %q", err, readClipboard())
		}
	})

	t.Run("a sign-in that cannot start shows its error in the window", func(t *testing.T) {
		needs(t, top, imported, importStep)    // lightfi in the menu
		it.ClickIn(t, "lightfi", "Sign in to") // still holds YOUR-LIGHTFI-CLIENT-ID
		d.windowOpen(t, "Sign in to lightfi")
		d.shot(t, "Sign in to lightfi", "signin-error.png")
	})

	t.Run("Sign out asks in a window", func(t *testing.T) {
		needs(t, top, workSignedIn, signInStep) // a sign-in to sign out of
		it.ClickIn(t, "work", "Sign out of")
		d.windowOpen(t, "Sign out of work?")
		d.shot(t, "Sign out of work?", "signout.png")
	})
}

// sameImage tells whether a and b have the same pixels.
func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// shot captures a window, checks that something was drawn, and keeps it.
func (d *desktop) shot(t *testing.T, title, name string) {
	t.Helper()
	img := d.x.Settled(t, title)
	if r := img.Bounds(); r.Dx() < 300 || r.Dy() < 150 {
		t.Errorf("window %q looks empty: %v", title, r)
	}
	savePNG(t, name, img)
}

// savePNG writes a screenshot to -screenshots (make screenshots, make
// wine-test: docs/screenshots), else to the test's temporary directory.
func savePNG(t *testing.T, name string, img image.Image) {
	t.Helper()
	dir := *screenshots
	if dir == "" {
		dir = t.TempDir()
	}
	savePNGIn(t, dir, name, img)
}

func savePNGIn(t *testing.T, dir, name string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", f.Name())
}

// peerCheck: another user who reaches the socket (its directory opened up
// for the test) is hung up on without an answer; the user is answered.
func peerCheck(t *testing.T, sock string) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Fatal("the peer-credential check needs root to run a process as another user (CI runs as root)")
	}
	// Open the way to the socket for another user: every directory above it
	// up to /tmp, and the socket itself; restored afterwards.
	for p := filepath.Dir(sock); p != "/tmp" && p != "/"; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		_ = os.Chmod(p, 0o755)
		defer os.Chmod(p, fi.Mode().Perm())
	}
	_ = os.Chmod(sock, 0o666)
	defer os.Chmod(sock, 0o600)
	// The helper is this test binary, copied where another user may run it.
	bin, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	helperDir, err := os.MkdirTemp("", "tokentray-peer")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(helperDir)
	_ = os.Chmod(helperDir, 0o755)
	helper := filepath.Join(helperDir, "helper")
	if err := os.WriteFile(helper, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		uid  uint32
		want string
	}{{65534, "refused"}, {0, "answered"}} {
		cmd := exec.Command(helper)
		cmd.Env = append(os.Environ(), "TOKENTRAY_TEST_DIAL="+sock)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: c.uid, Gid: c.uid}}
		out, _ := testkit.Bounded(cmd, time.Minute)
		if !strings.HasPrefix(string(out), c.want) {
			t.Errorf("uid %d on the control socket: %q, want %s", c.uid, out, c.want)
		}
	}
}

// dialAndPing is the helper's body: connect, ask, and say what happened.
func dialAndPing(sock string) {
	c, err := net.Dial("unix", sock)
	if err != nil {
		fmt.Println("no connection:", err)
		os.Exit(0)
	}
	fmt.Fprintln(c, `{"op":"ping"}`)
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if strings.Contains(line, `"ack":true`) { // the answer follows the ack
		line, err = r.ReadString('\n')
	}
	if err != nil || !strings.Contains(line, `"done":true`) {
		fmt.Println("refused:", err, line)
	} else {
		fmt.Println("answered:", line)
	}
	os.Exit(0)
}

// No crash, ever, in front of a person: no desktop session, no display, no
// tray host, Ctrl-C, a second launch — each is one plain sentence and a
// clean exit.
func TestNoCrashWithoutADesktop(t *testing.T) {
	testkit.RequireSecretService(t)
	cfg := writeConfig(t, "")
	noPanic := func(t *testing.T, out string) {
		t.Helper()
		for _, bad := range []string{"panic", "goroutine ", "SIGSEGV", "nil pointer"} {
			if strings.Contains(out, bad) {
				t.Errorf("a crash reached the person (%q):\n%s", bad, out)
			}
		}
	}
	start := func(t *testing.T, env []string) (*exec.Cmd, *syncWriter, chan struct{}) {
		cmd := exec.Command(binary, "--config", cfg)
		cmd.Env = append(os.Environ(), env...)
		out := &syncWriter{w: &bytes.Buffer{}}
		cmd.Stdout, cmd.Stderr = out, out
		cmd.WaitDelay = 5 * time.Second
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })
		return cmd, out, done
	}
	text := func(w *syncWriter) string { w.mu.Lock(); defer w.mu.Unlock(); return w.w.String() }
	waitExit := func(t *testing.T, done chan struct{}, within time.Duration) {
		t.Helper()
		select {
		case <-done:
		case <-time.After(within):
			t.Fatalf("still running after %s", within)
		}
	}

	t.Run("no session bus", func(t *testing.T) {
		_, out, done := start(t, []string{"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir(), "DISPLAY="})
		waitExit(t, done, 10*time.Second)
		r := text(out)
		if !strings.HasPrefix(r, "tokentray: There is no desktop session here, so the tray cannot show.") {
			t.Errorf("said:\n%s", r)
		}
		noPanic(t, r)
	})

	t.Run("the window program without a display", func(t *testing.T) {
		cmd := exec.Command(filepath.Join(filepath.Dir(binary), "tokentray-window"), "--config", cfg, "settings")
		cmd.Env = append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=")
		out, err := testkit.Bounded(cmd, time.Minute)
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "need a display") {
			t.Errorf("exit %v: %s", err, out)
		}
		noPanic(t, string(out))
	})

	// A session bus alone (an SSH login under systemd): nothing could
	// ever be seen, so it says so and ends, as without a bus.
	t.Run("a session bus, no display, no tray host", func(t *testing.T) {
		_, out, done := start(t, []string{"DISPLAY=", "WAYLAND_DISPLAY=", "XDG_RUNTIME_DIR=" + t.TempDir(), "HOME=" + t.TempDir()})
		waitExit(t, done, 10*time.Second)
		r := text(out)
		if !strings.HasPrefix(r, "tokentray: There is no desktop session here, so the tray cannot show.") || !strings.Contains(r, "no display") {
			t.Errorf("said:\n%s", r)
		}
		noPanic(t, r)
	})

	t.Run("no tray host", func(t *testing.T) {
		run, x := t.TempDir(), testkit.StartXvfb(t)
		cmd, out, done := start(t, []string{"DISPLAY=" + x.Display, "XDG_RUNTIME_DIR=" + run, "HOME=" + t.TempDir()})
		testkit.Eventually(t, 10*time.Second, "no word about the missing tray host", func() bool {
			return strings.Contains(text(out), "this desktop shows no tray icons")
		})
		// A second launch hands over and says so.
		second := exec.Command(binary, "--config", cfg)
		second.Env = append(os.Environ(), "DISPLAY="+x.Display, "XDG_RUNTIME_DIR="+run)
		b, err := testkit.Bounded(second, time.Minute)
		if err != nil || !strings.Contains(string(b), "already running") {
			t.Errorf("second launch: %v: %s", err, b)
		}
		noPanic(t, string(b))
		// Ctrl-C ends it cleanly.
		_ = cmd.Process.Signal(syscall.SIGINT)
		waitExit(t, done, 10*time.Second)
		if code := cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("exit %d after Ctrl-C", code)
		}
		noPanic(t, text(out))
	})
}

// doctor names every check, ✓ or ✗, with the fix for each ✗; it exits 1
// while something needs fixing and 0 once all is in place.
func TestDoctor(t *testing.T) {
	testkit.RequireSecretService(t)
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	port := testkit.FreePort(t)
	cfg := writeConfig(t, p.Profile("work", "public", fmt.Sprintf(`redirect_url = "http://127.0.0.1:%d/callback"`, port))+
		"[profile.example]\nissuer = \"https://id.example.com\"\nclient_id = \"YOUR-CLIENT-ID\"\n")
	d := newDesktop(t, cfg)
	r := d.cli(t, "doctor")
	t.Logf("doctor:\n%s%s", r.stdout, r.stderr)
	for _, want := range []string{"✓ profile file", "✓ keychain", "✓ session bus", "✓ tray host", "✓ notifications", "✓ display",
		"✓ browser opener", "✓ windows", "✓ profile work", "callback port " + fmt.Sprint(port) + " free", "✗ profile example", "→ put in what your provider gave you", "✓ tray"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor does not say %q", want)
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d with a profile to fix, want 1", r.code)
	}
	// The port taken, and without the tray host: both ✗, with the fix.
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	bare := append(slices.Clone(d.env), "DISPLAY=")
	r = tokentray(t, cfg, bare, "doctor")
	for _, want := range []string{"✗ display", "callback port " + fmt.Sprint(port) + " is in use"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor does not say %q:\n%s", want, r.stdout)
		}
	}
	// No notification server: said as absent (–), not as a ✓ nor a fault.
	good := writeConfig(t, p.Profile("work", "public"))
	r = tokentray(t, good, append(slices.Clone(d.env), "DBUS_SESSION_BUS_ADDRESS="+startBus(t, bareBus)), "doctor")
	if !strings.Contains(r.stdout, "– notifications") {
		t.Errorf("doctor without a notification server:\n%s", r.stdout)
	}
	// All in place: exit 0.
	if r := tokentray(t, good, d.env, "doctor"); r.code != 0 || strings.Contains(r.stdout, "✗") {
		t.Errorf("doctor with all in place: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// Without a control socket (no AF_UNIX: Windows before 10 1803, Wine) the
// tray still runs: its icon and menu show, the commands work on their own,
// and nothing is said to the person but its log line.
func TestTrayWithoutASocket(t *testing.T) {
	testkit.RequireSecretService(t)
	cfg := writeConfig(t, "[profile.work]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n")
	d := newDesktop(t, cfg)
	// A runtime dir too deep for a socket address (108 bytes at most).
	deep := filepath.Join(t.TempDir(), strings.Repeat("d", 120))
	if err := os.MkdirAll(deep, 0o700); err != nil {
		t.Fatal(err)
	}
	d.env = append(d.env, "XDG_RUNTIME_DIR="+deep)
	tray, it := d.tray(t)
	if got := label(t, it, "work"); got != "work: Signed out" {
		t.Errorf("label %q", got)
	}
	r := d.cli(t, "--verbose", "status")
	if r.code != 0 || strings.Contains(r.stderr, "answered by the tray") || !strings.Contains(r.stdout, "signed out") {
		t.Errorf("status without the socket: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	testkit.Eventually(t, 5*time.Second, "no log line about the socket", func() bool {
		return strings.Contains(tray.output(), "no control socket")
	})
	for _, l := range strings.Split(tray.output(), "\n") {
		if l != "" && !strings.HasPrefix(l, "time=") {
			t.Errorf("the person was told %q", l)
		}
	}
}

// Stock GNOME shows no tray icons: a small window offers what the menu
// would, and closes once a panel appears and takes the tray's icon.
func TestWithoutATrayHost(t *testing.T) {
	testkit.RequireSecretService(t)
	cfg := writeConfig(t, "[profile.work]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n")
	d := newBareDesktop(t, cfg)
	cmd := exec.Command(binary, "--config", cfg, "--verbose")
	cmd.Env = append(os.Environ(), d.env...)
	out := &syncWriter{w: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	d.windowOpen(t, "tokentray")
	d.shot(t, "tokentray", "no-tray-host.png")

	// The window follows the profile file: a profile renamed changes
	// nothing's size, so only a redraw of its own shows it. (What it says
	// of a broken file: TestCompactWindow.)
	// Drawn and at rest first, so that any change after is the rename's.
	var before image.Image
	testkit.Eventually(t, 10*time.Second, "the window kept changing", func() bool {
		a := d.x.Screenshot(t, "tokentray")
		time.Sleep(500 * time.Millisecond)
		before = d.x.Screenshot(t, "tokentray")
		return sameImage(a, before)
	})
	if err := os.WriteFile(cfg, []byte("[profile.home]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "the window still shows the profile before its rename", func() bool {
		return !sameImage(before, d.x.Screenshot(t, "tokentray"))
	})

	d.host = testkit.StartTrayHost(t)
	d.host.WaitItems(t, 1, 10*time.Second)
	testkit.Eventually(t, 10*time.Second, "the window stayed after the panel appeared", func() bool {
		return !slices.Contains(d.x.WindowTitles(t), "tokentray")
	})
	it := d.host.WaitItem(t, time.Second)
	if got := label(t, it, "home"); got != "home: Signed out" {
		t.Errorf("label %q", got)
	}
}

// A sign-out clears the token the tray copied, if the clipboard still
// holds it: revoked, it would only fail where it is pasted. What the
// person copied since is theirs and stays.
func TestSignOutClearsTheClipboard(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "work")
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	b := testkit.NewBrowser(t)
	cfg := writeConfig(t, "clipboard_clear = 0\n"+p.Profile("work", "public"))
	d := newDesktop(t, cfg)
	_, it := d.tray(t)
	for _, mine := range []bool{false, true} {
		if page, r := login(t, b, cfg, "work", "alice"); r.code != 0 {
			t.Fatalf("login: %s\n%s", page, r.stderr)
		}
		access := strings.TrimSpace(d.cli(t, "token", "work").stdout)
		it.Activate(t)
		testkit.Eventually(t, 10*time.Second, "the click copied nothing", func() bool { return readClipboard() == access })
		want := ""
		if mine {
			d.copyElsewhere(t, "mine")
			want = "mine"
		}
		if r := d.cli(t, "logout", "work"); r.code != 0 {
			t.Fatalf("logout: %s", r.stderr)
		}
		testkit.Eventually(t, 5*time.Second, fmt.Sprintf("after the sign-out the clipboard holds %s, want %q", testkit.Redact(readClipboard()), want),
			func() bool { return readClipboard() == want })
	}
}

// A sign-in abandoned in the browser holds nothing up: the menu offers
// to cancel it while it waits, a click on the icon shows its window, and
// Sign in… starts it again, which then signs in.
func TestAbandonedSignIn(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "work")
	p := testkit.StartProvider(t, testkit.ProviderOptions{AccessTTL: 10 * time.Minute})
	b := testkit.NewBrowser(t)
	cfg := writeConfig(t, p.Profile("work", "public"))
	d := newDesktop(t, cfg)
	_, it := d.tray(t)

	it.ClickIn(t, "work", "Sign in to")
	first := d.lastOpened(t, 0) // the tab the person closes
	testkit.Eventually(t, 10*time.Second, "no Cancel while the sign-in waits", func() bool { return hasItem(t, it, "Signing in… — Cancel") })
	it.Activate(t)
	d.windowOpen(t, "Sign in to work")

	it.ClickIn(t, "work", "Signing in… — Cancel")
	testkit.Eventually(t, 5*time.Second, "the sign-in was not cancelled", func() bool {
		return label(t, it, "work") == "work: Signed out" && !hasItem(t, it, "Signing in… — Cancel")
	})
	// Its callback no longer listens: the old tab can sign no one in.
	if u, err := url.Parse(first); err != nil {
		t.Fatal(err)
	} else if cb, err := url.Parse(u.Query().Get("redirect_uri")); err != nil || cb.Host == "" {
		t.Fatalf("redirect_uri in %s: %v", first, err)
	} else if c, err := net.DialTimeout("tcp", cb.Host, time.Second); err == nil {
		c.Close()
		t.Errorf("the cancelled sign-in still listens at %s", cb.Host)
	}

	before := d.openedCount()
	it.ClickIn(t, "work", "Sign in to")
	if page := b.SignIn(t, d.lastOpened(t, before), "alice"); !strings.Contains(page, "You are signed in") {
		t.Fatalf("the sign-in started again did not sign in: %s", page)
	}
	testkit.Eventually(t, 10*time.Second, "signed in, the menu does not say so", func() bool {
		return strings.HasPrefix(label(t, it, "work"), "work: alice")
	})
}

// A person who chose German (language = "de" in the profile file) gets
// the tray's menu, its windows and the command line's headlines in German;
// the names and addresses stay as they are.
func TestTheTrayInGerman(t *testing.T) {
	testkit.RequireSecretService(t)
	forget(t, "work")
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	cfg := writeConfig(t, "language = \"de\"\n"+p.Profile("work", "public"))
	d := newDesktop(t, cfg)
	_, it := d.tray(t)
	testkit.Eventually(t, 10*time.Second, "the menu is not in German", func() bool { return hasItem(t, it, "Bei work anmelden…") })
	if got := label(t, it, "work"); got != "work: Abgemeldet" {
		t.Errorf("the profile's line %q, want %q", got, "work: Abgemeldet")
	}
	d.windowOpen(t, "Bei work anmelden")
	d.shot(t, "Bei work anmelden", "signin-de.png")
	it.Click(t, "Einstellungen…")
	d.windowOpen(t, "tokentray-Einstellungen")
	d.shot(t, "tokentray-Einstellungen", "settings-de.png")
	if r := d.cli(t, "token", "nosuch"); r.code != 2 || !strings.Contains(r.stderr, "Es gibt kein Profil namens nosuch.") {
		t.Errorf("token nosuch: exit %d\n%s", r.code, r.stderr)
	}
}

// The keyboard alone on the real windows (GLFW under Xvfb, keys sent as
// X events, in the light theme): Enter in the sign-in window starts the
// sign-in, which the browser finishes; Escape closes the window; in the
// sign-out question Escape keeps the sign-in and Enter signs out.
func TestKeyboardOnTheRealWindows(t *testing.T) {
	testkit.RequireSecretService(t)
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Fatal("xdotool is not installed; run `make test`, which installs it (apt: xdotool)")
	}
	forget(t, "work")
	p := testkit.StartProvider(t, testkit.ProviderOptions{})
	b := testkit.NewBrowser(t)
	cfg := writeConfig(t, p.Profile("work", "public"))
	d := newDesktop(t, cfg)
	d.env = append(d.env, "FYNE_THEME=light")
	_, it := d.tray(t)
	key := func(title, k string) {
		t.Helper()
		cmd := exec.Command("xdotool", "search", "--sync", "--onlyvisible", "--name", "^"+regexp.QuoteMeta(title)+"$", "windowfocus", "--sync", "key", k)
		cmd.Env = append(os.Environ(), "DISPLAY="+d.display)
		// A key that closes the window on its press leaves the release
		// nowhere to go: X says BadWindow, and the key did its work.
		if out, err := testkit.Bounded(cmd, 20*time.Second); err != nil && !strings.Contains(string(out), "BadWindow") {
			t.Fatalf("xdotool key %s in %q: %v %s", k, title, err, out)
		}
	}
	// gone: the window closed, and its program has exited.
	gone := func(title, kind string) {
		t.Helper()
		testkit.Eventually(t, 10*time.Second, "the window "+title+" stayed", func() bool {
			if slices.Contains(d.x.WindowTitles(t), title) {
				return false
			}
			out, _ := exec.Command("ps", "-eo", "args").Output()
			return !strings.Contains(string(out), "tokentray-window --config "+cfg+" "+kind)
		})
	}

	d.windowOpen(t, "Sign in to work") // a fresh start, signed out
	d.shot(t, "Sign in to work", "signin-light.png")
	key("Sign in to work", "Return")
	if page := b.SignIn(t, d.lastOpened(t, 0), "alice"); !strings.Contains(page, "You are signed in") {
		t.Fatalf("sign-in: %s", page)
	}
	testkit.Eventually(t, 10*time.Second, "not signed in", func() bool { return strings.HasPrefix(label(t, it, "work"), "work: alice") })
	key("Sign in to work", "Escape")
	gone("Sign in to work", "signin")

	// A click while the last window's program is still exiting opens the
	// window anew once it has ended (app: TestWindowAskedForWhileItCloses),
	// unless that program ran under a second: click until it opens.
	signOut := func() {
		t.Helper()
		testkit.Eventually(t, 30*time.Second, "no window Sign out of work?", func() bool {
			it.ClickIn(t, "work", "Sign out of")
			for range 20 {
				if slices.Contains(d.x.WindowTitles(t), "Sign out of work?") {
					return true
				}
				time.Sleep(100 * time.Millisecond)
			}
			return false
		})
	}
	signOut()
	key("Sign out of work?", "Escape")
	gone("Sign out of work?", "signout")
	if !strings.HasPrefix(label(t, it, "work"), "work: alice") {
		t.Fatal("Escape signed out")
	}
	signOut()
	key("Sign out of work?", "Return")
	testkit.Eventually(t, 10*time.Second, "Enter did not sign out", func() bool { return label(t, it, "work") == "work: Signed out" })

	// A window asked for again comes to the front: Settings open behind
	// the sign-in window, and a click on Settings… brings it forward.
	focused := func() string {
		cmd := exec.Command("xdotool", "getwindowfocus", "getwindowname")
		cmd.Env = append(os.Environ(), "DISPLAY="+d.display)
		out, _ := testkit.Bounded(cmd, 10*time.Second)
		return strings.TrimSpace(string(out))
	}
	testkit.Eventually(t, 30*time.Second, "Settings… opened no window", func() bool {
		it.Click(t, "Settings…")
		return testkit.Poll(2*time.Second, func() bool { return slices.Contains(d.x.WindowTitles(t), "tokentray settings") })
	})
	testkit.Eventually(t, 30*time.Second, "Sign in… opened no window", func() bool {
		it.ClickIn(t, "work", "Sign in to")
		return testkit.Poll(2*time.Second, func() bool { return slices.Contains(d.x.WindowTitles(t), "Sign in to work") })
	})
	key("Sign in to work", "shift") // focus on the sign-in window
	if f := focused(); f != "Sign in to work" {
		t.Fatalf("focus on %q, want the sign-in window", f)
	}
	// Clicked until it works: a window's program is asked to raise its
	// window only once it has run a second (app: raiseAfter).
	testkit.Eventually(t, 15*time.Second, "Settings… did not bring its open window forward", func() bool {
		it.Click(t, "Settings…")
		return testkit.Poll(time.Second, func() bool { return focused() == "tokentray settings" })
	})
}

// A panel that goes away while the tray runs (the GNOME extension turned
// off, a panel that crashed) leaves no one without tokentray: within
// seconds the window that stands in for the menu opens, and it closes when
// a panel is back and the icon registers again.
func TestPanelGoesAway(t *testing.T) {
	testkit.RequireSecretService(t)
	cfg := writeConfig(t, "[profile.work]\nissuer = \"https://id.example.com\"\nclient_id = \"c\"\n")
	d := newDesktop(t, cfg)
	d.tray(t)
	if slices.Contains(d.x.WindowTitles(t), "tokentray") {
		t.Fatal("the stand-in window is open beside a panel")
	}
	d.host.Stop()
	testkit.Eventually(t, 10*time.Second, "no window stood in for the menu after the panel left", func() bool {
		return slices.Contains(d.x.WindowTitles(t), "tokentray")
	})
	d.host = testkit.StartTrayHost(t)
	it := d.host.WaitItem(t, 10*time.Second)
	testkit.Eventually(t, 10*time.Second, "the window stayed after the panel came back", func() bool {
		return !slices.Contains(d.x.WindowTitles(t), "tokentray")
	})
	if got := label(t, it, "work"); got != "work: Signed out" {
		t.Errorf("the icon's menu after the panel came back: %q", got)
	}
}

// A Wayland desktop without XWayland (sway, `xwayland disable`): the
// window program cannot start (GLFW speaks X). No window item dies with a
// trace: each says so in a notification with what does its work instead,
// and Sign out… asks in the menu itself, then signs out.
func TestWaylandWithoutXWayland(t *testing.T) {
	testkit.RequireSecretService(t)
	sway := testkit.StartSway(t)
	cfg, _ := toolsProfile(t, "wl", "", time.Hour)
	d := newBareDesktop(t, cfg)
	d.env = slices.DeleteFunc(d.env, func(e string) bool { return strings.HasPrefix(e, "DISPLAY=") })
	d.env = append(d.env, "DISPLAY=", "WAYLAND_DISPLAY="+filepath.Join(sway.RuntimeDir, sway.Display))
	d.host = testkit.StartTrayHost(t)
	tray, it := d.tray(t)

	notes := len(d.host.Notifications())
	it.Click(t, "Settings…")
	n := d.host.WaitNotification(t, notes, "windows cannot open", 5*time.Second)
	if !strings.Contains(n.Body, "XWayland") || !strings.Contains(n.Body, "tokentray profiles import FILE") {
		t.Errorf("notification %q / %q", n.Summary, n.Body)
	}

	it.ClickIn(t, "wl", "Sign out of")
	testkit.Eventually(t, 5*time.Second, "Sign out… did not ask in the menu", func() bool {
		return slices.ContainsFunc(it.Menu(t), func(mi testkit.MenuItem) bool { return mi.Visible && mi.Label == "Click again to sign out of wl" })
	})
	if items := keychainItems(t, "wl"); len(items) == 0 {
		t.Fatal("the first click signed out")
	}
	notes = len(d.host.Notifications())
	it.Click(t, "Click again to sign out of wl")
	d.host.WaitNotification(t, notes, "Signed out of wl", 10*time.Second)
	if items := keychainItems(t, "wl"); len(items) != 0 {
		t.Errorf("keychain after the menu's sign-out: %v", items)
	}
	for _, bad := range []string{"panic", "goroutine ", "GLFW"} {
		if strings.Contains(tray.output(), bad) {
			t.Errorf("the tray's output holds %q:\n%s", bad, tray.output())
		}
	}
}
