//go:build linux

package keychain

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tokentray/tokentray/auth/sealed"
	"github.com/tokentray/tokentray/internal/testkit"
)

// fakeSystem is a system keychain that fails every call with err, or (with
// block) never answers.
type fakeSystem struct {
	err   error
	block chan struct{}
	calls int
}

func (f *fakeSystem) call() error {
	f.calls++
	if f.block != nil {
		<-f.block
	}
	return f.err
}
func (f *fakeSystem) Get(string, string) (string, error) { return "", f.call() }
func (f *fakeSystem) Set(string, string, string) error   { return f.call() }
func (f *fakeSystem) Delete(string, string) error        { return f.call() }

// autoStore is NewStore's store over system, with its sealed files in a
// directory of the test's; their kernel key is forgotten afterwards.
func autoStore(t *testing.T, system Keyring) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state", "tokentray", "sealed")
	t.Cleanup(func() {
		if k, err := sealed.Open(dir); err == nil {
			_ = k.Forget()
		}
	})
	return &Store{Keyring: &autoKeyring{system: system, dir: dir}, Service: "tokentray", Timeout: time.Second, ChunkSize: 2000}, dir
}

// Where the Secret Service is absent — no session bus, a bus address where
// nothing listens, a bus without the service — records and secrets go to
// sealed files: one file per item, whole (no chunks), private, no token in
// clear, and the store says where. Where it is there but locked or silent,
// nothing is written anywhere and the keychain's error stands.
func TestAbsentKeychainMeansSealedFiles(t *testing.T) {
	testkit.RequireKernelKeyring(t)
	dial := &net.OpError{Op: "dial", Net: "unix", Err: os.NewSyscallError("connect", syscall.ENOENT)}
	refused := &net.OpError{Op: "dial", Net: "unix", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	cases := []struct {
		name   string
		err    error
		block  bool
		sealed string // why, in Describe; "" = not sealed
		want   string // in the error, when not sealed
	}{
		{"no session bus", errNoSessionBus, false, "(no D-Bus session bus)", ""},
		{"no bus at the address", dial, false, "(no D-Bus session bus listens at DBUS_SESSION_BUS_ADDRESS)", ""},
		{"a stale bus socket", refused, false, "(no D-Bus session bus listens at DBUS_SESSION_BUS_ADDRESS)", ""},
		{"no Secret Service on the bus", dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown", Body: []any{"The name org.freedesktop.secrets was not provided by any .service files"}}, false, "(no Secret Service on the D-Bus session bus)", ""},
		{"locked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), false, "", "the keychain is locked"},
		{"prompt dismissed", dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked", Body: []any{"Cannot create an item in a locked collection"}}, false, "", "locked"},
		{"silent", nil, true, "", "did not answer"},
	}
	rec := cognitoSized(1)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sys := &fakeSystem{err: c.err}
			if c.block {
				sys.block = make(chan struct{})
				defer close(sys.block)
			}
			s, dir := autoStore(t, sys)
			s.Timeout = 200 * time.Millisecond
			err := s.Save("work", rec)
			if c.sealed == "" {
				var ke *Error
				if !errors.As(err, &ke) || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("Save: %v; want a keychain Error saying %q", err, c.want)
				}
				if _, err := os.Stat(filepath.Dir(filepath.Dir(dir))); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a keychain that is there but %s made files: %v", c.name, err)
				}
				if _, _, ok := s.Sealed(); ok || s.Name() != Name {
					t.Errorf("settled on sealed files: %q", s.Name())
				}
				return
			}
			if err != nil {
				t.Fatalf("Save: %v", err)
			}
			if err := s.SetSecret("work", "v1:b", "the-client-secret"); err != nil {
				t.Fatal(err)
			}
			got, err := s.Load("work")
			if err != nil || got.RefreshToken != rec.RefreshToken || got.AccessToken != rec.AccessToken || got.Name != rec.Name {
				t.Fatalf("the record did not round-trip (%v)", err)
			}
			if v, err := s.Secret("work", "v1:b"); err != nil || v != "the-client-secret" {
				t.Fatalf("secret: %v", err)
			}
			calls := sys.calls
			if _, err := s.Load("work"); err != nil || sys.calls != calls {
				t.Errorf("after settling, the system keychain was asked again (%d calls), %v", sys.calls-calls, err)
			}
			if want := "a sealed file (no desktop keychain; key in the kernel keyring)"; s.Name() != want {
				t.Errorf("Name = %q, want %q", s.Name(), want)
			}
			if err := s.Probe(); err != nil {
				t.Errorf("Probe: %v", err)
			}
			if d := s.Describe(); !strings.Contains(d, c.sealed) || !strings.Contains(d, dir) || !strings.Contains(d, "kernel persistent keyring") {
				t.Errorf("Describe: %s", d)
			}
			// One file for the record (a Cognito-sized one, which keychains
			// split), one for the secret; private; nothing in clear.
			fi, err := os.Stat(dir)
			if err != nil || fi.Mode().Perm() != 0o700 {
				t.Errorf("directory %v, %v; want 0700", fi.Mode().Perm(), err)
			}
			var items []string
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				info, _ := e.Info()
				if info.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, want 0600", e.Name(), info.Mode().Perm())
				}
				data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				for _, secret := range []string{rec.AccessToken[:40], rec.RefreshToken[:40], "the-client-secret", "zoe@example.com"} {
					if bytes.Contains(data, []byte(secret)) {
						t.Errorf("%s holds %.12s… in clear", e.Name(), secret)
					}
				}
				if strings.HasSuffix(e.Name(), ".sealed") {
					items = append(items, e.Name())
				}
			}
			if want := "tokentray+work%2Fclient_secret.sealed tokentray+work.sealed"; strings.Join(items, " ") != want {
				t.Errorf("sealed files %q, want %q", items, want)
			}
			if err := s.Delete("work"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Load("work"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Load after Delete: %v", err)
			}
			if err := s.Delete("work"); !errors.Is(err, ErrNotFound) {
				t.Errorf("a second Delete: %v, want ErrNotFound", err)
			}
		})
	}
}

