package keychain

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tokentray/tokentray/auth/sealed"
	"github.com/tokentray/tokentray/words"
)

// Where no desktop keychain answers — an SSH server, a container, WSL, a
// desktop without a Secret Service — the store keeps records and secrets in
// files sealed with a data key (auth/sealed), one per item, under the same
// Store: the same record format, the same bounds on every call, the same
// profile locks and the same rotation-first saves. A keychain that is there
// but locked, or does not answer, is not absent: that stays an error, so
// that a sign-in kept in it is never shadowed by a file.

// SealedFilesDir is the directory of the sealed files:
// $XDG_STATE_HOME/tokentray/sealed, else ~/.local/state/tokentray/sealed.
func SealedFilesDir() (string, error) {
	base := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(base) { // the XDG spec: a relative one is to be ignored
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the home directory for the sealed files: %w", err)
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "tokentray", "sealed"), nil
}

// SealedStore is a Store on the sealed files in dir, whatever keychain
// answers: for tests and tools that look at what a machine without one
// keeps.
func SealedStore(dir string) *Store {
	return &Store{Keyring: &fileKeyring{dir: dir}, Service: "tokentray", Timeout: 3 * time.Second, ChunkSize: 2000}
}

// The optional parts of a Keyring that the store asks for when present.
type (
	// itemLimiter: the largest value one item holds, where it is not
	// Store.ChunkSize (0: no opinion).
	itemLimiter interface{ itemLimit() int }
	// namer: where the keyring keeps things, in words (Store.Name).
	namer interface{ name() string }
	// explainer words a failure of its own: where, what happened and what
	// to do (ok false: not one of its own).
	explainer interface {
		explain(err error) (where, hint, fix string, ok bool)
	}
	// readier: whether it can be used now, beyond answering a read (a
	// locked passphrase store answers "not found" for items it lacks).
	readier interface{ ready() error }
)

// choice is the keyring an autoKeyring settled on.
type choice int

const (
	undecided choice = iota
	useSystem
	useSealed
)

// autoKeyring is the system keychain, or the sealed files where the system
// keychain is absent. It settles once per process, on the first answer: the
// system keychain answering (an item or "not found") keeps it for good; the
// system keychain found absent switches to the sealed files for good. A
// locked or silent keychain settles nothing.
type autoKeyring struct {
	system Keyring
	// dir is the sealed files' directory ("": SealedFilesDir, when needed).
	dir string

	mu   sync.Mutex
	use  choice
	why  string // why the system keychain is not used, in words
	file *fileKeyring
}

func (a *autoKeyring) Get(service, user string) (string, error) {
	var v string
	err := a.do(func(kr Keyring) (err error) {
		v, err = kr.Get(service, user)
		return err
	})
	return v, err
}

func (a *autoKeyring) Set(service, user, value string) error {
	return a.do(func(kr Keyring) error { return kr.Set(service, user, value) })
}

func (a *autoKeyring) Delete(service, user string) error {
	return a.do(func(kr Keyring) error { return kr.Delete(service, user) })
}

// do runs call on the keyring settled on, settling where it can.
func (a *autoKeyring) do(call func(Keyring) error) error {
	a.mu.Lock()
	use, file := a.use, a.file
	a.mu.Unlock()
	if use == useSealed {
		return call(file)
	}
	err := call(a.system)
	if use == useSystem {
		return err
	}
	why, absent := keychainAbsent(err)
	if !absent {
		if err == nil || errors.Is(err, keyring.ErrNotFound) || errors.Is(err, ErrNotFound) {
			a.settle(useSystem, "")
		}
		return err
	}
	file, serr := a.settle(useSealed, why)
	switch {
	case serr != nil:
		return serr
	case file == nil: // the system keychain answered another call meanwhile, and stays
		return err
	}
	return call(file)
}

// settle makes the choice, unless one was made meanwhile (which stands),
// and returns the sealed files if that is the choice.
func (a *autoKeyring) settle(use choice, why string) (*fileKeyring, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.use != undecided {
		return a.file, nil
	}
	if use == useSealed {
		dir := a.dir
		if dir == "" {
			var err error
			if dir, err = SealedFilesDir(); err != nil {
				return nil, err
			}
		}
		a.file = &fileKeyring{dir: dir}
	}
	a.use, a.why = use, why
	return a.file, nil
}

// sealedFiles is the sealed files, once settled on them.
func (a *autoKeyring) sealedFiles() (*fileKeyring, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.file, a.why
}

func (a *autoKeyring) itemLimit() int {
	if f, _ := a.sealedFiles(); f != nil {
		return f.itemLimit()
	}
	return 0
}

func (a *autoKeyring) name() string {
	if f, _ := a.sealedFiles(); f != nil {
		return f.name()
	}
	return Name
}

func (a *autoKeyring) explain(err error) (string, string, string, bool) {
	if f, _ := a.sealedFiles(); f != nil {
		return f.explain(err)
	}
	return "", "", "", false
}

func (a *autoKeyring) ready() error {
	if f, _ := a.sealedFiles(); f != nil {
		return f.ready()
	}
	return nil
}

// fileKeyring is the sealed files in dir, set up (with the data key in the
// kernel keyring) on the first write.
type fileKeyring struct {
	dir string

	mu sync.Mutex
	k  *sealed.Keyring
}

