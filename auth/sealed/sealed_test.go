package sealed

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

const service = "tokentray"

// isolate gives the test a quick passphrase work factor and returns a
// store directory that does not exist yet; the kernel key of the store
// made there (its own: the store's id names it) is forgotten afterwards.
func isolate(t testing.TB) string {
	t.Helper()
	oldN := scryptLogN
	scryptLogN = 10
	dir := filepath.Join(t.TempDir(), "store")
	t.Cleanup(func() {
		if k, err := Open(dir); err == nil {
			_ = k.Forget()
		}
		scryptLogN = oldN
	})
	return dir
}

// modesHere are the modes that work on this machine.
func modesHere(t *testing.T) []Mode {
	modes := []Mode{ModeInsecure, ModePassphrase}
	if _, err := kernelGet("tokentray-test:probe"); err == nil {
		modes = append(modes, ModeKernel)
	} else {
		t.Logf("no kernel keyring here, so ModeKernel is not tested: %v", err)
	}
	return modes
}

func setup(t testing.TB, mode Mode) *Keyring {
	t.Helper()
	pass := ""
	if mode == ModePassphrase {
		pass = "correct horse battery staple"
	}
	k, err := Setup(isolate(t), mode, pass)
	if err != nil {
		t.Fatalf("Setup(%s): %v", mode, err)
	}
	return k
}

func mustGet(t *testing.T, k *Keyring, user, want string) {
	t.Helper()
	if got, err := k.Get(service, user); err != nil || got != want {
		t.Fatalf("Get(%s) = %.40q, %v; want %.40q", user, got, err, want)
	}
}

func TestRoundTrip(t *testing.T) {
	big := strings.Repeat("eyJhbGciOiJSUzI1NiJ9.", 50_000) // 1 MB
	for _, mode := range modesHere(t) {
		t.Run(string(mode), func(t *testing.T) {
			k := setup(t, mode)
			if _, err := k.Get(service, "work"); !errors.Is(err, ErrNotFound) || errors.Is(err, ErrKeyLost) {
				t.Fatalf("Get before Set: %v, want ErrNotFound", err)
			}
			for _, v := range []string{"first", "", "second, ünïcødé", big} {
				if err := k.Set(service, "work", v); err != nil {
					t.Fatal(err)
				}
				mustGet(t, k, "work", v)
			}
			if err := k.Set(service, "work/client_secret", "s3cret"); err != nil {
				t.Fatal(err)
			}
			if err := k.Delete(service, "work"); err != nil {
				t.Fatal(err)
			}
			if _, err := k.Get(service, "work"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get after Delete: %v, want ErrNotFound", err)
			}
			if err := k.Delete(service, "work"); !errors.Is(err, ErrNotFound) {
				t.Errorf("second Delete: %v, want ErrNotFound", err)
			}
			mustGet(t, k, "work/client_secret", "s3cret")
			// Another process of the user finds the same items.
			other, err := Open(k.dir)
			if err != nil {
				t.Fatal(err)
			}
			mustGet(t, other, "work/client_secret", "s3cret")
			if other.Mode() != mode {
				t.Errorf("Open: mode %s, want %s", other.Mode(), mode)
			}
		})
	}
}

func TestSealedItemOpensOnlyAsItself(t *testing.T) {
	k := setup(t, ModeInsecure)
	if err := k.Set(service, "work", "the-work-token"); err != nil {
		t.Fatal(err)
	}
	work, _ := k.itemPath(service, "work")
	orig, err := os.ReadFile(work)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(orig)
		b[(i+len(b))%len(b)] ^= 1
		return b
	}
	cases := []struct {
		name          string
		service, user string // where the file is put
		data          []byte
		want          string // in the error
		wantLost      bool
	}{
		{"renamed to another profile", service, "home", orig, "cannot be opened", false},
		{"renamed to the profile's client secret", service, "work/client_secret", orig, "cannot be opened", false},
		{"moved to another service", "other", "work", orig, "cannot be opened", false},
		{"version byte changed", service, "work", flip(0), "not one this version", false},
		{"key id changed", service, "work", flip(1), "data key is gone", true},
		{"nonce changed", service, "work", flip(9), "cannot be opened", false},
		{"sealed text changed", service, "work", flip(40), "cannot be opened", false},
		{"tag changed", service, "work", flip(-1), "cannot be opened", false},
		{"cut short", service, "work", orig[:20], "cannot be opened", false},
		{"empty", service, "work", nil, "not one this version", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, _ := k.itemPath(c.service, c.user)
			if err := os.WriteFile(path, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.WriteFile(work, orig, 0o600) })
			got, err := k.Get(c.service, c.user)
			if err == nil || !strings.Contains(err.Error(), c.want) || errors.Is(err, ErrKeyLost) != c.wantLost {
				t.Fatalf("Get = %q, %v; want an error saying %q (ErrKeyLost: %t)", got, err, c.want, c.wantLost)
			}
			if strings.Contains(err.Error(), "the-work-token") {
				t.Errorf("the error quotes the token: %v", err)
			}
		})
	}
}

