// The clipboard owner against real display servers: a headless Wayland
// compositor (sway) read through wl-paste, and Xvfb read through xclip.
// The owner runs in a child process, as in the resident: the clipboard
// library picks its backend once per process.
package app

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/testkit"
)

func TestMain(m *testing.M) {
	if os.Getenv("TOKENTRAY_TEST_CLIPOWNER") != "" {
		serveClipOwner(os.Stdin, os.Stdout) // returns when stdin closes
		return
	}
	os.Exit(m.Run())
}

// serveClipOwner is the child's body. Each line is a command, answered
// "ok" or with what went wrong: "copy TEXT" copies TEXT through a
// clipboardOwner whose clear follows 2 s later, on its own timer; "hold
// TEXT" copies it with the clear held back; "clear" runs the clears held
// back, and has answered once they have run.
func serveClipOwner(in io.Reader, out io.Writer) {
	var c clipboardOwner
	var held []func()
	holdBack := func(_ time.Duration, clear func()) { held = append(held, clear) }
	s := bufio.NewScanner(in)
	for s.Scan() {
		verb, text, _ := strings.Cut(s.Text(), " ")
		switch verb {
		case "copy", "hold":
			c.clearLater = nil // the owner's own timer
			if verb == "hold" {
				c.clearLater = holdBack
			}
			if err := c.Copy(text, 2*time.Second); err != nil {
				fmt.Fprintln(out, err)
				continue
			}
		case "clear":
			if len(held) == 0 {
				fmt.Fprintln(out, "no clear was armed")
				continue
			}
			for _, clear := range held {
				clear()
			}
			held = nil
		default:
			fmt.Fprintln(out, "unknown command", verb)
			continue
		}
		fmt.Fprintln(out, "ok")
	}
}

// clipOwner is the child process that owns the clipboard.
type clipOwner struct{ *testkit.Child }

func startClipOwner(t *testing.T, env []string) *clipOwner {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	// Only the display given: nothing of the test's own session.
	cmd.Env = append([]string{"TOKENTRAY_TEST_CLIPOWNER=1", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Stderr = os.Stderr
	return &clipOwner{testkit.StartChild(t, cmd)}
}

// do sends the child one command and fails the test unless it went well.
func (o *clipOwner) do(t *testing.T, command string) {
	t.Helper()
	o.Send(command)
	o.Expect(t, "ok")
}

// display is one display server's clipboard as other programs see it.
type display struct {
	pasteAs func(t *testing.T, typ string) string     // what a paste of type typ gives now ("" if nothing)
	types   func(t *testing.T) []string               // the types (targets) offered now
	other   func(t *testing.T, text string) *exec.Cmd // another program that copies text
}

// paste is what pasting text gives now.
func (d display) paste(t *testing.T) string { return d.pasteAs(t, "") }

// copyElsewhere starts a program that copies text and keeps the clipboard
// until the test ends, and waits until it owns the clipboard: text pastes,
// and without our hint, so it is not still our own copy of the same text.
func (d display) copyElsewhere(t *testing.T, text string) {
	t.Helper()
	cmd := d.other(t, text)
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", cmd.Path, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	testkit.Eventually(t, 5*time.Second, "the other program's copy never arrived", func() bool {
		return d.paste(t) == text && !slices.Contains(d.types(t), "x-kde-passwordManagerHint")
	})
}

// checkClipboard is what the tray promises, on one display server: the
// token pastes at once; it is gone after the clear time; something else
// copied meanwhile is left alone; the token held by another program (a
// clipboard manager) is cleared all the same.
//
// The clear is held back until the test has checked and copied what it
// means to (hold, then clear): a slow paste or a slow other program would
// otherwise race a 2 s timer, and either fail or pass without the clear
// having met what the test set up. The timer itself is checked last.
func checkClipboard(t *testing.T, owner *clipOwner, d display) {
	owner.do(t, "hold token-one")
	if got := d.paste(t); got != "token-one" {
		t.Fatalf("paste right after the copy = %q, want the token", got)
	}
	types := d.types(t)
	if !slices.Contains(types, "UTF8_STRING") && !slices.Contains(types, "text/plain;charset=utf-8") {
		t.Errorf("offered types %q: no UTF-8 text", types)
	}
	// KDE's clipboard history skips what says it is a secret.
	if !slices.Contains(types, "x-kde-passwordManagerHint") {
		t.Errorf("offered types %q: no x-kde-passwordManagerHint", types)
	} else if got := d.pasteAs(t, "x-kde-passwordManagerHint"); got != "secret" {
		t.Errorf("x-kde-passwordManagerHint = %q, want secret", got)
	}
	owner.do(t, "clear")
	testkit.Eventually(t, 5*time.Second, "the token was not cleared", func() bool { return d.paste(t) == "" })

	owner.do(t, "hold token-two")
	d.copyElsewhere(t, "mine")
	owner.do(t, "clear")
	if got := d.paste(t); got != "mine" {
		t.Errorf("the clear wiped what the person copied: %q", got)
	}

	owner.do(t, "hold token-three")
	d.copyElsewhere(t, "token-three")
	owner.do(t, "clear")
	testkit.Eventually(t, 5*time.Second, "the token held by another program was not cleared", func() bool { return d.paste(t) == "" })

	// The owner's own timer: no clear before 2 s after the copy, and one
	// within 10 s, a loose bound for a loaded machine.
	start := time.Now()
	owner.do(t, "copy token-four")
	testkit.Eventually(t, 10*time.Second, "the token was not cleared within 10 s of a 2 s clear", func() bool { return d.paste(t) == "" })
	if waited := time.Since(start); waited < 2*time.Second {
		t.Errorf("cleared %s after the copy, want 2 s", waited.Round(time.Millisecond))
	}
}

