package sealed

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// forgetKernelKey invalidates the key named desc, as a restart or the
// persistent keyring's expiry would.
func forgetKernelKey(t testing.TB, desc string) {
	t.Helper()
	id, _, err := kernelRing()
	if err != nil {
		return
	}
	kid, err := unix.KeyctlSearch(id, "user", desc, 0)
	if err != nil {
		return
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_INVALIDATE, kid, 0, 0, 0); err != nil {
		t.Errorf("forget the test's kernel key: %v", err)
	}
}

// blockKernel makes keyctl fail for the test, as Docker's seccomp profile does.
func blockKernel(t testing.TB) {
	blockKeyctl = true
	t.Cleanup(func() { blockKeyctl = false })
}

func requireKernel(t *testing.T) {
	t.Helper()
	if _, err := kernelGet("tokentray-test:probe"); err != nil {
		t.Skipf("no kernel keyring here: %v", err)
	}
}

func TestKernel(t *testing.T) {
	requireKernel(t)
	k := setup(t, ModeKernel)
	for _, user := range []string{"work", "home"} {
		if err := k.Set(service, user, "tok-"+user); err != nil {
			t.Fatal(err)
		}
	}
	if d := k.Describe(); !strings.Contains(d, "persistent keyring") || !strings.Contains(d, "restart") {
		t.Errorf("Describe: %s", d)
	}
	other, err := Open(k.dir)
	if err != nil {
		t.Fatal(err)
	}
	mustGet(t, other, "work", "tok-work")

	// Another process: it must find the persistent keyring by itself.
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperGet$", "-test.v")
	cmd.Env = append(os.Environ(), "SEALED_HELPER_DIR="+k.dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "value=tok-work;") {
		t.Fatalf("another process: %v\n%s", err, out)
	}

	forgetKernelKey(t, k.desc()) // as at restart
	for _, user := range []string{"work", "home"} {
		_, err := other.Get(service, user)
		if !errors.Is(err, ErrKeyLost) || !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get(%s) after the key is gone: %v, want ErrKeyLost (and ErrNotFound)", user, err)
		}
	}
	if _, err := other.Get(service, "none"); !errors.Is(err, ErrNotFound) || errors.Is(err, ErrKeyLost) {
		t.Errorf("Get of no item after the key is gone: %v, want ErrNotFound only", err)
	}
	// The next Set makes a new key; items sealed with the old one stay lost.
	if err := other.Set(service, "work", "new"); err != nil {
		t.Fatal(err)
	}
	mustGet(t, k, "work", "new")
	if _, err := k.Get(service, "home"); !errors.Is(err, ErrKeyLost) {
		t.Errorf("Get of an item sealed with the old key: %v, want ErrKeyLost", err)
	}
}

func TestKernelBlocked(t *testing.T) {
	requireKernel(t)
	k := setup(t, ModeKernel)
	if err := k.Set(service, "work", "tok"); err != nil {
		t.Fatal(err)
	}
	blockKernel(t)
	if _, err := Setup(isolate(t), ModeKernel, ""); !errors.Is(err, ErrNoKernelKeyring) {
		t.Errorf("Setup: %v, want ErrNoKernelKeyring", err)
	}
	for name, call := range map[string]func() error{
		"Get": func() error { _, err := k.Get(service, "work"); return err },
		"Set": func() error { return k.Set(service, "work", "x") },
	} {
		if err := call(); !errors.Is(err, ErrNoKernelKeyring) || !strings.Contains(err.Error(), "seccomp") {
			t.Errorf("%s: %v, want ErrNoKernelKeyring", name, err)
		}
	}
	if d := k.Describe(); !strings.Contains(d, "cannot be read or kept") {
		t.Errorf("Describe: %s", d)
	}
}

// TestHelperGet is the other process of TestKernel.
func TestHelperGet(t *testing.T) {
	dir := os.Getenv("SEALED_HELPER_DIR")
	if dir == "" {
		t.Skip("run by TestKernel")
	}
	k, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := k.Get(service, "work")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("value=%s;", v)
}
