//go:build linux

package testkit

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is a headless Debian Chromium driven over the DevTools protocol.
type Browser struct {
	ctx context.Context
}

// NewBrowser starts Chromium with a fresh profile; it ends with the test.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed; run `make test`, which installs Debian's chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.UserDataDir(t.TempDir()),
		// The network here is closed: keep Chromium from trying it.
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-gpu", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return &Browser{ctx: ctx}
}

type pageState struct {
	Href  string `json:"href"`
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Text  string `json:"text"`
	Sent  bool   `json:"sent"` // a form of this page was submitted (markSent)
}

const probe = `(() => ({
  href: location.href,
  title: document.title,
  text: document.body ? document.body.innerText : "",
  sent: !!window.ttSent,
  // The title arrives before the body: done only once the page has loaded.
  kind: document.title.startsWith("tokentray:") ? (document.readyState === "complete" ? "done" : "other")
      // A form is filled in only once the whole of it is there.
      : document.readyState === "loading" ? "other"
      : document.querySelector("input[name=login]") ? "login"
      : document.querySelector("button[type=submit]") ? "consent" : "other",
}))()`

// act is what a person does on a sign-in or consent page, done in the
// page itself: the login and password set (typing appends, so a second
// go would sign in as "bobbob"), and the submit button clicked through
// the DOM, not at coordinates a page still laying itself out can move. It
// marks the page when a form of it is submitted (markSent). It says
// whether there was a button to click.
const act = `((user) => {
  const button = document.querySelector("button[type=submit]");
  if (!button) return false;
  const login = document.querySelector("input[name=login]");
  if (login) {
    login.value = user;
    const password = document.querySelector("input[name=password]");
    if (password) password.value = "any-password";
  }
  ` + markSent + `
  button.click();
  return true;
})`

// markSent, run in a page before a click, makes the probe say sent once a
// form of the page has been submitted: its navigation is under way.
const markSent = `addEventListener("submit", () => { window.ttSent = true }, { capture: true, once: true });`

// SignIn opens authURL, signs in to the test provider as user, agrees to
// the consent page, and returns the text of tokentray's callback page.
func (b *Browser) SignIn(t testing.TB, authURL, user string) string {
	t.Helper()
	page, err := b.TrySignIn(authURL, user)
	if err != nil {
		t.Fatal(err)
	}
	return page
}

// TrySignIn is SignIn for goroutines other than the test's.
func (b *Browser) TrySignIn(authURL, user string) (string, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(authURL)); err != nil {
		return "", fmt.Errorf("open the sign-in URL: %w", err)
	}
	return b.finish(ctx, user)
}

// Visit opens a URL and returns the page's text, e.g. a callback forged by
// a test.
func (b *Browser) Visit(t testing.TB, u string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	st, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](probe))
	if err != nil {
		t.Fatalf("read the page: %v", err)
	}
	return st.Text
}

// EnterCode finishes a device-code sign-in at the test provider's page:
// opens page (the verification URI, with or without the code), enters
// code when asked, confirms — or, with abort, declines — signs in as
// user and agrees. It returns the provider's last page's text.
func (b *Browser) EnterCode(page, code, user string, abort bool) (string, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		return "", fmt.Errorf("open the device page: %w", err)
	}
	var st pageState
	for ctx.Err() == nil {
		var err error
		st, err = chromedp.Run(ctx, chromedp.Evaluate[pageState](probe))
		if err != nil || st.Title == "Sign-in" && st.Kind != "consent" {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		switch st.Title {
		case "Sign-in": // the code input page
			// Typed and sent in the page itself, as for clicks in
			// finishDevice: keystrokes can reach a page still loading.
			js := fmt.Sprintf(`(() => { const i = document.querySelector("input[name=user_code]"); if (!i) return false;
				i.value = %q; document.getElementById("op.deviceInputForm").submit(); return true })()`, code)
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil || !ok {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			if _, err := b.waitTitle(ctx, "Device Login Confirmation"); err != nil {
				return "", err
			}
			continue
		case "Device Login Confirmation":
			button := `button[form="op.deviceConfirmForm"]:not([name=abort])`
			if abort {
				button = `button[name=abort]`
			}
			js := fmt.Sprintf(`(() => { const b = document.querySelector(%q); %s if (b) b.click(); return !!b })()`, button, markSent)
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil || !ok {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			if abort {
				return b.waitTitle(ctx, "Sign-in")
			}
			return b.finishDevice(ctx, user)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", fmt.Errorf("the device page did not ask for the code within a minute (last: %q)", st.Title)
}

// finishDevice signs in and agrees until the provider's success page.
func (b *Browser) finishDevice(ctx context.Context, user string) (string, error) {
	st, ok := b.advance(ctx, user, func(st pageState) bool { return st.Title == "Sign-in Success" })
	if !ok {
		return "", fmt.Errorf("the device sign-in did not reach the provider's success page within a minute; last page %q at %s: %.300q", st.Title, st.Href, st.Text)
	}
	return st.Text, nil
}

// waitTitle waits for a page titled title and returns its text.
func (b *Browser) waitTitle(ctx context.Context, title string) (string, error) {
	for ctx.Err() == nil {
		st, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](probe))
		if err == nil && st.Title == title && st.Href != "" {
			return st.Text, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", fmt.Errorf("no page titled %q within a minute", title)
}

// finish signs in and agrees until tokentray's callback page.
func (b *Browser) finish(ctx context.Context, user string) (string, error) {
	st, ok := b.advance(ctx, user, func(st pageState) bool { return st.Kind == "done" })
	if !ok {
		return "", fmt.Errorf("the sign-in did not reach tokentray's callback page within a minute; last page %q at %s: %.300q", st.Title, st.Href, st.Text)
	}
	return st.Title + "\n" + st.Text, nil
}

// advance signs in as user and agrees, page by page (act), until done
// holds for the page shown; false when ctx ends first. A page that stays
// as it was gets act again: after 2 s when its click submitted nothing
// (it was lost), after 10 s when it did, since a second submission would
// cancel the navigation of the first, which may only be slow.
func (b *Browser) advance(ctx context.Context, user string, done func(pageState) bool) (pageState, bool) {
	last, lastAt := "", time.Time{}
	var st pageState
	for ctx.Err() == nil {
		var err error
		st, err = chromedp.Run(ctx, chromedp.Evaluate[pageState](probe))
		if err != nil {
			// A navigation destroyed the page mid-probe; look again.
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if done(st) {
			return st, true
		}
		again := 2 * time.Second
		if st.Sent {
			again = 10 * time.Second
		}
		key := st.Href + " " + st.Kind
		if key != last && st.Sent {
			// Submitted before (EnterCode's confirmation): waited for as
			// one of ours is.
			last, lastAt = key, time.Now()
		}
		if st.Kind != "login" && st.Kind != "consent" || key == last && time.Since(lastAt) < again {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		last, lastAt = key, time.Now()
		_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf("(%s)(%q)", act, user)))
	}
	return st, false
}