// run is a tool's output; a tool that says the clipboard is empty (exit
// status 1) gives "". A tool that hangs (xclip -o once never returned)
// fails the test within seconds, naming itself.
//
// An X11 paste asked at the moment the owner hands the selection on (our
// clear) can get no answer at all: the old owner drops the request, and
// xclip, unlike the toolkits, never gives up (1 run in 12 hung). Such a
// request is asked again, up to three times, each bounded.
func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	var err error
	for range 3 {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		var out []byte
		out, err = testkit.Bounded(cmd, 3*time.Second)
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee) && ee.ExitCode() == 1:
			return ""
		case err == nil:
			return string(out)
		case !strings.Contains(err.Error(), "did not finish"):
			t.Fatalf("%s %s: %v (%s)", name, strings.Join(args, " "), err, stderr.Bytes())
		}
	}
	t.Fatalf("%s %s: no answer three times: %v", name, strings.Join(args, " "), err)
	return ""
}

// TestClipboardWayland copies under a Wayland compositor while an X
// server is also there, as in a desktop session with XWayland: the token
// must land on the Wayland clipboard, where Wayland programs paste from.
func TestClipboardWayland(t *testing.T) {
	for _, tool := range []string{"wl-paste", "wl-copy"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed; run `make test`, which installs it (apt: wl-clipboard)", tool)
		}
	}
	sway := testkit.StartSway(t)
	x := testkit.StartXvfb(t)
	env := append(sway.Env(), "PATH="+os.Getenv("PATH"))
	owner := startClipOwner(t, append(sway.Env(), "DISPLAY="+x.Display))
	checkClipboard(t, owner, display{
		pasteAs: func(t *testing.T, typ string) string {
			if typ == "" {
				return run(t, env, "wl-paste", "--no-newline")
			}
			return run(t, env, "wl-paste", "--no-newline", "--type", typ)
		},
		types: func(t *testing.T) []string { return strings.Fields(run(t, env, "wl-paste", "--list-types")) },
		other: func(t *testing.T, text string) *exec.Cmd {
			cmd := exec.Command("wl-copy", "--foreground", text)
			cmd.Env = env
			return cmd
		},
	})
}

// TestClipboardX11 is the same on an X server alone.
func TestClipboardX11(t *testing.T) {
	if _, err := exec.LookPath("xclip"); err != nil {
		t.Fatal("xclip is not installed; run `make test`, which installs it (apt: xclip)")
	}
	x := testkit.StartXvfb(t)
	env := []string{"DISPLAY=" + x.Display, "PATH=" + os.Getenv("PATH")}
	owner := startClipOwner(t, env[:1])
	checkClipboard(t, owner, display{
		pasteAs: func(t *testing.T, typ string) string {
			if typ == "" {
				return run(t, env, "xclip", "-o", "-selection", "clipboard")
			}
			return run(t, env, "xclip", "-o", "-selection", "clipboard", "-t", typ)
		},
		types: func(t *testing.T) []string {
			return strings.Fields(run(t, env, "xclip", "-o", "-selection", "clipboard", "-t", "TARGETS"))
		},
		other: func(t *testing.T, text string) *exec.Cmd {
			// -quiet: xclip stays in the foreground, owning the clipboard.
			cmd := exec.Command("xclip", "-quiet", "-selection", "clipboard")
			cmd.Env = env
			cmd.Stdin = strings.NewReader(text)
			return cmd
		},
	})
}