func TestFilesAreSealedAndPrivate(t *testing.T) {
	const token = "ya29.a0AfB_byC-the-access-token-itself"
	for _, mode := range modesHere(t) {
		t.Run(string(mode), func(t *testing.T) {
			k := setup(t, mode)
			for _, user := range []string{"work", "work/client_secret", "Work/a/0"} {
				if err := k.Set(service, user, token); err != nil {
					t.Fatal(err)
				}
			}
			key, err := k.dataKey()
			if err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(k.dir)
			if err != nil {
				t.Fatal(err)
			}
			if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
				t.Errorf("directory mode %v, want 0700", fi.Mode().Perm())
			}
			files, _ := os.ReadDir(k.dir)
			for _, f := range files {
				if strings.HasSuffix(f.Name(), ".tmp") {
					t.Errorf("a temporary file is left behind: %s", f.Name())
				}
				info, _ := f.Info()
				if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, want 0600", f.Name(), info.Mode().Perm())
				}
				data, _ := os.ReadFile(filepath.Join(k.dir, f.Name()))
				if bytes.Contains(data, []byte(token)) || bytes.Contains(data, []byte("the-access-token")) {
					t.Errorf("%s holds the token in clear", f.Name())
				}
				if f.Name() != insecureFile && bytes.Contains(data, key) {
					t.Errorf("%s holds the data key in clear", f.Name())
				}
			}
		})
	}
}

func TestRefusesADirectoryOthersControl(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows directories are protected by access lists, not mode bits")
	}
	cases := []struct {
		name  string
		spoil func(dir string) error
		want  string
	}{
		{"group-writable", func(dir string) error { return os.Chmod(dir, 0o770) }, "others may write"},
		{"world-writable", func(dir string) error { return os.Chmod(dir, 0o703) }, "others may write"},
		{"another user's", func(dir string) error {
			if os.Getuid() != 0 {
				return errors.ErrUnsupported
			}
			return os.Chown(dir, 12345, 12345)
		}, "belongs to another user"},
		{"a file", func(dir string) error {
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
			return os.WriteFile(dir, nil, 0o600)
		}, "not a directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := setup(t, ModeInsecure)
			if err := c.spoil(k.dir); errors.Is(err, errors.ErrUnsupported) {
				t.Skip("needs root to give the directory to another user")
			} else if err != nil {
				t.Fatal(err)
			}
			if _, err := Open(k.dir); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Open: %v; want an error saying %q", err, c.want)
			}
			if _, err := Setup(k.dir, ModeInsecure, ""); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Setup: %v; want an error saying %q", err, c.want)
			}
		})
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none")); !errors.Is(err, ErrNotSetUp) {
		t.Errorf("Open of a missing directory: %v, want ErrNotSetUp", err)
	}
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNotSetUp) {
		t.Errorf("Open of an empty directory: %v, want ErrNotSetUp", err)
	}
}

func TestItemFileNames(t *testing.T) {
	k := &Keyring{dir: "/state/store"}
	cases := []struct{ service, user, want string }{
		{"tokentray", "work", "tokentray+work.sealed"},
		{"tokentray", "work/client_secret", "tokentray+work%2Fclient_secret.sealed"},
		{"tokentray", "work/a/12", "tokentray+work%2Fa%2F12.sealed"},
		{"tokentray", "Work", "tokentray+%57ork.sealed"},
		{"tokentray", "..", "tokentray+...sealed"},
		{"tokentray", "../../etc/passwd", "tokentray+..%2F..%2Fetc%2Fpasswd.sealed"},
		{"tokentray", `..\..\x`, "tokentray+..%5C..%5Cx.sealed"},
		{"tokentray", "a+b", "tokentray+a%2Bb.sealed"},
		{"tokentray+a", "b", "tokentray%2Ba+b.sealed"},
		{"tokentray", "%2F", "tokentray+%252%46.sealed"},
		{"tokentray", "\x00é", "tokentray+%00%C3%A9.sealed"},
	}
	seen := map[string]string{}
	for _, c := range cases {
		t.Run(c.user, func(t *testing.T) {
			path, err := k.itemPath(c.service, c.user)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Dir(path) != k.dir || filepath.Base(path) != c.want {
				t.Errorf("file %q, want %q in %s", path, c.want, k.dir)
			}
			// Distinct even on a disk that ignores case.
			if prev, ok := seen[strings.ToLower(path)]; ok {
				t.Errorf("%q and %q share a file", prev, c.service+" "+c.user)
			}
			seen[strings.ToLower(path)] = c.service + " " + c.user
		})
	}
	if _, err := k.itemPath(service, strings.Repeat("x", 300)); err == nil {
		t.Error("a 300-byte name was accepted")
	}
}

