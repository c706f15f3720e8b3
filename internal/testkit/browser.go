//go:build linux

package testkit

import (
	"context"
	"errors"
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
}

const probe = `(() => ({
  href: location.href,
  title: document.title,
  text: document.body ? document.body.innerText : "",
  // The title arrives before the body: done only once the page has loaded.
  kind: document.title.startsWith("tokentray:") ? (document.readyState === "complete" ? "done" : "other")
      : document.querySelector("input[name=login]") ? "login"
      : document.querySelector("button[type=submit]") ? "consent" : "other",
}))()`

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
			js := fmt.Sprintf(`(() => { const b = document.querySelector(%q); if (b) b.click(); return !!b })()`, button)
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
	last, lastAt := "", time.Time{}
	var st pageState
	for ctx.Err() == nil {
		var err error
		st, err = chromedp.Run(ctx, chromedp.Evaluate[pageState](probe))
		if err != nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if st.Title == "Sign-in Success" {
			return st.Text, nil
		}
		// A click can land on a page still loading and be lost: the same
		// page two seconds later gets another.
		key := st.Href + " " + st.Kind
		if key == last && time.Since(lastAt) < 2*time.Second {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		switch st.Kind {
		case "login":
			last, lastAt = key, time.Now()
			_ = chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS("input[name=login]"), user),
				chromedp.SendKeys(chromedp.CSS("input[name=password]"), "any-password"),
				chromedp.Click(chromedp.CSS("button[type=submit]")),
			)
		case "consent":
			// In the page itself: after a form's POST, chromedp's node
			// queries may still see the page before.
			last, lastAt = key, time.Now()
			_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const b = document.querySelector("button[type=submit]"); if (b) b.click(); return !!b })()`))
		default:
			time.Sleep(50 * time.Millisecond)
		}
	}
	return "", fmt.Errorf("the device sign-in did not reach the provider's success page within a minute; last page %q at %s: %.300q", st.Title, st.Href, st.Text)
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

func (b *Browser) finish(ctx context.Context, user string) (string, error) {
	last := ""
	for ctx.Err() == nil {
		st, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](probe))
		if err != nil {
			// A navigation destroyed the page mid-probe; look again.
			time.Sleep(50 * time.Millisecond)
			continue
		}
		key := st.Href + " " + st.Kind
		if key == last && st.Kind != "done" {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		switch st.Kind {
		case "done":
			return st.Title + "\n" + st.Text, nil
		case "login":
			last = key
			_ = chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS("input[name=login]"), user),
				chromedp.SendKeys(chromedp.CSS("input[name=password]"), "any-password"),
				chromedp.Click(chromedp.CSS("button[type=submit]")),
			)
		case "consent":
			last = key
			_ = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("button[type=submit]")))
		default:
			time.Sleep(50 * time.Millisecond)
		}
	}
	return "", errors.New("the sign-in did not reach tokentray's callback page within a minute")
}
