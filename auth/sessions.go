package auth

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/profile"
)

// Sessions owns the sessions of one profile file: it is the only place that
// reads the file, opens a session per profile, and — once Keep is called —
// starts and stops their background refresh. Everything else looks sessions
// up here, so no two parts of a process can disagree about which profiles
// exist or which of them are kept fresh.
type Sessions struct {
	path string
	opts Options

	mu     sync.Mutex
	cfg    *profile.Config // the last files that read well, merged; never nil
	err    error           // why the person's file as it is now cannot be used
	stamp  fileStamp
	loaded bool
	// managed is the managed profile file as it last read well (nil: none
	// or never), managedErr why it cannot be used now.
	managed      *profile.Config
	managedErr   error
	managedStamp fileStamp
	byName       map[string]*Session
	// keep is set by Keep: sessions then run in the background until it ends.
	keep context.Context
	runs map[*Session]context.CancelFunc
	subs map[chan struct{}]struct{}
}

type fileStamp struct {
	mod  time.Time
	size int64
	ok   bool
}

// Changes says which profiles a reload added, changed and removed.
type Changes struct {
	Added, Changed, Removed []string
}

// Any tells whether anything changed.
func (c Changes) Any() bool { return len(c.Added)+len(c.Changed)+len(c.Removed) > 0 }

// NewSessions opens the profile file at path lazily: nothing is read until
// the first lookup or Reload. Every session gets opts (one Store for all:
// it is one keychain).
func NewSessions(path string, opts Options) *Sessions {
	if opts.Store == nil {
		opts.Store = keychain.NewStore()
	}
	return &Sessions{path: path, opts: opts, cfg: profile.EmptyConfig(path), byName: map[string]*Session{},
		runs: map[*Session]context.CancelFunc{}, subs: map[chan struct{}]struct{}{}}
}

// Path is the profile file.
func (s *Sessions) Path() string { return s.path }

// Store is the keychain the sessions share.
func (s *Sessions) Store() *keychain.Store { return s.opts.Store }

// Reload reads the profile file again if it changed on disk. A profile
// whose settings are unchanged keeps its session, so a refresh or sign-in
// under way is not disturbed by an edit elsewhere in the file. A file that
// does not exist is an empty one (a first start); a file with a mistake
// keeps the last good profiles running and is reported by the error.
// While Keep runs, new sessions have read the keychain and run in the
// background before Reload returns.
func (s *Sessions) Reload() (Changes, error) {
	s.mu.Lock()
	ch, reread, fresh, err := s.reload()
	s.mu.Unlock()
	for _, sess := range fresh {
		sess.Look() // outside the lock: a keychain may take seconds to say no
	}
	if len(fresh) > 0 {
		s.mu.Lock()
		for _, sess := range fresh {
			s.start(sess)
		}
		s.mu.Unlock()
	}
	if reread {
		s.signal()
	}
	return ch, err
}

// reload reads the file if its stamp changed: what changed, whether it
// was read at all, and the new sessions Keep must start. Callers hold s.mu.
func (s *Sessions) reload() (ch Changes, reread bool, fresh []*Session, err error) {
	st, ms := stampOf(s.path), stampOf(s.managedPath())
	if s.loaded && st == s.stamp && ms == s.managedStamp {
		return Changes{}, false, nil, s.errs()
	}
	if !s.loaded || ms != s.managedStamp {
		s.managedStamp = ms
		s.readManaged()
	}
	if st.ok && st.size == 0 && len(s.cfg.Names) > 0 {
		// Caught between a rewrite's truncation and its write (os.WriteFile,
		// many editors), or emptied by mistake: not "every profile
		// removed" (that is `profiles remove`). Within a second it is
		// looked at again quietly; after that it is a file with a mistake,
		// and the last good profiles keep running.
		if time.Since(st.mod) < time.Second {
			return Changes{}, false, nil, s.errs()
		}
		s.loaded, s.stamp = true, st
		s.err = &profile.ConfigError{File: s.path, Msg: "the file is empty; the profiles it held keep running until it holds them again"}
		return Changes{}, true, nil, s.errs()
	}
	s.loaded, s.stamp = true, st
	cfg, err := profile.LoadBeside(s.path, s.managed)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		err = nil // no file of the person's yet: IT's profiles, or none
	case err != nil:
		s.err = err
		return Changes{}, true, nil, s.errs()
	}
	s.err = nil
	next := map[string]*Session{}
	for _, name := range cfg.Names {
		p := cfg.Profiles[name]
		old, had := s.byName[name]
		if had && old.Profile().Same(p) {
			next[name] = old
			continue
		}
		if had {
			ch.Changed = append(ch.Changed, name)
		} else {
			ch.Added = append(ch.Added, name)
		}
		sess := NewSession(p, s.opts)
		next[name] = sess
		if s.keep != nil {
			fresh = append(fresh, sess)
		}
	}
	for _, name := range s.cfg.Names {
		if _, ok := cfg.Profiles[name]; !ok {
			ch.Removed = append(ch.Removed, name)
		}
	}
	for name, old := range s.byName {
		if next[name] != old {
			s.stop(old)
		}
	}
	s.cfg, s.byName = cfg, next
	return ch, true, fresh, s.errs()
}

