package window

import (
	"bytes"
	"io"
	"log"
	"strings"
	"sync"
)

// quietFyne sends the standard logger, where Fyne reports (fyne.LogError:
// "Fyne error: REASON", "  Cause: ERR", "  At: FILE:LINE", one log line
// each), to w, without the two reports an ordinary run writes that say
// nothing wrong to the person reading the tray's output:
//
//   - "Getting favorite locations": the file chooser found no Videos (or
//     Music, …) folder for its side bar — a home without them, which is
//     most homes on a server or a new account; the chooser works as well.
//   - "Preferences load error:" with the cause EOF: the file in which Fyne
//     keeps the chooser's last folder was empty when read — another
//     window process was writing it at that moment, or one ended before
//     it wrote (the tray ends windows it closes). Fyne starts from no
//     preferences then and writes the file again.
//
// Every other report passes whole, a preferences file that cannot be
// read for another reason included.
func quietFyne(w io.Writer) {
	log.SetOutput(&fyneLog{w: w})
}

// fyneLog holds a report's first line until its cause shows whether the
// report is one quietFyne drops.
type fyneLog struct {
	mu       sync.Mutex
	w        io.Writer
	held     []byte // a report's first line, its cause still to come
	reason   string
	dropping bool // the rest of a dropped report (its "At:" line)
}

const fyneError = "Fyne error:  " // fyne.LogError's log.Println("Fyne error: ", reason)

func (f *fyneLog) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := string(bytes.TrimRight(p, "\n"))
	switch {
	case strings.Contains(line, fyneError):
		f.flush()
		f.dropping = false
		reason := line[strings.Index(line, fyneError)+len(fyneError):]
		if reason == "Getting favorite locations" || reason == "Preferences load error:" {
			f.held, f.reason = append([]byte(nil), p...), reason
			return len(p), nil
		}
	case f.held != nil && strings.Contains(line, "  Cause: "):
		cause := line[strings.Index(line, "  Cause: ")+len("  Cause: "):]
		if f.reason == "Getting favorite locations" || cause == "EOF" {
			f.held, f.dropping = nil, true
			return len(p), nil
		}
		f.flush()
	case f.dropping && strings.Contains(line, "  At: "):
		f.dropping = false
		return len(p), nil
	default:
		f.flush()
		f.dropping = false
	}
	return f.w.Write(p)
}

// flush writes a held line: what followed it shows it is to be said.
func (f *fyneLog) flush() {
	if f.held != nil {
		_, _ = f.w.Write(f.held)
		f.held = nil
	}
}
