package window

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// What Fyne writes on an ordinary run — the file chooser's missing Videos
// folder, a preferences file caught empty — does not reach the tray's
// output; what Fyne says of a real fault does, whole.
func TestFyneSaysOnlyWhatMatters(t *testing.T) {
	home := t.TempDir() // no Documents, no Videos: a new account's home
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("LANG", "en_US.UTF-8")
	out := &lockedBuffer{}
	quietFyne(out)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })

	for _, c := range []struct {
		name  string
		run   func(t *testing.T)
		said  []string // each in the output
		quiet []string // none in it
	}{
		{"the file chooser in a home without Videos", func(t *testing.T) {
			u := newSettings(context.Background(), test.NewTempApp(t), &recorder{})
			u.w.Show()
			u.importFile()
		}, nil, []string{"Fyne error", "favorite", "VIDEOS"}},
		// Fyne's own call (app/preferences.go) on an empty file, and on
		// one that is not JSON: an app of its own here would leave Fyne's
		// watchers writing into the test's home as it is removed.
		{"a preferences file caught empty", func(t *testing.T) {
			fyne.LogError("Preferences load error:", io.EOF)
		}, nil, []string{"Fyne error", "Preferences", "EOF"}},
		{"a preferences file that is not JSON", func(t *testing.T) {
			var v any
			fyne.LogError("Preferences load error:", json.Unmarshal([]byte("x"), &v))
		}, []string{"Fyne error:  Preferences load error:", "Cause: invalid character 'x'", "At: "}, nil},
		{"any other report", func(t *testing.T) {
			fyne.LogError("Window creation error", errors.New("no GLX visual"))
		}, []string{"Fyne error:  Window creation error", "Cause: no GLX visual", "At: "}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(out.String())
			c.run(t)
			got := out.String()[before:]
			for _, want := range c.said {
				if !strings.Contains(got, want) {
					t.Errorf("the output lacks %q:\n%s", want, got)
				}
			}
			for _, bad := range c.quiet {
				if strings.Contains(got, bad) {
					t.Errorf("the output says %q:\n%s", bad, got)
				}
			}
		})
	}
}
