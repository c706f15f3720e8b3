//go:build linux

package testkit

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/tokentray/tokentray/auth/sealed"
)

var probes atomic.Int64

// RequireSecretService fails the test unless a real, unlocked Secret Service
// answers on the session bus. `make test` provides one: gnome-keyring under
// dbus-run-session.
func RequireSecretService(t testing.TB) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("no D-Bus session bus: run the tests with `make test`, which starts dbus-run-session and gnome-keyring")
	}
	// An item of its own: `go test ./...` runs packages at once against the
	// one keyring, and a shared item let one package's Delete take another's.
	const svc = "tokentray-test-probe"
	user := fmt.Sprintf("probe-%d-%d", os.Getpid(), probes.Add(1))
	if err := keyring.Set(svc, user, "x"); err != nil {
		t.Fatalf("the Secret Service does not work (%v): run the tests with `make test`", err)
	}
	if err := keyring.Delete(svc, user); err != nil {
		t.Fatalf("the Secret Service does not work (%v)", err)
	}
}

// RequireKernelKeyring fails the test unless the Linux kernel keyring can
// be used (keyctl; a container's seccomp profile may forbid it): the
// sealed files keep their data key there where no Secret Service answers.
func RequireKernelKeyring(t testing.TB) {
	t.Helper()
	if err := sealed.CheckKernel(); err != nil {
		t.Fatalf("the kernel keyring is needed for this test: %v", err)
	}
}