func TestInsecure(t *testing.T) {
	k := setup(t, ModeInsecure)
	if err := k.Set(service, "work", "tok"); err != nil {
		t.Fatal(err)
	}
	if d := k.Describe(); !strings.Contains(d, "anyone who can read "+k.dir+" can read the tokens") {
		t.Errorf("Describe does not say plainly what this mode means: %s", d)
	}
	if _, err := os.Stat(filepath.Join(k.dir, insecureFile)); err != nil {
		t.Error(err)
	}
}

func TestPassphrase(t *testing.T) {
	const pass = "correct horse battery staple"
	k := setup(t, ModePassphrase)
	if err := k.Set(service, "work", "tok"); err != nil {
		t.Fatal(err)
	}
	wrapped, err := os.ReadFile(filepath.Join(k.dir, wrappedFile))
	if err != nil {
		t.Fatal(err)
	}
	key, err := k.dataKey()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(wrapped, key) {
		t.Fatal("the passphrase-sealed key file holds the key in clear")
	}
	restart(t, k) // as at boot: nothing is unlocked

	later, err := Open(k.dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := later.Get(service, "work"); !errors.Is(err, ErrLocked) {
		t.Fatalf("Get while locked: %v, want ErrLocked", err)
	}
	if err := later.Set(service, "work", "x"); !errors.Is(err, ErrLocked) {
		t.Fatalf("Set while locked: %v, want ErrLocked", err)
	}
	if err := later.SetPassphrase("new"); !errors.Is(err, ErrLocked) {
		t.Fatalf("SetPassphrase while locked: %v, want ErrLocked", err)
	}
	if err := later.Unlock("correct horse battery stapler"); err == nil || !strings.Contains(err.Error(), "passphrase does not open") {
		t.Fatalf("Unlock with a wrong passphrase: %v", err)
	}
	if _, err := later.Get(service, "work"); !errors.Is(err, ErrLocked) {
		t.Fatalf("Get after a wrong passphrase: %v, want ErrLocked", err)
	}
	if err := later.Unlock(pass); err != nil {
		t.Fatal(err)
	}
	mustGet(t, later, "work", "tok")

	if err := later.SetPassphrase("new words"); err != nil {
		t.Fatal(err)
	}
	restart(t, later)
	if err := later.Unlock(pass); err == nil {
		t.Error("the old passphrase still opens the key")
	}
	if err := later.Unlock("new words"); err != nil {
		t.Fatal(err)
	}
	mustGet(t, later, "work", "tok")

	restart(t, later)
	if _, err := Setup(k.dir, ModePassphrase, "wrong"); err == nil || !strings.Contains(err.Error(), "passphrase does not open") {
		t.Errorf("Setup with a wrong passphrase over a locked store: %v", err)
	}
	if _, err := Setup(k.dir, ModePassphrase, "new words"); err != nil {
		t.Errorf("Setup with the right passphrase over a locked store: %v", err)
	}
	mustGet(t, later, "work", "tok")
}

func TestPassphraseWithoutKernelKeyring(t *testing.T) {
	blockKernel(t)
	k := setup(t, ModePassphrase)
	if err := k.Set(service, "work", "tok"); err != nil {
		t.Fatal(err)
	}
	if d := k.Describe(); !strings.Contains(d, "in this process only") {
		t.Errorf("Describe does not say the key is kept in this process only: %s", d)
	}
	later, err := Open(k.dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := later.Get(service, "work"); !errors.Is(err, ErrLocked) {
		t.Fatalf("Get in another process: %v, want ErrLocked", err)
	}
	if err := later.Unlock("correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	mustGet(t, later, "work", "tok")
}

func TestSetupMovesTheKey(t *testing.T) {
	k := setup(t, ModeInsecure)
	if err := k.Set(service, "work", "tok"); err != nil {
		t.Fatal(err)
	}
	type step struct {
		mode Mode
		pass string
	}
	steps := []step{{ModePassphrase, "p"}, {ModeInsecure, ""}, {ModePassphrase, "q"}, {ModeInsecure, ""}}
	if kernelHere() {
		steps = append(steps, step{ModeKernel, ""}, step{ModePassphrase, "r"}, step{ModeKernel, ""})
	}
	for i, s := range steps {
		t.Run(fmt.Sprintf("%d-%s", i, s.mode), func(t *testing.T) {
			if _, err := Setup(k.dir, s.mode, s.pass); err != nil {
				t.Fatal(err)
			}
			// k was opened in another mode, as a running tray would be.
			mustGet(t, k, "work", "tok")
			if err := k.Set(service, "home", "tok2"); err != nil {
				t.Fatal(err)
			}
			if k.Mode() != s.mode {
				t.Errorf("mode %s, want %s", k.Mode(), s.mode)
			}
			for name, want := range map[string]bool{insecureFile: s.mode == ModeInsecure, wrappedFile: s.mode == ModePassphrase} {
				if _, err := os.Stat(filepath.Join(k.dir, name)); (err == nil) != want {
					t.Errorf("%s present: %t, want %t", name, err == nil, want)
				}
			}
		})
	}
}

func TestSetupRefuses(t *testing.T) {
	dir := isolate(t)
	cases := []struct {
		name string
		mode Mode
		pass string
		want string
	}{
		{"unknown mode", "plain", "", "unknown way"},
		{"passphrase mode with no passphrase", ModePassphrase, "", "needs a passphrase"},
		{"a passphrase with another mode", ModeInsecure, "p", "used only"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Setup(dir, c.mode, c.pass); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Setup: %v, want an error saying %q", err, c.want)
			}
		})
	}
	t.Run("leaving a locked passphrase store", func(t *testing.T) {
		k := setup(t, ModePassphrase)
		restart(t, k)
		if _, err := Setup(k.dir, ModeInsecure, ""); !errors.Is(err, ErrLocked) {
			t.Errorf("Setup: %v, want ErrLocked", err)
		}
	})
}

// TestOneKeyWhenRacing: processes (here, Keyring values) that all find no
// data key and make one at the same moment must end with a single key.
func TestOneKeyWhenRacing(t *testing.T) {
	modes := []Mode{ModeInsecure}
	if kernelHere() {
		modes = append(modes, ModeKernel)
	}
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			k := setup(t, mode)
			for round := range 30 {
				restart(t, k)
				_ = os.Remove(filepath.Join(k.dir, insecureFile))
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range 8 {
					other, err := Open(k.dir)
					if err != nil {
						t.Fatal(err)
					}
					wg.Go(func() {
						<-start
						if err := other.Set(service, fmt.Sprint(i), "tok"); err != nil {
							t.Error(err)
						}
					})
				}
				close(start)
				wg.Wait()
				for i := range 8 {
					if _, err := k.Get(service, fmt.Sprint(i)); err != nil {
						t.Fatalf("round %d: %v", round, err)
					}
				}
			}
		})
	}
}

