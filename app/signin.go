package app

import (
	"context"
	"errors"
	"sync"

	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/browse"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/server"
)

// signIns are the browser sign-ins the tray runs, one per profile at most,
// and how the latest of each went: the sign-in window shows it.
type signIns struct {
	mu   sync.Mutex
	runs map[string]*signInRun
}

type signInRun struct {
	cancel context.CancelFunc
	view   control.SignInView
}

// begin registers a sign-in of profile, cancelling a waiting one (it holds
// the callback port).
func (s *signIns) begin(profile string, cancel context.CancelFunc) *signInRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runs == nil {
		s.runs = map[string]*signInRun{}
	}
	if old := s.runs[profile]; old != nil && old.view.Active {
		old.cancel()
	}
	run := &signInRun{cancel: cancel, view: control.SignInView{Active: true}}
	s.runs[profile] = run
	return run
}

// update changes run's view.
func (s *signIns) update(run *signInRun, f func(*control.SignInView)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&run.view)
}

// cancel stops the waiting sign-in of profile ("" = all) and tells
// whether one waited.
func (s *signIns) cancel(profile string) (stopped bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, run := range s.runs {
		if (profile == "" || name == profile) && run.view.Active {
			run.cancel()
			stopped = true
		}
	}
	return stopped
}

// decorate puts each profile's latest sign-in into v.
func (s *signIns) decorate(v *control.View) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range v.Profiles {
		if run := s.runs[p.Name]; run != nil {
			v.Profiles[i].SignIn = run.view
		}
	}
}

// SignIn starts a browser sign-in at once and, with show, shows the
// sign-in window: what "Sign in…" in the menu and the sign-in
// notification do. The sign-in window's own button asks without show: a
// raise of the window that asked could only come late, as it closed, and
// open it again.
func (r *Resident) SignIn(profile string, show bool) {
	r.startSignIn(profile)
	if show {
		r.windows.open("signin", profile)
	}
}

// startSignIn starts a browser sign-in in the background.
func (r *Resident) startSignIn(profile string) {
	go func() {
		if _, err := r.Login(r.ctx, profile, control.LoginOptions{}); err != nil {
			r.log.Info("sign-in did not finish", "profile", profile, "err", err)
		}
	}()
}

// CancelSignIn stops the waiting sign-in of profile, and tells whether
// one waited.
func (r *Resident) CancelSignIn(profile string) bool { return r.signIns.cancel(profile) }

// CopySignInLink puts the waiting sign-in's address of profile on the
// clipboard, or its code when it waits for a code entered elsewhere.
func (r *Resident) CopySignInLink(profile string) error {
	p, _ := r.View().Profile(profile)
	switch {
	case p.SignIn.Device != nil:
		// A user code alone signs no one in: the person must too.
		return r.clip.Copy(p.SignIn.Device.UserCode, 0)
	case p.SignIn.URL == "":
		return errors.New("no sign-in is waiting")
	}
	// The address is no secret (PKCE keeps the verifier here).
	return r.clip.Copy(p.SignIn.URL, 0)
}

// OpenSignInPage opens the waiting sign-in's page of profile: the device
// code's page, or the browser sign-in's address.
func (r *Resident) OpenSignInPage(profile string) error {
	p, ok := r.View().Profile(profile)
	if !ok {
		return errors.New("no sign-in is waiting")
	}
	u := p.SignIn.URL
	if d := p.SignIn.Device; d != nil {
		u = d.Page()
	}
	s, err := r.sessions.Session(p.Name)
	if u == "" || err != nil {
		return errors.New("no sign-in is waiting")
	}
	return openIn(s.Profile(), u)
}

// Login runs one sign-in of the tray's, from the menu, a window or the
// command line, and shows its progress.
func (r *Resident) Login(ctx context.Context, profile string, o control.LoginOptions) (control.LoginResult, error) {
	s, err := r.sessions.Session(profile)
	if err != nil {
		return control.LoginResult{}, err
	}
	name := s.Profile().Name
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run := r.signIns.begin(name, cancel)
	r.changed()
	open := o.Open
	if open == nil {
		open = func(u string) error { return openIn(s.Profile(), u) }
	}
	res, err := r.srv.SignIn(ctx, name, control.LoginOptions{Flow: o.Flow, Timeout: o.Timeout,
		Open: func(u string) error {
			err := open(u)
			r.signIns.update(run, func(v *control.SignInView) { v.URL, v.NoBrowser = u, err != nil })
			r.changed()
			return err
		},
		Device: func(d control.DeviceCode) {
			r.signIns.update(run, func(v *control.SignInView) { v.Device = &d })
			r.changed()
			if o.Device != nil {
				o.Device(d)
			} else {
				// The tray's own sign-in: the page opens as a browser
				// sign-in's would; the window shows the code.
				_ = r.OpenSignInPage(name)
			}
		},
	})
	r.signIns.update(run, func(v *control.SignInView) {
		*v = control.SignInView{Done: err == nil}
		if err != nil {
			v.Err = server.ErrorFor(err, name)
		}
	})
	r.changed()
	return res, err
}

// openIn opens u in the browser p names (only as installed: see
// browse.Browser), else the system's.
func openIn(p *profile.Profile, u string) error {
	argv, err := p.BrowserArgv(u)
	if err != nil {
		return err
	}
	return browse.Browser(u, argv)
}
