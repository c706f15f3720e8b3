package profile

import (
	"slices"
	"testing"
)

// A profile's browser command: the browser and its options, the address
// in place of {url}, quoted parts kept whole, Windows paths as written.
func TestBrowserArgv(t *testing.T) {
	const u = "https://id.example/authorize?state=x&a=b"
	cases := []struct {
		browser string
		want    []string
	}{
		{"", nil},
		{"firefox -P work {url}", []string{"firefox", "-P", "work", u}},
		{`open -a "Google Chrome" {url}`, []string{"open", "-a", "Google Chrome", u}},
		{`chromium --profile-directory="Profile 1" --new-window {url}`, []string{"chromium", "--profile-directory=Profile 1", "--new-window", u}},
		{`msedge.exe --inprivate {url}`, []string{"msedge.exe", "--inprivate", u}},
	}
	for _, c := range cases {
		t.Run(c.browser, func(t *testing.T) {
			got, err := (&Profile{Browser: c.browser}).BrowserArgv(u)
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
	// A path, a share, an option's value that is an option or a path:
	// refused, whatever the browser.
	for _, bad := range []string{
		`"C:\Program Files\Mozilla Firefox\firefox.exe" -private-window {url}`,
		`\\host@SSL\DavWWWRoot\chrome.exe {url}`,
		`C:\Users\Public\msedge.exe {url}`,
		"~/Downloads/kit/chromium {url}",
		"/usr/bin/firefox {url}",
		"./firefox {url}",
		"chrome -P /gpu-launcher=calc {url}",
		"firefox -P -safe-mode {url}",
		"chrome --profile-directory=/proxy-server=evil {url}",
		"chrome --profile-directory=..\\..\\x {url}",
		"firefox -P {url}",
		"sh -c {url}",
	} {
		if argv, err := (&Profile{Browser: bad}).BrowserArgv(u); err == nil {
			t.Errorf("browser = %s: accepted as %q", bad, argv)
		}
	}
	// What the person types is theirs: any command, {url} appended when
	// left out.
	got, err := CommandArgv(`my-browser --flag "a b"`, u)
	if err != nil || !slices.Equal(got, []string{"my-browser", "--flag", "a b", u}) {
		t.Errorf("--browser-command: %q, %v", got, err)
	}
}