func TestLeavesNothingRunning(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, mode := range modesHere(t) {
		k := setup(t, mode)
		_ = k.Set(service, "work", "tok")
		_, _ = k.Get(service, "work")
		_ = k.Describe()
		_ = k.Delete(service, "work")
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines before, %d after", before, after)
	}
}

func BenchmarkGet(b *testing.B) {
	token := strings.Repeat("x", 4000) // a Cognito-sized record
	for _, mode := range []Mode{ModeKernel, ModePassphrase, ModeInsecure} {
		b.Run(string(mode), func(b *testing.B) {
			if mode == ModeKernel && !kernelHere() {
				b.Skip("no kernel keyring here")
			}
			k := setup(b, mode)
			if err := k.Set(service, "work", token); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Get(service, "work"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func kernelHere() bool {
	_, err := kernelGet("tokentray-test:probe")
	return err == nil
}

// restart forgets what a restart forgets: the kernel's data key and the
// keys kept in processes.
func restart(t testing.TB, k *Keyring) {
	t.Helper()
	if err := k.Forget(); err != nil {
		t.Fatal(err)
	}
}

// The first sign-ins of several processes at once set up one store: one
// id, one data key, every item readable by all.
func TestCreateOnce(t *testing.T) {
	if !kernelHere() {
		t.Skip("no kernel keyring here")
	}
	dir := isolate(t)
	var wg sync.WaitGroup
	ks := make([]*Keyring, 8)
	for i := range ks {
		wg.Go(func() {
			k, err := Create(dir)
			if err != nil {
				t.Error(err)
				return
			}
			ks[i] = k
			if err := k.Set(service, fmt.Sprint(i), "tok"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for i, k := range ks {
		if k.id != ks[0].id || k.Mode() != ModeKernel {
			t.Errorf("process %d: store %s (%s), want %s (kernel)", i, k.id, k.Mode(), ks[0].id)
		}
		mustGet(t, ks[0], fmt.Sprint(i), "tok")
	}
}

// A store directory others may look into (made by hand, or by an umask
// of 022 before tokentray) is made the user's alone.
func TestMakesTheDirectoryPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows directories are protected by access lists, not mode bits")
	}
	k := setup(t, ModeInsecure)
	if err := os.Chmod(k.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(k.dir); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(k.dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, %v; want 0700", fi.Mode().Perm(), err)
	}
}