func stampOf(path string) fileStamp {
	if path == "" {
		return fileStamp{}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{fi.ModTime(), fi.Size(), true}
}

// managedPath is the managed profile file machine policy names, or "".
func (s *Sessions) managedPath() string {
	if s.opts.Policy == nil {
		return ""
	}
	return s.opts.Policy.Profiles
}

// readManaged reads the managed profile file: a mistake in it keeps its
// last good profiles (IT fixes it, not the person), and is said. Callers
// hold s.mu.
func (s *Sessions) readManaged() {
	cfg, err := profile.LoadManaged(s.opts.Policy)
	if err != nil {
		s.managedErr = err
		return
	}
	s.managed, s.managedErr = cfg, nil
}

// errs is why the files as they are now cannot be used: the person's
// first, then IT's. Callers hold s.mu.
func (s *Sessions) errs() error {
	if s.err != nil {
		return s.err
	}
	return s.managedErr
}

// Managed is the managed profile file as it last read well (nil: none).
func (s *Sessions) Managed() *profile.Config {
	_, _ = s.Reload()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.managed
}

// Policy is the machine policy the sessions follow (nil: none).
func (s *Sessions) Policy() *policy.Policy { return s.opts.Policy }

// Keep runs every session's background refresh (Session.Run) from now
// until ctx ends, including those of profiles added later; a removed or
// changed profile's refresh stops. Each session has read the keychain
// before Keep or Reload returns, so no one sees it as Unknown.
func (s *Sessions) Keep(ctx context.Context) {
	s.mu.Lock()
	s.keep = ctx
	s.mu.Unlock()
	_, _ = s.Reload()
	// Sessions opened before Keep (by an earlier lookup) start too.
	for _, sess := range s.List() {
		sess.Look()
		s.mu.Lock()
		s.start(sess)
		s.mu.Unlock()
	}
	context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for sess := range s.runs {
			s.stop(sess)
		}
	})
}

// start runs sess in the background, once. Callers hold s.mu.
func (s *Sessions) start(sess *Session) {
	if _, ok := s.runs[sess]; ok || s.keep.Err() != nil || s.byName[sess.Profile().Name] != sess {
		return // running, no longer wanted, or replaced meanwhile
	}
	ctx, cancel := context.WithCancel(s.keep)
	s.runs[sess] = cancel
	go sess.Run(ctx)
	// Every state change of a kept session is a change of the whole.
	states, unsubscribe := sess.Subscribe()
	go func() {
		defer unsubscribe()
		for {
			select {
			case <-ctx.Done():
				return
			case <-states:
				s.signal()
			}
		}
	}()
}

// stop ends sess's background refresh. Callers hold s.mu.
func (s *Sessions) stop(sess *Session) {
	if cancel, ok := s.runs[sess]; ok {
		cancel()
		delete(s.runs, sess)
	}
}

// Running tells whether sess's background refresh runs (for tests and the
// debug log).
func (s *Sessions) Running(sess *Session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.runs[sess]
	return ok
}

// Config is the profile file as last read well (an empty one before the
// first read or when there is none), and why the file as it is now cannot
// be used, if it cannot.
func (s *Sessions) Config() (*profile.Config, error) {
	_, _ = s.Reload()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg, s.errs()
}

// Missing tells whether, at the last reload (Config, Session and Reload
// make one), there was no profile file at all: a first start.
func (s *Sessions) Missing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.stamp.ok
}

// Session is the session of the named profile ("" = the default one).
func (s *Sessions) Session(name string) (*Session, error) {
	if _, err := s.Reload(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.cfg.Profile(name)
	if err != nil {
		return nil, err
	}
	return s.byName[p.Name], nil
}

// List is the open sessions in file order.
func (s *Sessions) List() []*Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Session
	for _, name := range s.cfg.Names {
		if sess, ok := s.byName[name]; ok {
			out = append(out, sess)
		}
	}
	return out
}

// Subscribe signals on ch whenever something changed: the profile file,
// or the state of a kept session. Signals coalesce: one waiting signal
// stands for any number of changes. cancel stops them.
func (s *Sessions) Subscribe() (ch <-chan struct{}, cancel func()) {
	c := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs[c] = struct{}{}
	s.mu.Unlock()
	return c, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subs, c)
	}
}

func (s *Sessions) signal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}
