package profile

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// A profile's browser key runs a program, and a profile file may come from
// a phishing email: so it may only name a browser, with options that choose
// a browser profile or window, and {url}. Anything else — a shell, a
// script, an option that loads code or opens a debugging port — is
// refused; a person who wants another command passes --browser-command,
// which is theirs. The browser is named, never a path: the program run is
// the one installed where the system keeps programs (internal/browse finds
// it), not a file a path would pick — `~/Downloads/kit/chromium`, or a
// share (`\\host@SSL\DavWWWRoot\chrome.exe`, whose mere opening sends the
// person's Windows password hash to that host).

// browsers are the programs the browser key may name (".exe" or not);
// "open" is macOS's, for `open -a "Google Chrome" {url}`.
var browsers = []string{
	"firefox", "firefox-esr", "librewolf", "chromium", "chromium-browser", "chrome",
	"google-chrome", "google-chrome-stable", "google-chrome-beta", "msedge", "microsoft-edge",
	"microsoft-edge-stable", "brave", "brave-browser", "vivaldi", "opera", "epiphany", "open",
}

// browserFlags are the options the browser key may pass; those in
// browserValueFlags take the next argument as their value.
var (
	browserFlags = []string{
		"--new-window", "-new-window", "--new-tab", "-new-tab", "--private-window", "-private-window",
		"--incognito", "--inprivate", "-inprivate", "--guest", "-n",
	}
	browserValueFlags = []string{"-P", "-a"}
)

// BrowserArgv is the profile's browser command for address u: nil when
// the profile sets none (then the system's browser opens it).
func (p *Profile) BrowserArgv(u string) ([]string, error) {
	if p.Browser == "" {
		return nil, nil
	}
	argv, err := checkBrowser(p.Browser)
	if err != nil {
		return nil, err
	}
	return withURL(argv, u), nil
}

// CommandArgv splits a command the person gave (--browser-command) and
// puts u in place of {url}, or at the end when it has none.
func CommandArgv(command, u string) ([]string, error) {
	argv, err := splitCommand(command)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(argv, "{url}") {
		argv = append(argv, "{url}")
	}
	return withURL(argv, u), nil
}

func withURL(argv []string, u string) []string {
	out := slices.Clone(argv)
	for i, a := range out {
		if a == "{url}" {
			out[i] = u
		}
	}
	return out
}

// checkBrowser splits and checks a profile's browser key.
func checkBrowser(command string) ([]string, error) {
	argv, err := splitCommand(command)
	if err != nil {
		return nil, err
	}
	name := argv[0]
	if strings.ContainsAny(name, `/\:`) {
		return nil, fmt.Errorf("%q is a path; name the browser only (such as \"firefox\" or \"msedge\"): tokentray runs the one installed on this computer", name)
	}
	base := strings.ToLower(strings.TrimSuffix(name, ".exe"))
	if !slices.Contains(browsers, base) {
		return nil, fmt.Errorf("%q is not a browser tokentray knows (%s); for any other command use `tokentray login --browser-command`", name, strings.Join(browsers[:6], ", ")+", …")
	}
	urls := 0
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "{url}":
			urls++
		case slices.Contains(browserFlags, a):
		case slices.Contains(browserValueFlags, a) && i+1 < len(argv) && plainValue(argv[i+1]):
			if a == "-a" && base != "open" {
				return nil, fmt.Errorf("option -a is for macOS's open")
			}
			i++
		case strings.HasPrefix(a, "--profile-directory=") && plainValue(strings.TrimPrefix(a, "--profile-directory=")):
		default:
			return nil, fmt.Errorf("option %q is not one tokentray passes to a browser from a profile file (it allows -P NAME, --profile-directory=NAME, -a APP with open, and window options); for anything else use `tokentray login --browser-command`", a)
		}
	}
	if urls != 1 {
		return nil, errors.New("write {url} once, where the sign-in address goes, e.g. \"firefox -P work {url}\"")
	}
	return argv, nil
}

// plainValue tells whether an option's value is a name and nothing a
// browser could read as an option of its own (Chromium on Windows takes
// "/proxy-server=…" as one) or as a path.
func plainValue(v string) bool {
	return v != "" && !strings.HasPrefix(v, "-") && !strings.ContainsAny(v, `/\`) && v != "{url}"
}

// splitCommand splits a command line on blanks, keeping "double" or
// 'single' quoted parts together. Backslashes are plain characters, so
// Windows paths need no escaping.
func splitCommand(s string) ([]string, error) {
	var (
		argv  []string
		cur   strings.Builder
		quote rune
		inArg bool
	)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inArg = r, true
		case r == ' ' || r == '\t':
			if inArg {
				argv, inArg = append(argv, cur.String()), false
				cur.Reset()
			}
		case r < 0x20 || r == 0x7f:
			return nil, errors.New("a command is one line of plain text")
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, errors.New("a quote is not closed")
	}
	if inArg {
		argv = append(argv, cur.String())
	}
	if len(argv) == 0 {
		return nil, errors.New("the command is empty")
	}
	return argv, nil
}
