package app

import (
	"fmt"
	"sync"
	"time"
)

// clipboardOwner puts text on the system clipboard and, when asked, clears
// it later — if the clipboard still holds that text, whoever holds it: a
// clipboard manager that took it over keeps a token as well as we do, while
// anything the person copied since is theirs. On X11 and Wayland the owner
// must stay alive for the text to stay pasteable, which the resident does.
// The system side is per OS: clipInit, clipWrite and clipClearIf.
type clipboardOwner struct {
	once    sync.Once
	initErr error
	mu      sync.Mutex
	gen     int
	// token is the profile whose token (or header) the last copy was, and
	// text what it was ("" for anything else): what a sign-out clears.
	token, text string
	// clearLater arms a clear Copy promised (nil: time.AfterFunc). A test
	// runs the clear when it chooses, so that what it copied meanwhile is
	// there first by construction rather than by being quick enough.
	clearLater func(d time.Duration, clear func())
}

// CopyToken is Copy of a profile's token: one that a sign-out of that
// profile clears (ClearToken).
func (c *clipboardOwner) CopyToken(profile, text string, clearAfter time.Duration) error {
	if err := c.Copy(text, clearAfter); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.token, c.text = profile, text
	return nil
}

// ClearToken clears the clipboard if it still holds the token of profile
// the tray copied last: after a sign-out it is revoked, and pasting it
// would only fail where it is used.
func (c *clipboardOwner) ClearToken(profile string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == profile && c.text != "" && c.initErr == nil {
		clipClearIf(c.text)
		c.token, c.text = "", ""
	}
}

// Copy writes text; after clearAfter (0 = never) it clears the clipboard
// unless something else was copied meanwhile.
func (c *clipboardOwner) Copy(text string, clearAfter time.Duration) error {
	c.once.Do(func() { c.initErr = clipInit() })
	if c.initErr != nil {
		return fmt.Errorf("clipboard: %w", c.initErr)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := clipWrite(text); err != nil {
		return fmt.Errorf("clipboard: %w", err)
	}
	c.gen++
	c.token, c.text = "", ""
	gen := c.gen
	if clearAfter <= 0 {
		return nil
	}
	later := c.clearLater
	if later == nil {
		later = func(d time.Duration, clear func()) { time.AfterFunc(d, clear) }
	}
	later(clearAfter, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		// Our own later copy clears itself; any other text is the person's.
		if c.gen == gen {
			clipClearIf(text)
		}
	})
	return nil
}