// Once the system keychain has answered, a process keeps to it: a later
// failure, even one that looks like absence, is an error, never a switch
// to files that would hide its sign-ins.
func TestSettledOnTheSystemKeychain(t *testing.T) {
	kr := NewMemory(0)
	sys := &switchable{Keyring: kr}
	s, dir := autoStore(t, sys)
	if _, err := s.Load("work"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load: %v", err)
	}
	sys.err = errNoSessionBus
	if err := s.Save("work", &Record{AccessToken: "a"}); err == nil || !strings.Contains(err.Error(), "no D-Bus session") {
		t.Errorf("Save after the keychain went away: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("sealed files were made: %v", err)
	}
}

type switchable struct {
	Keyring
	err error
}

func (s *switchable) Get(service, user string) (string, error) {
	if s.err != nil {
		return "", s.err
	}
	return s.Keyring.Get(service, user)
}

func (s *switchable) Set(service, user, v string) error {
	if s.err != nil {
		return s.err
	}
	return s.Keyring.Set(service, user, v)
}

// A passphrase store not unlocked since the restart: a sign-in is not
// started (Ready), reads and writes fail with the next step, and
// nothing is lost; unlocked, the record is there again.
func TestLockedSealedFiles(t *testing.T) {
	testkit.RequireKernelKeyring(t)
	s, dir := autoStore(t, &fakeSystem{err: errNoSessionBus})
	k, err := sealed.Setup(dir, sealed.ModePassphrase, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save("work", cognitoSized(1)); err != nil {
		t.Fatal(err)
	}
	if err := k.Forget(); err != nil { // as a restart does
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"Ready": s.Ready,
		"Probe": s.Probe,
		"Load":  func() error { _, err := s.Load("work"); return err },
		"Save":  func() error { return s.Save("work", cognitoSized(2)) },
	} {
		err := call()
		var ke *Error
		if !errors.As(err, &ke) || ke.Fix != "Run `tokentray unlock` and type the passphrase." || !strings.Contains(err.Error(), dir) {
			t.Errorf("%s: %v (fix %q); want a keychain Error naming the files and `tokentray unlock`", name, err, fixOf(ke))
		}
	}
	if err := k.Unlock("correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Load("work"); err != nil || got.RefreshToken != cognitoSized(1).RefreshToken {
		t.Errorf("after unlock: %v", err)
	}
	if want := "a sealed file (no desktop keychain; key under your passphrase)"; s.Name() != want {
		t.Errorf("Name = %q, want %q", s.Name(), want)
	}
}

func fixOf(e *Error) string {
	if e == nil {
		return ""
	}
	return e.Fix
}