// open opens the store, or with create sets it up where it is not yet; an
// error wrapping sealed.ErrNotSetUp otherwise.
func (f *fileKeyring) open(create bool) (*sealed.Keyring, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.k != nil {
		return f.k, nil
	}
	open := sealed.Open
	if create {
		open = sealed.Create
	}
	k, err := open(f.dir)
	if err != nil {
		return nil, err
	}
	f.k = k
	return k, nil
}

func (f *fileKeyring) Get(service, user string) (string, error) {
	k, err := f.open(false)
	if err != nil {
		return "", notFound(err)
	}
	v, err := k.Get(service, user)
	return v, notFound(err)
}

func (f *fileKeyring) Set(service, user, value string) error {
	k, err := f.open(true)
	if err != nil {
		return err
	}
	return k.Set(service, user, value)
}

func (f *fileKeyring) Delete(service, user string) error {
	k, err := f.open(false)
	if err != nil {
		return notFound(err)
	}
	return notFound(k.Delete(service, user))
}

// notFound is err, as ErrNotFound where the sealed files have no such item
// (or no store at all, or lost the data key it was sealed with).
func notFound(err error) error {
	if errors.Is(err, sealed.ErrNotFound) || errors.Is(err, sealed.ErrNotSetUp) {
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	return err
}

// itemLimit: a file holds a record of any size, so one profile's record is
// one file.
func (f *fileKeyring) itemLimit() int { return 1 << 30 }

// mode is where the data key is kept; ModeKernel where nothing is set up
// yet, as the first sign-in sets it up.
func (f *fileKeyring) mode() sealed.Mode {
	if k, err := f.open(false); err == nil {
		return k.Mode()
	}
	return sealed.ModeKernel
}

func (f *fileKeyring) name() string {
	switch f.mode() {
	case sealed.ModePassphrase:
		return nameSealedPass
	case sealed.ModeInsecure:
		return nameInsecure
	}
	return nameSealed
}

func (f *fileKeyring) explain(err error) (string, string, string, bool) {
	where := "the sealed files in " + f.dir
	switch {
	case errors.Is(err, ErrNoAnswer):
		return where, "they could not be read or written within seconds; is the disk (or a network home directory) hanging?", "", true
	case errors.Is(err, sealed.ErrLocked):
		return where, "their data key is under your passphrase, and it has not been typed since the last restart", words.T("Run `tokentray unlock` and type the passphrase."), true
	case errors.Is(err, sealed.ErrNoKernelKeyring):
		return where, "no desktop keychain answers here, and the kernel keyring, which would hold their data key, cannot be used either",
			words.T("Allow keyctl where tokentray runs (a container's seccomp profile must permit add_key and keyctl), or run it where a desktop keychain answers."), true
	}
	return where, "they cannot be used", "", true
}

func (f *fileKeyring) ready() error {
	k, err := f.open(false)
	switch {
	case errors.Is(err, sealed.ErrNotSetUp):
		return sealed.CheckKernel() // the first sign-in sets it up with the kernel keyring
	case err != nil:
		return err
	}
	return k.Ready()
}

// Sealed is the sealed store this Store keeps its items in, when it is
// settled on one (where no desktop keychain answers): ok false otherwise.
// why says why no desktop keychain is used. Call Probe first to settle.
func (s *Store) Sealed() (dir, why string, ok bool) {
	switch kr := s.Keyring.(type) {
	case *fileKeyring:
		return kr.dir, "", true
	case *autoKeyring:
		if f, why := kr.sealedFiles(); f != nil {
			return f.dir, why, true
		}
	}
	return "", "", false
}

// Insecure tells whether the store keeps sign-ins in files whose data key
// lies beside them in plain text (`tokentray unlock --insecure-store`).
// Call Probe first to settle.
func (s *Store) Insecure() bool {
	f := s.files()
	return f != nil && f.mode() == sealed.ModeInsecure
}

// files is the sealed files the store settled on, or nil.
func (s *Store) files() *fileKeyring {
	switch kr := s.Keyring.(type) {
	case *fileKeyring:
		return kr
	case *autoKeyring:
		f, _ := kr.sealedFiles()
		return f
	}
	return nil
}

// Describe says where the store keeps sign-ins, why there and what that
// protects against, in a sentence or three for `tokentray doctor`, in the
// language in use. Call Probe first to settle.
func (s *Store) Describe() string {
	dir, why, ok := s.Sealed()
	if !ok {
		return words.T("{store} answers", "store", Said(Name))
	}
	f := s.files()
	var head string
	switch insecure := f.mode() == sealed.ModeInsecure; {
	case insecure && why != "":
		head = words.T("No desktop keychain answers here ({why}), so sign-ins are kept in files in {dir} that are NOT sealed (--insecure-store).", "why", Said(why), "dir", dir)
	case insecure:
		head = words.T("No desktop keychain answers here, so sign-ins are kept in files in {dir} that are NOT sealed (--insecure-store).", "dir", dir)
	case why != "":
		head = words.T("No desktop keychain answers here ({why}), so sign-ins are kept in sealed files in {dir}.", "why", Said(why), "dir", dir)
	default:
		head = words.T("No desktop keychain answers here, so sign-ins are kept in sealed files in {dir}.", "dir", dir)
	}
	k, err := f.open(false)
	if err != nil {
		return head + " " + words.T("None is kept yet; the first sign-in seals it with a new data key in your kernel keyring, which forgets it at every restart (`tokentray unlock --help`: a passphrase keeps sign-ins across restarts).")
	}
	return head + " " + k.Describe()
}
